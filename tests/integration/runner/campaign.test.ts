import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { livePidsAfter, makePlan, makeRunner, runRows, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

describe('campaign runner with the fake llem', () => {
  it('runs a whole campaign in order, imports each result once, keeps logs and removes the litter', async () => {
    s = sandbox({ FAKE_LLEM_CALLS: '' });
    s.env.FAKE_LLEM_CALLS = path.join(s.dir, 'calls.jsonl');
    const plan = makePlan('full', ['org/model-a', 'org/model-b'], 2);
    const { runner, events } = makeRunner(s, plan);
    const out = await runner.run();
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.status).toBe('completed');
    expect(out.value.counts).toMatchObject({ total: 4, succeeded: 4, failed: 0, queued: 0 });

    const rows = runRows(s.db, 'full');
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    // One result per run, linked to it.
    const results = s.db.prepare('SELECT run_id, COUNT(*) AS n FROM results GROUP BY run_id ORDER BY run_id').all() as { run_id: number; n: number }[];
    expect(results.map((r) => r.run_id)).toEqual(rows.map((r) => r.id));
    expect(results.every((r) => r.n === 1)).toBe(true);

    // Started events come in execution order, each followed by its finish.
    const order = events.filter((e) => e.type === 'run.started').map((e) => (e.type === 'run.started' ? e.runIndex : -1));
    expect(order).toEqual([0, 1, 2, 3]);
    const phases = events.filter((e) => e.type === 'run.phase' && e.runId === rows[0]!.id).map((e) => (e.type === 'run.phase' ? e.phase : ''));
    expect(phases).toEqual(expect.arrayContaining(['baseline', 'loading', 'warmup', 'thermal_wait', 'measuring', 'done']));
    expect(phases.indexOf('baseline')).toBeLessThan(phases.indexOf('measuring'));
    const lastMeasuring = events.filter((e) => e.type === 'run.phase' && e.runId === rows[0]!.id && e.phase === 'measuring').pop();
    expect(lastMeasuring).toMatchObject({ done: 4, total: 4 });

    // The spawn recipe of contract §4.12: absolute --output, -vv, scratch cwd, unbuffered UTF-8 Python.
    const calls = readFileSync(s.env.FAKE_LLEM_CALLS!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(calls).toHaveLength(4);
    for (const [i, call] of calls.entries()) {
      expect(call.argv[0]).toBe('run');
      expect(call.argv).toContain('-vv');
      const output = call.argv[call.argv.indexOf('--output') + 1];
      expect(path.isAbsolute(output)).toBe(true);
      expect(output).toBe(rows[i]!.output_dir);
      expect(call.cwd.endsWith('scratch')).toBe(true);
      expect(call.env).toMatchObject({ PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8', LLEM_RUNNER_PYTORCH: 'local', ELECTRON_RUN_AS_NODE: null });
      expect(existsSync(call.cwd)).toBe(false); // scratch (with llem's ./results litter) removed
    }
    const attempt = s.db.prepare('SELECT * FROM run_attempts WHERE run_id = ?').get(rows[0]!.id) as { stderr_path: string; stdout_path: string; result_path: string };
    expect(readFileSync(attempt.stderr_path, 'utf8')).toContain('Starting measurement');
    expect(readFileSync(attempt.stdout_path, 'utf8')).toContain('Result:');
    expect(readdirSync(path.dirname(attempt.result_path))).toEqual(expect.arrayContaining(['result.json']));
    // llem's reported energy is stored for GPU 0's measured window.
    const energy = s.db.prepare("SELECT llem_j FROM run_energy WHERE run_id = ? AND window = 'measuring'").get(rows[0]!.id) as { llem_j: number };
    expect(energy.llem_j).toBe(104); // fake llem reports 100 + n
    expect(await livePidsAfter(s.pidDir)).toEqual([]);
    const status = s.db.prepare('SELECT status FROM campaigns WHERE id = ?').get('full') as { status: string };
    expect(status.status).toBe('completed');
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM leases').get()).toEqual({ n: 0 });
  });
});
