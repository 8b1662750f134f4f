import { afterEach, describe, expect, it } from 'vitest';
import { livePidsAfter, makePlan, makeRunner, recordedPids, runRows, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

describe('failure isolation and failure reasons', () => {
  it('records each failure kind with its reason and still runs the rest of the campaign', async () => {
    s = sandbox();
    const models = [
      'fake/config-error',
      'fake/preflight',
      'fake/oom',
      'fake/crash',
      'fake/killed',
      'fake/garbage',
      'fake/no-result',
      'fake/exit-130',
      'fake/noise',
      'org/fine',
    ];
    const plan = makePlan('failures', models);
    const { runner, events } = makeRunner(s, plan);
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
    const rows = runRows(s.db, 'failures');
    const byModel = Object.fromEntries(models.map((m, i) => [m, rows[i]!]));

    expect(byModel['fake/config-error']).toMatchObject({ status: 'failed', failure_reason: 'config_error', exit_code: 2 });
    expect(byModel['fake/config-error']!.error_message).toContain('Config validation failed');
    expect(byModel['fake/config-error']!.error_message).toContain('decoder -> temperature');
    expect(byModel['fake/preflight']).toMatchObject({ status: 'failed', failure_reason: 'preflight', exit_code: 1 });
    expect(byModel['fake/preflight']!.error_message).toContain('CUDA not available');
    expect(byModel['fake/oom']).toMatchObject({ status: 'failed', failure_reason: 'out_of_memory', exit_code: 1 });
    expect(byModel['fake/oom']!.error_message).toContain('CUDA out of memory');
    expect(byModel['fake/crash']).toMatchObject({ status: 'failed', failure_reason: 'crash', exit_code: 1 });
    expect(byModel['fake/crash']!.error_message).toBe('RuntimeError: simulated crash (fake llem)');
    expect(byModel['fake/killed']).toMatchObject({ status: 'failed', failure_reason: 'crash', exit_code: null, exit_signal: 'SIGKILL' });
    expect(byModel['fake/garbage']).toMatchObject({ status: 'failed', failure_reason: 'import_error', exit_code: 0 });
    expect(byModel['fake/garbage']!.error_message).toContain('not valid JSON');
    expect(byModel['fake/no-result']).toMatchObject({ status: 'failed', failure_reason: 'crash', exit_code: 0 });
    expect(byModel['fake/exit-130']).toMatchObject({ status: 'interrupted', failure_reason: 'interrupted', exit_code: 130 });
    expect(byModel['fake/noise']).toMatchObject({ status: 'succeeded', failure_reason: null });
    expect(byModel['org/fine']).toMatchObject({ status: 'succeeded', failure_reason: null });

    // Only the two successful runs produced results.
    const results = s.db.prepare('SELECT run_id FROM results ORDER BY run_id').all() as { run_id: number }[];
    expect(results.map((r) => r.run_id)).toEqual([byModel['fake/noise']!.id, byModel['org/fine']!.id]);
    const finished = events.filter((e) => e.type === 'run.finished');
    expect(finished).toHaveLength(models.length);
    expect(await livePidsAfter(s.pidDir)).toEqual([]);
  });

  it('stops a hung run at the app-side timeout and goes on with the next run', async () => {
    s = sandbox();
    const { runner } = makeRunner(s, makePlan('timeouts', ['fake/hang', 'org/after']), { runTimeoutSeconds: 1, graceMs: 500 });
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
    const rows = runRows(s.db, 'timeouts');
    expect(rows[0]).toMatchObject({ status: 'failed', failure_reason: 'timeout' });
    expect(rows[0]!.error_message).toContain('app-side timeout of 1 s');
    // llem got SIGINT: it exits 130 (or dies of it when it came before its handler was installed).
    expect(rows[0]!.exit_code === 130 || rows[0]!.exit_signal === 'SIGINT').toBe(true);
    expect(rows[1]).toMatchObject({ status: 'succeeded' });
    expect(await livePidsAfter(s.pidDir)).toEqual([]);
  }, 20_000);

  it('kills the whole process group when llem (and its child) ignore SIGINT', async () => {
    s = sandbox();
    const { runner } = makeRunner(s, makePlan('stubborn', ['fake/hang-hard']), { graceMs: 500 });
    runner.subscribe((e) => {
      if (e.type === 'run.phase' && e.phase === 'measuring') setTimeout(() => runner.cancel(), 100);
    });
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('cancelled');
    expect(runRows(s.db, 'stubborn')[0]).toMatchObject({ status: 'cancelled', exit_signal: 'SIGKILL' });
    // hang-hard's grandchild ignored SIGINT too: only the process-group SIGKILL can have ended it.
    expect(recordedPids(s.pidDir)).toHaveLength(2);
    expect(await livePidsAfter(s.pidDir)).toEqual([]);
  }, 20_000);

  it('fails every run with a clear message when llem cannot be started, without crashing', async () => {
    s = sandbox();
    const plan = makePlan('nollem', ['a', 'b']);
    const { runner } = makeRunner(s, plan, {}, { llem: { command: '/nonexistent/llem', args: [], source: 'configured', display: '/nonexistent/llem' } });
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
    const rows = runRows(s.db, 'nollem');
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'failed', failure_reason: 'crash' });
      expect(r.error_message).toMatch(/could not be started.*ENOENT/);
    }
  });
});
