import { describe, expect, it } from 'vitest';
import { describeBaseline } from '../../../contract/campaignTime';
import { baselineCounts, baselineProvenance, provenanceKey } from '../../../core/runner/baselineProvenance';
import { parseLlemTimestamp, type BaselineEvidence } from '../../../core/runner/baselineStore';
import { campaignTime, type AttemptTimes } from '../../../core/runner/timeBreakdown';

const T0 = Date.parse('2026-11-26T15:50:00Z');
const attempt = (runId: number, runIndex: number, n: number, fromS: number, toS: number | null): AttemptTimes => ({
  runId,
  runIndex,
  attempt: n,
  status: 'succeeded',
  startMs: T0 + fromS * 1000,
  endMs: toS === null ? null : T0 + toS * 1000,
  phases: [],
});
const evidence = (runId: number, atS: number | null, extra: Partial<BaselineEvidence> = {}): [number, BaselineEvidence] => [
  runId,
  { runId, method: 'fresh', timestampMs: atS === null ? null : T0 + atS * 1000, cacheAgeS: 60, powerW: 68.6, ...extra },
];

describe('baseline provenance from llem’s own result fields', () => {
  it('places each baseline on the attempt window that holds its timestamp', () => {
    const attempts = [attempt(1, 0, 1, 0, 90), attempt(2, 1, 1, 95, 180), attempt(3, 2, 1, 185, 270), attempt(4, 3, 1, 275, 360)];
    const map = new Map([
      evidence(1, 10),
      evidence(2, 20, { method: 'cached', cacheAgeS: 150 }), // measured in run 1's window
      evidence(3, -30, { method: 'cached' }), // before the campaign started
      evidence(4, null), // llem gave no time
    ]);
    const p = baselineProvenance(attempts, map, T0 + 400_000);
    expect(p.get(provenanceKey(1, 1))).toMatchObject({ source: 'this_run', measuredByRunIndex: 0 });
    expect(p.get(provenanceKey(2, 1))).toMatchObject({ source: 'earlier_run', measuredByRunIndex: 0, ageS: 150, method: 'cached' });
    expect(p.get(provenanceKey(3, 1))).toMatchObject({ source: 'outside_campaign', measuredByRunIndex: null });
    expect(p.get(provenanceKey(4, 1))).toMatchObject({ source: 'unknown' });
    const t = campaignTime('c', attempts, T0 + 400_000, map);
    expect(t.baselines).toEqual({ measured: 1, reused: 2, unknown: 1 });
    expect(describeBaseline(t.runs[1]!.baseline!)).toBe('reused from run 1 (cached), 150 s old at the end of measuring');
  });

  it('gives the result to the run’s latest attempt only, and knows a disabled baseline', () => {
    const attempts = [attempt(1, 0, 1, 0, 30), attempt(1, 0, 2, 40, 120), attempt(2, 1, 1, 125, 200)];
    const map = new Map([evidence(1, 50), evidence(2, null, { method: null, powerW: null, cacheAgeS: null })]);
    const p = baselineProvenance(attempts, map, T0 + 300_000);
    expect(p.has(provenanceKey(1, 1))).toBe(false);
    expect(p.get(provenanceKey(1, 2))).toMatchObject({ source: 'this_run' });
    expect(p.get(provenanceKey(2, 1))).toMatchObject({ source: 'none' });
    const t = campaignTime('c', attempts, T0 + 300_000, map);
    expect(baselineCounts(t.runs)).toEqual({ measured: 1, reused: 0, unknown: 0 });
  });

  it('without stored results there is no provenance and no counts', () => {
    const t = campaignTime('c', [attempt(1, 0, 1, 0, 30)], T0 + 60_000);
    expect(t.runs[0]!.baseline).toBeUndefined();
    expect(t.baselines).toBeUndefined();
  });

  it('reads llem’s timestamps (microseconds, Z or none) as UTC, and rejects junk', () => {
    expect(parseLlemTimestamp('2026-11-26T15:52:50.190279Z')).toBe(Date.parse('2026-11-26T15:52:50.190Z'));
    expect(parseLlemTimestamp('2026-11-26T15:52:50')).toBe(Date.parse('2026-11-26T15:52:50Z'));
    expect(parseLlemTimestamp('2026-11-26T15:52:50+01:00')).toBe(Date.parse('2026-11-26T14:52:50Z'));
    expect(parseLlemTimestamp('yesterday')).toBeNull();
    expect(parseLlemTimestamp(null)).toBeNull();
  });
});
