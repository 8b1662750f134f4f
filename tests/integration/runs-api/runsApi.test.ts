import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignTime } from '../../../contract/campaignTime';
import type { CampaignRuns } from '../../../contract/apiRuns';
import type { CampaignSummary } from '../../../contract/apiCampaign';
import type { RunEvent } from '../../../contract/runEvents';
import type { TelemetryFrame } from '../../../contract/telemetry';
import { startCore, type Core } from '../../../core/startCore';
import { REPO_ROOT } from '../../helpers/serveProcess';

/** The UI's way of running a campaign (runs.* API), with the fake llem and replayed telemetry. */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

let dir: string;
let core: Core;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-runs-api-'));
  const started = startCore({
    dataDir: dir,
    mode: 'browser',
    env: { ...process.env, LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '5' },
  });
  if (!started.ok) throw new Error(started.error.message);
  core = started.value;
});
afterEach(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = await core.dispatcher.call(method, params);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

function waitFor(campaignId: string, type: RunEvent['type'], events: RunEvent[]): Promise<RunEvent> {
  return new Promise((resolve) => {
    const sub = core.dispatcher.subscribe('runs.events', { campaignId }, (e) => {
      const event = e as RunEvent;
      events.push(event);
      if (event.type === type) {
        if (sub.ok) sub.value();
        resolve(event);
      }
    });
  });
}

const STUDY = 'name: "api"\nmodel: "fake/ok"\nn: 5\nsweep:\n  precision: ["fp16", "bf16"]\nexperiments:\n  - model: "fake/crash"\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n';

describe('runs API', () => {
  it('runs a saved campaign to the end: events, statuses, reasons, logs, energy and results', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'api', yaml: STUDY, profile: 'head' });
    const events: RunEvent[] = [];
    const frames: TelemetryFrame[] = [];
    const stopTelemetry = core.dispatcher.subscribe('telemetry.live', {}, (f) => frames.push(f as TelemetryFrame));
    const finished = waitFor(saved.id, 'campaign.finished', events);
    expect(await call('runs.start', { campaignId: saved.id })).toEqual({ campaignId: saved.id, runCount: 3 });
    expect((await core.dispatcher.call('runs.start', { campaignId: saved.id })).ok).toBe(false); // already running
    const end = (await finished) as Extract<RunEvent, { type: 'campaign.finished' }>;
    if (stopTelemetry.ok) stopTelemetry.value();

    expect(end.counts).toMatchObject({ total: 3, succeeded: 2, failed: 1 });
    expect(events.filter((e) => e.type === 'run.started')).toHaveLength(3);
    expect(events.some((e) => e.type === 'run.phase' && e.phase === 'measuring')).toBe(true);
    expect(frames.length).toBeGreaterThan(0);

    const detail = await call<CampaignRuns>('runs.campaign', { campaignId: saved.id });
    expect(detail.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(detail.runs[2]!.failureReason).toBe('crash');
    expect(detail.active).toBe(false);
    const log = await call<{ text: string }>('runs.log', { runId: detail.runs[0]!.id, stream: 'stderr' });
    expect(log.text).toContain('Starting measurement');
    // Where the time went: one breakdown per attempt, the crashed run counted up to its exit.
    const time = await call<CampaignTime>('runs.time', { campaignId: saved.id });
    expect(time.runs.map((r) => [r.runIndex, r.status, r.exitRecorded])).toEqual([
      [0, 'succeeded', true],
      [1, 'succeeded', true],
      [2, 'failed', true],
    ]);
    expect(time.measuringS).toBeGreaterThan(0);
    expect(time.efficiency).toBeCloseTo(time.measuringS / time.wallS, 9);
    expect(await core.dispatcher.call('runs.time', { campaignId: 'no-such-campaign' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const results = await call<{ total: number; rows: { source: string; campaign_id: string | null; host: string | null; gpu_uuid: string | null }[] }>('results.list', { sources: ['measured'] });
    expect(results.total).toBe(2);
    expect(results.rows.every((r) => r.campaign_id === saved.id)).toBe(true);

    // Where each ran: this machine, and the GPU UUIDs the app's sampler stored for the measuring window (the
    // replay names no UUIDs, so they are set here as the NVML sampler stores them; GPU order kept).
    const stored = core.context.db.prepare(`SELECT COUNT(*) FROM run_energy WHERE "window" = 'measuring'`).pluck().get() as number;
    expect(stored).toBeGreaterThan(0);
    expect(results.rows.every((r) => r.host === os.hostname() && r.gpu_uuid === null)).toBe(true);
    core.context.db.prepare(`UPDATE run_energy SET gpu_uuid = 'GPU-synthetic-' || gpu_index`).run();
    const placed = await call<{ rows: { run_id: number; gpu_uuid: string | null }[] }>('results.list', { sources: ['measured'] });
    for (const r of placed.rows) {
      const gpus = core.context.db
        .prepare(`SELECT gpu_index FROM run_energy WHERE run_id = ? AND "window" = 'measuring' ORDER BY gpu_index`)
        .pluck()
        .all(r.run_id) as number[];
      expect(gpus.length).toBeGreaterThan(0);
      expect(r.gpu_uuid).toBe(gpus.map((i) => `GPU-synthetic-${i}`).join(','));
    }

    // A campaign that has run can no longer be edited; its history stays listed.
    expect((await core.dispatcher.call('campaign.save', { id: saved.id, name: 'x', yaml: STUDY, profile: 'head' })).ok).toBe(false);
    const queue = await call<{ id: string }[]>('runs.campaigns', {});
    expect(queue.map((q) => q.id)).toContain(saved.id);
  });

  it('refuses to start a campaign designed for another llem schema, saying which', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'pypi', yaml: 'serving_mode: "offline"\ntask:\n  model: "gpt2"\nsweep:\n  transformers.engine_params.dtype: ["float16"]\n', profile: 'pypi-0.7.0' });
    const result = await core.dispatcher.call('runs.start', { campaignId: saved.id });
    expect(result).toMatchObject({ ok: false, error: { code: 'profile_mismatch', message: expect.stringContaining('pypi-0.7.0') } });
  });

  it('cancel stops the run in flight and resume finishes the campaign', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'c', yaml: 'model: "fake/hang"\nsweep:\n  precision: ["fp16"]\nexperiments:\n  - model: "fake/ok"\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n', profile: 'head' });
    const events: RunEvent[] = [];
    const started = waitFor(saved.id, 'run.started', events);
    await call('runs.start', { campaignId: saved.id });
    await started;
    const finished = waitFor(saved.id, 'campaign.finished', events);
    expect(await call('runs.control', { campaignId: saved.id, command: 'cancel' })).toEqual({ accepted: true });
    const end = (await finished) as Extract<RunEvent, { type: 'campaign.finished' }>;
    expect(end.status).toBe('cancelled');
    const detail = await call<CampaignRuns>('runs.campaign', { campaignId: saved.id });
    expect(detail.runs[0]!.status).toBe('cancelled');
  });
});

describe('runs API, starting twice at once', () => {
  it('starts one runner; the second start is refused while the first is still finding llem', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'twice', yaml: 'model: "fake/ok"\nsweep:\n  precision: ["fp16"]\nexecution:\n  n_cycles: 1\n', profile: 'head' });
    const events: RunEvent[] = [];
    const finished = waitFor(saved.id, 'campaign.finished', events);
    const [a, b] = await Promise.all([core.dispatcher.call('runs.start', { campaignId: saved.id }), core.dispatcher.call('runs.start', { campaignId: saved.id })]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const refused = a.ok ? b : a;
    expect(refused).toMatchObject({ ok: false, error: { code: 'already_running' } });
    await finished;
    expect(events.filter((e) => e.type === 'campaign.started')).toHaveLength(1);
  });
});
