import type { RunCounts, RunEvent } from '../contract/runEvents';
import type { CampaignRunner } from '../core/runner/campaignRunner';

/**
 * What the shell needs to know about campaigns running in this process: whether any is running (quit
 * confirmation), their events (taskbar progress, notifications), and a clean way to stop them all (quit).
 * The shell never drives a campaign itself; the core's runner does.
 */
export interface CampaignActivity {
  /** Campaign ids running right now in this process. */
  running(): string[];
  onEvent(listener: (event: RunEvent) => void): () => void;
  /**
   * Stops every running campaign the way an app exit should: the llem process in flight gets SIGINT, then
   * SIGKILL after the grace period, its run is queued again (`interrupted`), and the campaign is left
   * `paused` so it resumes on the next start. Resolves when every runner has finished its bookkeeping.
   */
  stopAll(): Promise<void>;
}

/** The part of the core's CampaignRunner the shell uses (structural, so tests can pass a fake). */
export type RunnerLike = Pick<CampaignRunner, 'campaignId' | 'isRunning' | 'subscribe' | 'shutdown'>;

export interface RunnerActivity extends CampaignActivity {
  /**
   * Tracks a runner from the moment it starts until `finished` (the promise `runner.run()` returned) settles.
   * Whoever starts runners in this process calls this; see the report for where the lead wires it.
   */
  attach(runner: RunnerLike, finished: Promise<unknown>): void;
}

/** A CampaignActivity over the core's CampaignRunner objects. */
export function createRunnerActivity(): RunnerActivity {
  const tracked = new Map<RunnerLike, { finished: Promise<void>; unsubscribe: () => void }>();
  const listeners = new Set<(event: RunEvent) => void>();

  return {
    attach(runner, finished) {
      if (tracked.has(runner)) return;
      const unsubscribe = runner.subscribe((event) => {
        for (const listener of listeners) listener(event);
      });
      const settled = finished.then(
        () => undefined,
        () => undefined,
      );
      tracked.set(runner, { finished: settled, unsubscribe });
      void settled.then(() => {
        unsubscribe();
        tracked.delete(runner);
      });
    },
    running: () => [...tracked.keys()].filter((r) => r.isRunning).map((r) => r.campaignId),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stopAll() {
      const all = [...tracked.entries()];
      await Promise.all(all.map(([runner]) => runner.shutdown()));
      await Promise.all(all.map(([, t]) => t.finished));
    },
  };
}

/** Share of a campaign's runs that are done (succeeded, failed or cancelled), for the taskbar/dock bar. */
export function progressFraction(counts: RunCounts): number {
  if (counts.total <= 0) return 0;
  return Math.min(1, Math.max(0, doneRuns(counts) / counts.total));
}

/** Runs that will not run again without a retry; `interrupted` ones are queued again, so they are not done. */
function doneRuns(counts: RunCounts): number {
  return counts.succeeded + counts.failed + counts.cancelled;
}

export type TaskbarProgress = { fraction: number; mode: 'normal' | 'paused' | 'error' } | { fraction: -1; mode: 'none' };

export interface CampaignFeedbackSinks {
  /** BrowserWindow.setProgressBar on every app window (-1 removes the bar). */
  setProgress(progress: TaskbarProgress): void;
  /** An OS notification (Electron's Notification), only when the campaign ends. */
  notify(title: string, body: string): void;
}

function describeCounts(c: RunCounts): string {
  const parts = [`${c.succeeded} of ${c.total} runs succeeded`];
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if (c.cancelled > 0) parts.push(`${c.cancelled} cancelled`);
  return parts.join(', ');
}

/** The notification for a campaign that ended, or null for events that do not end one. */
export function notificationFor(event: RunEvent): { title: string; body: string } | null {
  if (event.type !== 'campaign.finished') return null;
  const title =
    event.status === 'completed' ? 'Campaign finished' : event.status === 'cancelled' ? 'Campaign cancelled' : `Campaign ${event.status}`;
  const body = [describeCounts(event.counts), event.message].filter(Boolean).join('. ');
  return { title, body };
}

/**
 * Progress on the taskbar/dock and a notification at the end, from the runner's events: done runs plus the
 * share of the run in flight that llem reports while measuring. With several campaigns at once (rare) the
 * bar shows the one that reported last.
 */
export function attachCampaignFeedback(activity: CampaignActivity, sinks: CampaignFeedbackSinks): () => void {
  const state = new Map<string, { total: number; done: number; current: number }>();
  const show = (campaignId: string, mode: 'normal' | 'paused') => {
    const s = state.get(campaignId);
    if (!s || s.total <= 0) return;
    sinks.setProgress({ fraction: Math.min(1, (s.done + s.current) / s.total), mode });
  };
  return activity.onEvent((event) => {
    switch (event.type) {
      case 'campaign.started':
        state.set(event.campaignId, { total: event.counts.total, done: doneRuns(event.counts), current: 0 });
        show(event.campaignId, 'normal');
        break;
      case 'run.phase': {
        const s = state.get(event.campaignId);
        if (s && event.done !== undefined && event.total) {
          s.current = Math.min(1, event.done / event.total);
          show(event.campaignId, 'normal');
        }
        break;
      }
      case 'run.finished': {
        const s = state.get(event.campaignId);
        if (s) {
          s.current = 0;
          if (event.status === 'succeeded' || event.status === 'failed' || event.status === 'cancelled') s.done += 1;
          show(event.campaignId, 'normal');
        }
        break;
      }
      case 'campaign.paused':
        state.set(event.campaignId, { total: event.counts.total, done: doneRuns(event.counts), current: 0 });
        show(event.campaignId, 'paused');
        break;
      case 'campaign.finished': {
        state.delete(event.campaignId);
        sinks.setProgress({ fraction: -1, mode: 'none' });
        const note = notificationFor(event);
        if (note) sinks.notify(note.title, note.body);
        break;
      }
      default:
        break;
    }
  });
}
