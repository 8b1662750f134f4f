import type { CampaignActivity } from './campaignActivity';

export type QuitChoice = 'stop-and-quit' | 'keep-running';

export interface QuitGuardDeps {
  activity: Pick<CampaignActivity, 'running' | 'stopAll'>;
  /** Asks the user (a native message box); `running` = the campaign ids that would be stopped. */
  confirm(running: string[]): Promise<QuitChoice>;
  /** app.quit(): called again once the runners are stopped. */
  quit(): void;
  /** Longest wait for the runners before quitting anyway (their processes' guardians still stop llem). */
  stopTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface QuitGuard {
  /** For app.on('before-quit'): lets the quit go on, or holds it while asking and stopping. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  readonly state: 'idle' | 'asking' | 'stopping' | 'quitting';
}

/**
 * Quitting while a campaign runs asks first; "Stop and quit" stops every runner cleanly (SIGINT to llem, grace,
 * SIGKILL; the run in flight requeued) and only then lets the app exit, so no llem process outlives the app.
 * A second quit request while asking or stopping is held, not doubled.
 */
export function createQuitGuard(deps: QuitGuardDeps): QuitGuard {
  const timeoutMs = deps.stopTimeoutMs ?? 30_000;
  const log = deps.log ?? console.warn;
  let state: QuitGuard['state'] = 'idle';

  const stopThenQuit = async () => {
    state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([deps.activity.stopAll().then(() => 'stopped' as const), timedOut]);
      if (outcome === 'timeout') log(`Campaigns did not stop within ${timeoutMs} ms; quitting anyway (the process guardians stop llem).`);
    } catch (e) {
      log(`Stopping campaigns failed: ${(e as Error).message}; quitting anyway (the process guardians stop llem).`);
    } finally {
      clearTimeout(timer);
    }
    state = 'quitting';
    deps.quit();
  };

  return {
    get state() {
      return state;
    },
    onBeforeQuit(event) {
      if (state === 'quitting') return;
      if (state === 'asking' || state === 'stopping') {
        event.preventDefault();
        return;
      }
      const running = deps.activity.running();
      if (running.length === 0) {
        state = 'quitting';
        return;
      }
      event.preventDefault();
      state = 'asking';
      void deps.confirm(running).then(
        (choice) => {
          if (choice === 'stop-and-quit') return stopThenQuit();
          state = 'idle';
          return undefined;
        },
        (e: unknown) => {
          log(`Quit confirmation failed: ${(e as Error).message}`);
          state = 'idle';
        },
      );
    },
  };
}
