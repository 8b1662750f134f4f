import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignRuns } from '../../../contract/apiRuns';
import type { CampaignSummary } from '../../../contract/apiCampaign';
import type { RunEvent } from '../../../contract/runEvents';
import { startCore, type Core } from '../../../core/startCore';
import { compareAppEnergy } from '../../../core/results/figureDefinitions';
import { readAppMeasuringEnergy } from '../../../core/results/quality/appEnergyStore';
import { openDatabase } from '../../../core/store/database';
import { REPO_ROOT } from '../../helpers/serveProcess';

/** The Runs page's energy cell (runs.campaign) and the result's quality check share one comparison. */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const STUDY = 'name: "energy"\nmodel: "fake/ok"\nn: 4\nsweep:\n  precision: ["fp16", "bf16"]\nexecution:\n  n_cycles: 1\n  cycle_order: "sequential"\n';

let dir: string;
let core: Core;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-run-energy-'));
  // 150 ms steps: llem's measuring phase spans several of the replay's 100 ms samples.
  const started = startCore({ dataDir: dir, mode: 'browser', env: { ...process.env, LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: `replay:${REPLAY}`, FAKE_LLEM_STEP_MS: '150' } });
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

describe('Runs page energy: app counter / app integrated / llem', () => {
  it('sums every GPU of the measuring phase, compares by the quality check\'s definition, and flags a disagreement with its caveat', async () => {
    const saved = await call<CampaignSummary>('campaign.save', { name: 'energy', yaml: STUDY, profile: 'head' });
    const finished = new Promise<void>((resolve) => {
      const sub = core.dispatcher.subscribe('runs.events', { campaignId: saved.id }, (e) => {
        if ((e as RunEvent).type === 'campaign.finished') {
          if (sub.ok) sub.value();
          resolve();
        }
      });
    });
    await call('runs.start', { campaignId: saved.id });
    await finished;

    const opened = openDatabase(dir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    try {
      const detail = await call<CampaignRuns>('runs.campaign', { campaignId: saved.id });
      expect(detail.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      for (const run of detail.runs) {
        const app = readAppMeasuringEnergy(db, run.id, run.attempt)!;
        expect(app).not.toBeNull();
        const res = db.prepare('SELECT total_energy_j, duration_sec, num_gpus FROM results WHERE run_id = ?').get(run.id) as { total_energy_j: number; duration_sec: number; num_gpus: number | null };
        expect(run.energy!.counterJ).toBe(app.counterJ);
        expect(run.energy!.gpus).toBe(app.gpus);
        const expected = compareAppEnergy(res.total_energy_j, res.duration_sec, app, res.num_gpus);
        for (const c of expected) expect(run.energy!.agreement!.words).toContain(c.words);
      }

      // The fake llem's energy is made up, so make the app's figures agree with it exactly, then put the counter of
      // one run 30 % below over a long window: beyond the tolerance, so the page must flag it next to the numbers.
      const run = detail.runs[0]!;
      const res = db.prepare('SELECT total_energy_j FROM results WHERE run_id = ?').get(run.id) as { total_energy_j: number };
      const gpus = readAppMeasuringEnergy(db, run.id, run.attempt)!.gpus;
      db.prepare("UPDATE results SET duration_sec = 60, num_gpus = ? WHERE run_id = ?").run(gpus, run.id);
      db.prepare("UPDATE run_energy SET counter_j = ?, integrated_j = ?, start_ms = 0, end_ms = 60000, sample_count = 601 WHERE run_id = ? AND attempt = ? AND window = 'measuring' AND sample_count > 0")
        .run((res.total_energy_j * 0.7) / gpus, res.total_energy_j / gpus, run.id, run.attempt);
      const flagged = (await call<CampaignRuns>('runs.campaign', { campaignId: saved.id })).runs[0]!.energy!;
      expect(flagged.agreement!.status).toBe('fail');
      expect(flagged.agreement!.caveat).toBe("llem's energy differs from the app's counter by 30.0 % (tolerance ±2.3 %)");
      expect(flagged.counterJ).toBeCloseTo(res.total_energy_j * 0.7, 9);
    } finally {
      db.close();
    }
  });
});
