import { afterEach, describe, expect, it } from 'vitest';
import { RUN_TIME_PARTS } from '../../../contract/campaignTime';
import { runResultsCommand } from '../../../core/cli/results';
import { LLEM_STARTED_MARKER, PROCESS_EXIT_MARKER, readCampaignTime } from '../../../core/runner/timeBreakdown';
import { makePlan, makeRunner, sandbox, type Sandbox } from './helpers';

let s: Sandbox;
afterEach(() => s?.cleanup());

describe('time breakdown of a campaign run by the fake llem', () => {
  it('records llem’s exit and attributes each modelled phase to its part', async () => {
    s = sandbox({
      FAKE_LLEM_START_MS: '150',
      FAKE_LLEM_BASELINE_MS: '200',
      FAKE_LLEM_LOAD_MS: '250',
      FAKE_LLEM_WARMUP_MS: '100',
      FAKE_LLEM_THERMAL_MS: '300',
      FAKE_LLEM_MEASURE_MS: '400',
      FAKE_LLEM_WRITE_MS: '120',
    });
    const { runner } = makeRunner(s, makePlan('timed', ['org/a', 'org/b']));
    const out = await runner.run();
    expect(out.ok && out.value.status).toBe('completed');
    for (const marker of [LLEM_STARTED_MARKER, PROCESS_EXIT_MARKER]) {
      const rows = s.db.prepare('SELECT COUNT(*) AS n FROM run_phases WHERE phase = ?').get(marker) as { n: number };
      expect(rows.n, marker).toBe(2);
    }

    const t = readCampaignTime(s.db, 'timed');
    expect(t.runs).toHaveLength(2);
    for (const r of t.runs) {
      expect(r.exitRecorded).toBe(true);
      // Each part holds at least its modelled time, and not much more (timer slack, log-line latency).
      const modelled = { baseline: 0.2, model_load: 0.25, warmup: 0.1, thermal_wait: 0.3, measuring: 0.4, write_out: 0.12 } as const;
      for (const [part, seconds] of Object.entries(modelled)) {
        expect(r.parts[part as keyof typeof modelled], part).toBeGreaterThanOrEqual(seconds - 0.02);
        expect(r.parts[part as keyof typeof modelled], part).toBeLessThan(seconds + 0.5);
      }
      // start = the fake llem's own Node start-up + the modelled 150 ms; app = the guardian's start + import
      expect(r.parts.start).toBeGreaterThanOrEqual(0.15);
      expect(r.parts.app).toBeGreaterThan(0);
      expect(RUN_TIME_PARTS.reduce((sum, p) => sum + r.parts[p], 0)).toBeCloseTo(r.totalS, 3);
    }
    expect(t.measuringS).toBeCloseTo(t.runs[0]!.parts.measuring + t.runs[1]!.parts.measuring, 6);
    expect(t.efficiency).toBeCloseTo(t.measuringS / t.wallS, 6);
    // No configured gaps: what lies between the runs is only the app's own work.
    expect(t.betweenRunsS).toBeLessThan(0.5);

    // The results JSON carries the same campaign figure on each of the campaign's rows.
    const listed = await runResultsCommand({ json: true, dataDir: s.dataDir, campaign: 'timed' });
    expect(listed.exitCode).toBe(0);
    const rows = JSON.parse(listed.stdout) as { campaign_time?: { measuring_share: number | null; measuring_s: number; wall_s: number } }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.campaign_time?.measuring_share).toBeCloseTo(t.efficiency!, 2);
      expect(row.campaign_time?.measuring_s).toBeCloseTo(t.measuringS, 2);
    }
  });
});
