import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLeases } from '../../../core/runner/leaseStore';
import { livePidsAfter, makePlan, makeRunner, runRows, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

describe('pause, resume, cancel, shutdown and leases', () => {
  it('pauses between runs (the current run finishes) and resumes where it stopped', async () => {
    s = sandbox();
    const plan = makePlan('pausable', ['a', 'b', 'c', 'd']);
    const { runner, events } = makeRunner(s, plan);
    runner.subscribe((e) => {
      if (e.type === 'run.phase' && e.phase === 'loading' && events.filter((x) => x.type === 'run.started').length === 2) runner.pause();
    });
    const first = await runner.run();
    expect(first.ok && first.value.status).toBe('paused');
    expect(runRows(s.db, 'pausable').map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'queued', 'queued']);
    expect(events.at(-1)?.type).toBe('campaign.paused');
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM leases').get()).toEqual({ n: 0 });

    const second = await runner.run();
    expect(second.ok && second.value.status).toBe('completed');
    expect(runRows(s.db, 'pausable').map((r) => [r.status, r.attempt])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    const started = events.filter((e) => e.type === 'campaign.started');
    expect(started.map((e) => e.type === 'campaign.started' && e.resumed)).toEqual([false, true]);
  });

  it('cancels the run in flight with SIGINT, records it cancelled, and a later start re-runs it', async () => {
    s = sandbox();
    const plan = makePlan('cancel', ['org/ok', 'fake/hang', 'org/later']);
    const { runner } = makeRunner(s, plan);
    let cancelled = false;
    runner.subscribe((e) => {
      if (!cancelled && e.type === 'run.phase' && e.phase === 'measuring' && e.runId === runRows(s.db, 'cancel')[1]!.id) {
        cancelled = true;
        runner.cancel();
      }
    });
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('cancelled');
    const rows = runRows(s.db, 'cancel');
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'cancelled', 'queued']);
    expect(rows[1]).toMatchObject({ failure_reason: 'interrupted', exit_code: 130 });
    expect(await livePidsAfter(s.pidDir)).toEqual([]);

    // Resuming re-runs the cancelled run (attempt 2, new output dir) and the queued one; the hang is swapped out
    // through the environment so the retry can succeed.
    s.env.FAKE_LLEM_MODE = 'ok';
    const again = await runner.run();
    expect(again.ok && again.value.status).toBe('completed');
    const after = runRows(s.db, 'cancel');
    expect(after.map((r) => [r.status, r.attempt])).toEqual([
      ['succeeded', 1],
      ['succeeded', 2],
      ['succeeded', 1],
    ]);
    expect(after[1]!.output_dir).not.toBe(rows[1]!.output_dir);
    const attempts = s.db.prepare('SELECT attempt, status FROM run_attempts WHERE run_id = ? ORDER BY attempt').all(rows[1]!.id);
    expect(attempts).toEqual([
      { attempt: 1, status: 'cancelled' },
      { attempt: 2, status: 'succeeded' },
    ]);
  });

  it('on shutdown, the run in flight is interrupted and queued again', async () => {
    s = sandbox();
    const plan = makePlan('shutdown', ['fake/hang', 'org/b']);
    const { runner } = makeRunner(s, plan);
    runner.subscribe((e) => {
      if (e.type === 'run.phase' && e.phase === 'measuring') void runner.shutdown();
    });
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('paused');
    const rows = runRows(s.db, 'shutdown');
    expect(rows.map((r) => r.status)).toEqual(['queued', 'queued']);
    const attempt = s.db.prepare('SELECT status, failure_reason FROM run_attempts WHERE run_id = ?').get(rows[0]!.id);
    expect(attempt).toEqual({ status: 'interrupted', failure_reason: 'interrupted' });
  });

  it('refuses a second claimant of the campaign or the GPU and names the holder; takes over a dead holder', async () => {
    s = sandbox();
    // Another live process holds GPU 0.
    const other = spawn(process.execPath, ['-e', 'setTimeout(()=>{}, 60000)'], { stdio: 'ignore' });
    try {
      const held = acquireLeases(s.db, ['gpu:0'], { label: 'llem-studio CLI (pid X on elsewhere)', pid: other.pid!, host: os.hostname() });
      expect(held.ok).toBe(true);
      const { runner } = makeRunner(s, makePlan('blocked', ['a']));
      const out = await runner.run();
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.code).toBe('lease_held');
        expect(out.error.message).toContain('GPU 0 is in use by llem-studio CLI (pid X on elsewhere)');
      }
      // Nothing ran, and the campaign lease was not left half-claimed.
      expect(runRows(s.db, 'blocked').map((r) => r.status)).toEqual(['queued']);
      expect(s.db.prepare("SELECT COUNT(*) AS n FROM leases WHERE resource LIKE 'campaign:%'").get()).toEqual({ n: 0 });
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // The holder is dead now: its lease is stale and taken over.
    const { runner } = makeRunner(s, makePlan('blocked', ['a']));
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
  });

  it('two runners in one process cannot run the same campaign at once', async () => {
    s = sandbox();
    const plan = makePlan('twice', ['fake/hang']);
    const a = makeRunner(s, plan);
    const b = makeRunner(s, plan);
    const started = new Promise<void>((res) => a.runner.subscribe((e) => e.type === 'campaign.started' && res()));
    const first = a.runner.run();
    await started;
    const second = await b.runner.run();
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.message).toMatch(/Campaign twice is in use by llem-studio app/);
    a.runner.cancel();
    expect((await first).ok).toBe(true);
  });

  it('refuses to resume a campaign whose stored runs do not match the plan', async () => {
    s = sandbox();
    expect((await makeRunner(s, makePlan('edited', ['a', 'b'])).runner.run()).ok).toBe(true);
    const out = await makeRunner(s, makePlan('edited', ['a', 'c'])).runner.run();
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('plan_changed');
  });

  it('waits llem-style gaps and lets a gap be skipped', async () => {
    s = sandbox();
    // 2 configs x 2 cycles, sequential: gaps before runs 1,2,3; cycle gap before run 2 (2 % 2 == 0).
    const plan = makePlan('gaps', ['a', 'b'], 2, { experimentGapSeconds: 0.2, cycleGapSeconds: 30 });
    const { runner, events } = makeRunner(s, plan);
    runner.subscribe((e) => {
      if (e.type === 'campaign.gap' && e.kind === 'cycle') setTimeout(() => runner.skipGap(), 50);
    });
    const t0 = Date.now();
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
    expect(Date.now() - t0).toBeLessThan(20_000);
    const gaps = events.filter((e) => e.type === 'campaign.gap').map((e) => (e.type === 'campaign.gap' ? [e.kind, e.beforeRunIndex] : []));
    expect(gaps).toEqual([
      ['experiment', 1],
      ['experiment', 2],
      ['cycle', 2],
      ['experiment', 3],
    ]);
  });
});
