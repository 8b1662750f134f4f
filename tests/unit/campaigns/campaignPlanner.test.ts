/**
 * The worker-thread planner (issue #15, finding 8) with stand-in worker scripts: every way the worker can fail
 * becomes an error result for the request it was running (never a crash, never a request left hanging), the next
 * request gets a fresh worker, and the waiting queue is bounded with newer previews superseding older ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPlanner, MAX_WAITING_PLANS, type CampaignPlanner } from '../../../core/campaigns/campaignPlanner';

let dir: string;
const script = (name: string, body: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-planner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = (yaml: string) => ({ yaml, profile: 'head' as const });

describe('worker failures answer the running request', () => {
  it('a worker that throws: plan_worker_failed naming the error, and the next request starts a fresh worker', async () => {
    const flag = path.join(dir, 'thrown-once');
    const entry = script(
      'throws-once.mjs',
      `import { existsSync, writeFileSync } from 'node:fs';
       parentPort.on('message', (m) => {
         if (!existsSync(${JSON.stringify(flag)})) { writeFileSync(${JSON.stringify(flag)}, ''); throw new Error('boom in planner'); }
         parentPort.postMessage({ id: m.id, result: { ok: true, value: m.yaml } });
       });`,
    );
    const planner = createWorkerPlanner({ workerEntry: entry });
    const first = await planner.plan(input('a'));
    expect(first).toMatchObject({ ok: false, error: { code: 'plan_worker_failed' } });
    expect(!first.ok && first.error.message).toContain('boom in planner');
    expect(await planner.plan(input('b'))).toEqual({ ok: true, value: 'b' });
    await planner.close();
  });

  it('a worker that exits with a non-zero code: plan_worker_failed with the code', async () => {
    const planner = createWorkerPlanner({ workerEntry: script('exits.mjs', `parentPort.on('message', () => process.exit(3));`) });
    const result = await planner.plan(input('a'));
    expect(result).toMatchObject({ ok: false, error: { code: 'plan_worker_failed' } });
    expect(!result.ok && result.error.message).toContain('exit code 3');
    await planner.close();
  });

  it('a worker entry that cannot load: plan_worker_failed', async () => {
    const planner = createWorkerPlanner({ workerEntry: script('bad-syntax.mjs', `this is not javascript`) });
    expect(await planner.plan(input('a'))).toMatchObject({ ok: false, error: { code: 'plan_worker_failed' } });
    await planner.close();
  });
});

describe('queue', () => {
  let planner: CampaignPlanner;
  beforeAll(() => {
    // Takes a moment per plan and reports the order it saw them in; a second plan arriving while one is still
    // in hand (two at once in the worker) is answered as an overlap error.
    const entry = script(
      'slow.mjs',
      `let busy = false; let seen = 0;
       parentPort.on('message', (m) => {
         if (busy) { parentPort.postMessage({ id: m.id, result: { ok: false, error: { code: 'overlap', message: m.yaml } } }); return; }
         busy = true; const n = ++seen;
         setTimeout(() => { busy = false; parentPort.postMessage({ id: m.id, result: { ok: true, value: n + ':' + m.yaml } }); }, 30);
       });`,
    );
    planner = createWorkerPlanner({ workerEntry: entry });
  });
  afterAll(() => planner.close());

  it('runs one plan at a time, in order; a newer preview supersedes a waiting one; saves are never superseded', async () => {
    const results = await Promise.all([
      planner.plan(input('first')),
      planner.plan(input('save'), { supersedable: false }),
      planner.plan(input('stale preview')),
      planner.plan(input('latest preview')),
    ]);
    expect(results).toEqual([
      { ok: true, value: '1:first' },
      { ok: true, value: '2:save' },
      { ok: false, error: { code: 'plan_superseded', message: expect.stringContaining('newer plan request') } },
      { ok: true, value: '3:latest preview' },
    ]);
  });

  it('answers plan_busy beyond MAX_WAITING_PLANS waiting saves, and close answers everything still pending', async () => {
    const running = planner.plan(input('running'));
    const pending = Array.from({ length: MAX_WAITING_PLANS }, (_, i) => planner.plan(input(`save ${i}`), { supersedable: false }));
    expect(await planner.plan(input('one too many'), { supersedable: false })).toMatchObject({ ok: false, error: { code: 'plan_busy' } });
    await planner.close();
    for (const result of await Promise.all([running, ...pending])) expect(result).toMatchObject({ ok: false, error: { code: 'plan_unavailable' } });
  });
});
