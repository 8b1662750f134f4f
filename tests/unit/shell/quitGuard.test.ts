import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isProcessAlive } from '../../../core/processes/processTree';
import { ProcessRegistry } from '../../../core/processes/registry';
import { createRunnerActivity, type RunnerLike } from '../../../main/campaignActivity';
import { createQuitGuard, type QuitChoice } from '../../../main/quitGuard';

function quitEvent() {
  return { preventDefault: vi.fn() };
}

function activity(running: string[], stopAll: () => Promise<void> = async () => undefined) {
  return { running: vi.fn(() => running), stopAll: vi.fn(stopAll) };
}

describe('quitting', () => {
  it('with nothing running, quits at once without asking', () => {
    const confirm = vi.fn();
    const guard = createQuitGuard({ activity: activity([]), confirm, quit: vi.fn() });
    const event = quitEvent();
    guard.onBeforeQuit(event);
    expect(event.preventDefault).not.toHaveBeenCalled();
    expect(confirm).not.toHaveBeenCalled();
  });

  it('during a campaign, asks first; "keep running" cancels the quit and stops nothing', async () => {
    const a = activity(['c1']);
    const confirm = vi.fn(async (): Promise<QuitChoice> => 'keep-running');
    const quit = vi.fn();
    const guard = createQuitGuard({ activity: a, confirm, quit });
    const event = quitEvent();
    guard.onBeforeQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(confirm).toHaveBeenCalledWith(['c1']);
    await vi.waitFor(() => expect(guard.state).toBe('idle'));
    expect(a.stopAll).not.toHaveBeenCalled();
    expect(quit).not.toHaveBeenCalled();
  });

  it('"stop and quit" stops the runners first, then quits; the second quit goes through', async () => {
    let release: () => void = () => undefined;
    const a = activity(['c1'], () => new Promise<void>((resolve) => (release = resolve)));
    const quit = vi.fn();
    const guard = createQuitGuard({ activity: a, confirm: async () => 'stop-and-quit', quit });
    guard.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(a.stopAll).toHaveBeenCalled());
    expect(guard.state).toBe('stopping');
    expect(quit).not.toHaveBeenCalled();
    // Another quit request while stopping (Cmd+Q again) is held, not doubled.
    const again = quitEvent();
    guard.onBeforeQuit(again);
    expect(again.preventDefault).toHaveBeenCalled();
    release();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    const final = quitEvent();
    guard.onBeforeQuit(final);
    expect(final.preventDefault).not.toHaveBeenCalled();
    expect(a.stopAll).toHaveBeenCalledTimes(1);
  });

  it('asks only once while the question is open', () => {
    const confirm = vi.fn(() => new Promise<QuitChoice>(() => undefined));
    const guard = createQuitGuard({ activity: activity(['c1']), confirm, quit: vi.fn() });
    guard.onBeforeQuit(quitEvent());
    guard.onBeforeQuit(quitEvent());
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('quits anyway when the runners do not stop in time, or stopping fails', async () => {
    const log = vi.fn();
    const hanging = createQuitGuard({ activity: activity(['c1'], () => new Promise(() => undefined)), confirm: async () => 'stop-and-quit', quit: vi.fn(), stopTimeoutMs: 20, log });
    hanging.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(hanging.state).toBe('quitting'));
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/did not stop within 20 ms/));

    const failing = createQuitGuard({ activity: activity(['c1'], async () => Promise.reject(new Error('db locked'))), confirm: async () => 'stop-and-quit', quit: vi.fn(), log });
    failing.onBeforeQuit(quitEvent());
    await vi.waitFor(() => expect(failing.state).toBe('quitting'));
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/db locked/));
  });
});

const NO_PROCESS_GROUPS = process.platform === 'win32';
if (NO_PROCESS_GROUPS) console.warn('SKIP: the orphan test signals POSIX process groups; Windows uses taskkill /T (core/processes).');

describe('quitting during a campaign leaves no orphan process', () => {
  const registry = new ProcessRegistry();
  let dir: string | undefined;
  afterEach(async () => {
    await registry.stopAll('shutdown', 500);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(NO_PROCESS_GROUPS)('the llem stand-in is gone before the app is allowed to quit', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'llem-quit-'));
    const pidFile = path.join(dir, 'pid');
    // Stands in for llem: records its pid and runs until signalled (SIGINT ends it, as it ends llem).
    const managed = registry.spawn({
      id: 'run:1',
      command: process.execPath,
      args: ['-e', "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)", pidFile],
      cwd: dir,
      env: process.env,
      graceMs: 5_000,
    });
    await vi.waitFor(() => expect(existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '').toBe(true), { timeout: 10_000 });
    const llemPid = Number(readFileSync(pidFile, 'utf8'));
    expect(isProcessAlive(llemPid)).toBe(true);

    // The runner's shutdown() stops its process through the registry; run() settles when it is gone.
    let running = true;
    const runner: RunnerLike = {
      campaignId: 'c1',
      get isRunning() {
        return running;
      },
      subscribe: () => () => true,
      shutdown: async () => {
        await managed.stop('shutdown');
      },
    };
    const finished = managed.exited.then(() => {
      running = false;
    });
    const campaigns = createRunnerActivity();
    campaigns.attach(runner, finished);

    const aliveAtQuit: boolean[] = [];
    const quit = vi.fn(() => aliveAtQuit.push(isProcessAlive(llemPid), isProcessAlive(managed.pid)));
    const confirm = vi.fn(async (): Promise<QuitChoice> => 'stop-and-quit');
    const guard = createQuitGuard({ activity: campaigns, confirm, quit });
    const event = quitEvent();
    guard.onBeforeQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(quit).toHaveBeenCalled(), { timeout: 15_000 });
    expect(confirm).toHaveBeenCalledWith(['c1']);
    expect(aliveAtQuit).toEqual([false, false]);
    expect((await managed.exited).stoppedBy).toBe('shutdown');
    expect(campaigns.running()).toEqual([]);
  });
});
