import { describe, expect, it } from 'vitest';
import { CampaignTimeSchema, RUN_TIME_PARTS } from '../../../contract/campaignTime';
import { campaignTime, formatCampaignTime, LLEM_STARTED_MARKER, PAUSE_THRESHOLD_S, PROCESS_EXIT_MARKER, runTimeBreakdown, type AttemptTimes } from '../../../core/runner/timeBreakdown';

/** One attempt with phases at the given offsets (s) from its start; the runner records `measuring` once per batch. */
function attempt(runIndex: number, startS: number, endS: number | null, phases: [string, number][]): AttemptTimes {
  const t0 = 1_800_000_000_000;
  return {
    runId: runIndex + 1,
    runIndex,
    attempt: 1,
    status: 'succeeded',
    startMs: t0 + startS * 1000,
    endMs: endS === null ? null : t0 + endS * 1000,
    phases: phases.map(([phase, at]) => ({ phase, atMs: t0 + (startS + at) * 1000 })),
  };
}

// The phase order llem 0.7.0 logs (baseline, load, warm-up, thermal floor, measure), with the H100 run 0's times.
const h100Run0: [string, number][] = [
  [LLEM_STARTED_MARKER, 0.3],
  ['baseline', 4.9],
  ['loading', 9.9],
  ['warmup', 20.6],
  ['thermal_wait', 21.9],
  ['measuring', 52.0],
  ['measuring', 80.0],
  ['measuring', 112.2],
  ['done', 112.2],
  [PROCESS_EXIT_MARKER, 113.7],
];

describe('per-run time breakdown', () => {
  it('splits an attempt into start, llem phases, write-out and the app, which add up to its wall time', () => {
    const b = runTimeBreakdown(attempt(0, 0, 114.1, h100Run0));
    expect(b.parts.start).toBeCloseTo(4.6, 6);
    expect(b.parts.baseline).toBeCloseTo(5.0, 6);
    expect(b.parts.model_load).toBeCloseTo(10.7, 6);
    expect(b.parts.warmup).toBeCloseTo(1.3, 6);
    expect(b.parts.thermal_wait).toBeCloseTo(30.1, 6);
    expect(b.parts.measuring).toBeCloseTo(60.2, 6);
    expect(b.parts.write_out).toBeCloseTo(1.5, 6);
    expect(b.parts.app).toBeCloseTo(0.3 + 0.4, 6); // spawning llem + importing its result
    expect(b.exitRecorded).toBe(true);
    const sum = RUN_TIME_PARTS.reduce((s, p) => s + b.parts[p], 0);
    expect(sum).toBeCloseTo(b.totalS, 6);
  });

  it('a run that failed while measuring counts up to its exit as measuring; older attempts without the exit marker put the app in write-out', () => {
    const failed = runTimeBreakdown(attempt(0, 0, 20, [['baseline', 1], ['loading', 2], ['measuring', 5], [PROCESS_EXIT_MARKER, 19]]));
    expect([failed.parts.measuring, failed.parts.write_out, failed.parts.app]).toEqual([14, 0, 1]);
    const old = runTimeBreakdown(attempt(0, 0, 10, [['measuring', 2], ['done', 8]]));
    expect([old.parts.measuring, old.parts.write_out, old.parts.app, old.exitRecorded]).toEqual([6, 2, 0, false]);
  });

  it('never makes negative or invented time from out-of-order or late rows; a running attempt counts to now', () => {
    const odd = runTimeBreakdown(attempt(0, 0, 10, [['measuring', 5], ['loading', 3], ['done', 12]]));
    expect(Object.values(odd.parts).every((s) => s >= 0)).toBe(true);
    expect(RUN_TIME_PARTS.reduce((s, p) => s + odd.parts[p], 0)).toBeCloseTo(10, 6);
    const running = runTimeBreakdown(attempt(0, 0, null, [['measuring', 2]]), 1_800_000_000_000 + 7000);
    expect([running.totalS, running.parts.measuring]).toEqual([7, 5]);
  });
});

describe('campaign efficiency', () => {
  it('is measuring time over runs plus the time between them; long breaks are pauses, not counted', () => {
    const t = campaignTime('c', [
      attempt(1, 120, 200, [['measuring', 10], ['done', 70], [PROCESS_EXIT_MARKER, 75]]),
      attempt(0, 0, 100, [['measuring', 20], ['done', 80], [PROCESS_EXIT_MARKER, 90]]),
      attempt(2, 200 + PAUSE_THRESHOLD_S + 1, 300 + PAUSE_THRESHOLD_S + 1, [['measuring', 50], ['done', 100]]),
    ]);
    expect(CampaignTimeSchema.parse(t)).toEqual(t);
    expect(t.runs.map((r) => r.runIndex)).toEqual([0, 1, 2]);
    expect(t.measuringS).toBeCloseTo(60 + 60 + 50, 6);
    expect(t.betweenRunsS).toBeCloseTo(20, 6);
    expect(t.pausedS).toBeCloseTo(PAUSE_THRESHOLD_S + 1, 6);
    expect(t.wallS).toBeCloseTo(100 + 80 + 100 + 20, 6);
    expect(t.efficiency).toBeCloseTo(170 / 300, 6);
    expect(formatCampaignTime(t)).toMatch(/^Campaign efficiency: 56\.7 % of 300\.0 s wall time inside llem's measurement windows \(measuring 170\.0 s; .*between runs 20\.0 s.*; 601 s paused, not counted\)$/);
  });

  it('has no efficiency before any run started', () => {
    const t = campaignTime('c', []);
    expect([t.wallS, t.efficiency]).toEqual([0, null]);
    expect(formatCampaignTime(t)).toBe('Campaign time: no run has started yet.');
  });
});
