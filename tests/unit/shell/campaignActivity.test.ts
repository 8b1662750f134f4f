import { describe, expect, it, vi } from 'vitest';
import type { RunCounts, RunEvent } from '../../../contract/runEvents';
import {
  attachCampaignFeedback,
  createRunnerActivity,
  notificationFor,
  progressFraction,
  type RunnerLike,
  type TaskbarProgress,
} from '../../../main/campaignActivity';

const counts = (over: Partial<RunCounts> = {}): RunCounts => ({ total: 4, queued: 4, running: 0, succeeded: 0, failed: 0, interrupted: 0, cancelled: 0, ...over });
const at = '2026-01-01T00:00:00.000Z';

function fakeRunner(campaignId: string) {
  const listeners = new Set<(e: RunEvent) => void>();
  let running = true;
  const runner = {
    campaignId,
    get isRunning() {
      return running;
    },
    subscribe: (l: (e: RunEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    shutdown: vi.fn(async () => {
      running = false;
    }),
  } satisfies RunnerLike;
  return { runner, emit: (e: RunEvent) => listeners.forEach((l) => l(e)), listeners, stop: () => (running = false) };
}

describe('runner activity', () => {
  it('knows which attached campaigns are running and forwards their events', () => {
    const a = fakeRunner('a');
    const b = fakeRunner('b');
    const activity = createRunnerActivity();
    activity.attach(a.runner, new Promise(() => undefined));
    activity.attach(b.runner, new Promise(() => undefined));
    expect(activity.running().sort()).toEqual(['a', 'b']);
    b.stop();
    expect(activity.running()).toEqual(['a']);
    const seen: string[] = [];
    const off = activity.onEvent((e) => seen.push(e.campaignId));
    a.emit({ type: 'campaign.paused', campaignId: 'a', at, counts: counts() });
    off();
    a.emit({ type: 'campaign.paused', campaignId: 'a', at, counts: counts() });
    expect(seen).toEqual(['a']);
  });

  it('forgets a runner (and stops listening) when its run settles, even with an error', async () => {
    const a = fakeRunner('a');
    const activity = createRunnerActivity();
    activity.attach(a.runner, Promise.reject(new Error('runner crashed')));
    await vi.waitFor(() => expect(activity.running()).toEqual([]));
    expect(a.listeners.size).toBe(0);
  });

  it('stopAll shuts every runner down and waits until each run has settled', async () => {
    const a = fakeRunner('a');
    let settle: () => void = () => undefined;
    const activity = createRunnerActivity();
    activity.attach(a.runner, new Promise<void>((resolve) => (settle = resolve)));
    let done = false;
    const stopping = activity.stopAll().then(() => (done = true));
    await vi.waitFor(() => expect(a.runner.shutdown).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    settle();
    await stopping;
    expect(done).toBe(true);
  });
});

describe('taskbar progress and notifications', () => {
  it('progress counts succeeded, failed and cancelled runs as done, not interrupted ones', () => {
    expect(progressFraction(counts({ succeeded: 1, failed: 1, interrupted: 1 }))).toBe(0.5);
    expect(progressFraction(counts({ total: 0 }))).toBe(0);
  });

  it('the bar follows the campaign, including the run in flight, and goes away with a notification at the end', () => {
    const r = fakeRunner('c');
    const activity = createRunnerActivity();
    activity.attach(r.runner, new Promise(() => undefined));
    const progress: TaskbarProgress[] = [];
    const notes: [string, string][] = [];
    attachCampaignFeedback(activity, { setProgress: (p) => progress.push(p), notify: (t, b) => notes.push([t, b]) });

    r.emit({ type: 'campaign.started', campaignId: 'c', at, counts: counts({ succeeded: 1, queued: 3 }), resumed: true });
    r.emit({ type: 'run.phase', campaignId: 'c', at, runId: 1, phase: 'measuring', done: 50, total: 100, message: 'batch' });
    r.emit({
      type: 'run.finished',
      campaignId: 'c',
      at,
      runId: 1,
      runIndex: 1,
      attempt: 1,
      status: 'succeeded',
      failureReason: null,
      message: null,
      exitCode: 0,
      signal: null,
      durationSeconds: 10,
      energy: [],
    });
    r.emit({ type: 'campaign.paused', campaignId: 'c', at, counts: counts({ succeeded: 2, queued: 2 }) });
    expect(progress).toEqual([
      { fraction: 0.25, mode: 'normal' },
      { fraction: 0.375, mode: 'normal' },
      { fraction: 0.5, mode: 'normal' },
      { fraction: 0.5, mode: 'paused' },
    ]);
    expect(notes).toEqual([]);

    r.emit({ type: 'campaign.finished', campaignId: 'c', at, status: 'completed', counts: counts({ succeeded: 3, failed: 1, queued: 0 }), message: null });
    expect(progress.at(-1)).toEqual({ fraction: -1, mode: 'none' });
    expect(notes).toEqual([['Campaign finished', '3 of 4 runs succeeded, 1 failed']]);
  });

  it('notifications name cancelled and failed campaigns; other events notify nothing', () => {
    expect(notificationFor({ type: 'campaign.finished', campaignId: 'c', at, status: 'cancelled', counts: counts({ succeeded: 1, cancelled: 1 }), message: null })).toEqual({
      title: 'Campaign cancelled',
      body: '1 of 4 runs succeeded, 1 cancelled',
    });
    expect(notificationFor({ type: 'campaign.finished', campaignId: 'c', at, status: 'failed', counts: counts(), message: 'llem not found' })?.title).toBe('Campaign failed');
    expect(notificationFor({ type: 'campaign.paused', campaignId: 'c', at, counts: counts() })).toBeNull();
  });
});
