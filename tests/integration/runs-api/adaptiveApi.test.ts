import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignSummary } from '../../../contract/apiCampaign';
import type { AdaptiveView } from '../../../contract/apiAdaptive';
import { RESULT_METRICS, type ResultListView } from '../../../contract/apiResults';
import type { CampaignRuns } from '../../../contract/apiRuns';
import type { RunEvent } from '../../../contract/runEvents';
import { readProposals } from '../../../core/adaptive/adaptiveStore';
import { startCore, type Core } from '../../../core/startCore';
import { REPO_ROOT } from '../../helpers/serveProcess';
import { optunaMissing, VENV_PYTHON } from '../../unit/adaptive/sidecarHelpers';

/** Adaptive campaigns the UI's way (adaptive.start, runs.control, adaptive.view): fake llem, real Optuna sidecar. */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');

let dir: string;
let core: Core;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-adaptive-api-'));
  core = openCore();
});

function openCore(): Core {
  const started = startCore({
    dataDir: dir,
    mode: 'browser',
    env: { ...process.env, LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: 'off', FAKE_LLEM_STEP_MS: '5', FAKE_LLEM_LANDSCAPE: '1', LLEM_STUDIO_ADAPTIVE_PYTHON: VENV_PYTHON },
  });
  if (!started.ok) throw new Error(started.error.message);
  return started.value;
}
afterEach(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = await core.dispatcher.call(method, params);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as T;
}

/** Every event of the campaign until one of `until` arrives. */
function eventsUntil(campaignId: string, until: RunEvent['type'][], onEvent?: (e: RunEvent) => void, match: (e: RunEvent) => boolean = () => true): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  return new Promise((resolve) => {
    const sub = core.dispatcher.subscribe('runs.events', { campaignId }, (e) => {
      const event = e as RunEvent;
      events.push(event);
      onEvent?.(event);
      if (until.includes(event.type) && match(event)) {
        if (sub.ok) sub.value();
        resolve(events);
      }
    });
  });
}

/** 2 models × 4 prompt counts × 2 precisions = 16 configurations; fake/oom runs out of memory. */
const STUDY = 'name: "adaptive-ui"\nmodel: "org/tiny"\nsweep:\n  model: ["org/tiny", "fake/oom"]\n  n: [2, 4, 6, 8]\n  precision: ["fp16", "bf16"]\n';
const SETTINGS = { objectives: ['energy', 'throughput'], constraints: [], budget: 5, patience: null, seed: 4, sampler: 'tpe' };

describe.skipIf(optunaMissing())('adaptive campaigns from the UI (campaign sessions)', () => {
  it('runs the budget as one campaign with one end, stores each reason, and shows the front and the configurations never run', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'adaptive-ui', yaml: STUDY, profile: 'head' });
    const started = await call<{ campaignId: string; gridSize: number; budget: number }>('adaptive.start', { campaignId: saved.id, settings: SETTINGS });
    expect(started).toMatchObject({ gridSize: 16, budget: 5 });
    expect(started.campaignId).toMatch(/^adaptive-[0-9a-f]{16}$/);
    const events = await eventsUntil(started.campaignId, ['campaign.finished']);
    // One end for the whole search (each run's own runner does not end the campaign on the Runs page).
    expect(events.filter((e) => e.type === 'campaign.finished')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'run.finished')).toHaveLength(5);
    const end = events.at(-1) as Extract<RunEvent, { type: 'campaign.finished' }>;
    expect(end.status).toBe('completed');
    expect(end.message).toMatch(/5 of 16 configurations run \(budget spent\)/);

    const view = (await call<AdaptiveView | null>('adaptive.view', { campaignId: started.campaignId }))!;
    expect(view.points).toHaveLength(5);
    expect(view.neverRun).toHaveLength(11);
    expect(view.stoppedBecause).toBe('budget');
    for (const p of view.points) {
      expect(p.reason).not.toBeNull();
      expect(p.reason!.toldCount).toBe(p.runIndex); // told everything before it
      expect(p.outcome).toBe(p.label.includes('oom') ? 'failed' : 'feasible');
      if (p.outcome === 'failed') expect(p.outcomeWords).toMatch(/out_of_memory/);
      else expect(p.outcomeWords).toMatch(/J\/token.*tok\/s/);
    }
    expect(view.points.slice(0, 4).map((p) => p.reason!.mode)).toEqual(['startup', 'startup', 'startup', 'startup']);
    // The front: feasible points no other feasible point beats on both J/token (lower) and tokens/s (higher).
    const feasible = view.points.filter((p) => p.outcome === 'feasible');
    for (const p of feasible) {
      const dominated = feasible.some((q) => q !== p && q.values![0]! <= p.values![0]! && q.values![1]! >= p.values![1]! && (q.values![0]! < p.values![0]! || q.values![1]! > p.values![1]!));
      expect(p.onFront).toBe(!dominated);
    }
    expect(view.points.some((p) => p.onFront)).toBe(true);
    expect(await call('adaptive.view', { campaignId: saved.id })).toBeNull(); // the designed grid is not adaptive
  }, 180_000);

  it("tells the optimizer and shows the Results grid's J/token and throughput for the same stored run (one definition)", async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'adaptive-ui', yaml: STUDY, profile: 'head' });
    const { campaignId } = await call<{ campaignId: string }>('adaptive.start', { campaignId: saved.id, settings: { ...SETTINGS, budget: 3 } });
    await eventsUntil(campaignId, ['campaign.finished']);
    const view = (await call<AdaptiveView>('adaptive.view', { campaignId }))!;
    // The view names the Results figures' units.
    expect(view.objectives.map((o) => o.unit)).toEqual([RESULT_METRICS.jPerOutputToken.unit, RESULT_METRICS.outputTokensPerSecond.unit]);
    const listed = await call<ResultListView>('results.list', { campaignId, limit: 1000 });
    const byId = new Map(listed.rows.map((row) => [row.id, row]));
    const feasible = view.points.filter((p) => p.outcome === 'feasible');
    expect(feasible.length).toBeGreaterThan(0);
    for (const p of feasible) {
      const row = byId.get(p.resultId!)!;
      expect(row).toBeDefined();
      // The Results grid's "Energy/token" and "Output throughput" columns of this run's row.
      expect(p.values).toEqual([row.avg_energy_per_token_j, row.output_tokens_per_second]);
    }
    // What the optimizer was told (stored with each proposal as the results before it) is the same numbers.
    const told = readProposals(core.context.db, campaignId).at(-1)!.told;
    for (const t of told.filter((x) => x.outcome === 'feasible')) {
      const p = view.points.find((q) => q.runIndex === t.runIndex)!;
      expect(t.values).toEqual(p.values);
    }
  }, 180_000);

  it('a paused search resumes from SQLite through runs.control, continuing the same proposals', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'adaptive-ui', yaml: STUDY, profile: 'head' });
    const settings = { ...SETTINGS, budget: 4 };
    const started = await call<{ campaignId: string }>('adaptive.start', { campaignId: saved.id, settings });
    const id = started.campaignId;
    const paused = eventsUntil(id, ['campaign.paused', 'campaign.finished'], (e) => {
      if (e.type === 'run.started' && e.runIndex === 0) void call('runs.control', { campaignId: id, command: 'pause' });
    });
    expect((await paused).at(-1)!.type).toBe('campaign.paused');
    const atPause = (await call<AdaptiveView>('adaptive.view', { campaignId: id })).points;
    expect(atPause).toHaveLength(1); // the run in flight finished, no further one was proposed
    expect((await call<CampaignRuns>('runs.campaign', { campaignId: id })).active).toBe(false);

    const finished = eventsUntil(id, ['campaign.finished']);
    expect(await call('runs.control', { campaignId: id, command: 'resume' })).toEqual({ accepted: true });
    expect((await finished).at(-1)).toMatchObject({ status: 'completed' });
    const after = (await call<AdaptiveView>('adaptive.view', { campaignId: id })).points;
    expect(after).toHaveLength(4);
    expect(after[0]!.configKey).toBe(atPause[0]!.configKey);
    expect(new Set(after.map((p) => p.configKey)).size).toBe(4);
    expect(after.every((p) => p.reason !== null && p.outcome !== null)).toBe(true);
  }, 180_000);

  it('after the app exits mid-run, a new app resumes the search from SQLite with runs.start', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'adaptive-ui', yaml: STUDY, profile: 'head' });
    const { campaignId: id } = await call<{ campaignId: string }>('adaptive.start', { campaignId: saved.id, settings: { ...SETTINGS, budget: 4 } });
    await eventsUntil(id, ['run.started'], undefined, (e) => e.type === 'run.started' && e.runIndex === 1);
    await core.shutdown(); // the run in flight is queued again (interrupted), the search stops
    core = openCore();
    const stored = readProposals(core.context.db, id);
    expect(stored.map((p) => p.runIndex)).toEqual([0, 1]);
    expect(stored[1]!.outcome).toBeNull(); // run 2 never finished

    const finished = eventsUntil(id, ['campaign.finished']);
    expect(await call('runs.start', { campaignId: id })).toEqual({ campaignId: id, runCount: 4 });
    expect((await finished).at(-1)).toMatchObject({ status: 'completed' });
    const view = await call<AdaptiveView>('adaptive.view', { campaignId: id });
    expect(view.points).toHaveLength(4);
    expect(view.points.slice(0, 2).map((p) => p.configKey)).toEqual(stored.map((p) => p.configKey)); // run 2 finished first, as proposed
    expect(view.points.every((p) => p.outcome !== null && p.reason !== null)).toBe(true);
    expect(view.stoppedBecause).toBe('budget');
  }, 180_000);
});
