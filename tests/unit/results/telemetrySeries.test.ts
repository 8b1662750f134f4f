import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lttbIndices, mergeSpansIntoBuckets } from '../../../core/results/downsample';
import { getAppTelemetrySeries, getLlemTimeseries } from '../../../core/results/telemetrySeries';
import { refreshTelemetryRollups } from '../../../core/results/telemetryRollupStore';
import type { Db } from '../../../core/store/database';
import { openTempDb } from './helpers';

let db: Db;
let cleanup: () => void;
beforeEach(() => {
  ({ db, cleanup } = openTempDb());
  db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('c', 'c', '{}', 'x', 'x');
           INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c', 0, '{}', 'h', 's');
           INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (1, 'c', 1, 0, 1), (2, 'c', 1, 1, 2);`);
});
afterEach(() => cleanup());

const T0 = 1_767_261_600_000;
/** A deterministic wiggly power trace with a few spikes and gaps (nulls). */
const power = (i: number): number | null => (i % 997 === 0 ? null : i % 4999 === 0 ? 900 : 200 + 100 * Math.sin(i / 300) + (i % 7));

function insertSamples(runId: number, from: number, to: number, gpu = 0, order: 'asc' | 'desc' = 'asc'): void {
  const ins = db.prepare('INSERT INTO telemetry_samples (run_id, gpu_index, t_ms, power_w, temperature_c, throttle_reasons) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    const idx = Array.from({ length: to - from }, (_, k) => from + k);
    if (order === 'desc') idx.reverse();
    for (const i of idx) ins.run(runId, gpu, T0 + i * 10, power(i), 50 + (i % 30), i % 5000 === 1 ? 0x20 : 0);
  })();
}

function bruteForce(from: number, to: number): { min: number; max: number; sum: number; n: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = power(i);
    if (v === null) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    n++;
  }
  return { min, max, sum, n };
}

function rollupDump(): unknown[] {
  return db.prepare('SELECT * FROM telemetry_rollups ORDER BY run_id, gpu_index, level, bucket').all();
}

describe('app telemetry series (rollups)', () => {
  it('a long series comes back at the requested width with exact global extremes and mean', () => {
    insertSamples(1, 0, 70_000);
    const got = getAppTelemetrySeries(db, { runId: 1, metric: 'power_w', width: 500 });
    if (!got.ok) throw new Error(got.error.message);
    const s = got.value;
    expect(s.method).toBe('minmax');
    expect(s.level).toBeGreaterThan(0); // read pre-aggregated spans, not 70k raw rows
    expect(s.totalSamples).toBe(70_000);
    expect(s.t.length).toBeLessThanOrEqual(500);
    expect(s.t.length).toBeGreaterThan(450);
    const expected = bruteForce(0, 70_000);
    expect(Math.min(...(s.min as number[]))).toBe(expected.min);
    expect(Math.max(...(s.max as number[]))).toBe(900); // spikes survive
    const counted = s.count!.reduce((a, b) => a + b, 0);
    expect(counted).toBe(expected.n); // every non-null sample summarised exactly once
    const weightedMean = (s.v as number[]).reduce((acc, v, i) => acc + v * s.count![i]!, 0) / counted;
    expect(weightedMean).toBeCloseTo(expected.sum / expected.n, 9);
    expect(s.t).toEqual([...s.t].sort((a, b) => a - b));
  });

  it('a short range reads raw samples exactly (min/max per bucket equal brute force)', () => {
    insertSamples(1, 0, 20_000);
    const from = T0 + 5_000 * 10;
    const to = T0 + 5_999 * 10;
    const got = getAppTelemetrySeries(db, { runId: 1, metric: 'power_w', fromMs: from, toMs: to, width: 100 });
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.level).toBe(0);
    expect(got.value.totalSamples).toBe(1000);
    // Bucket b of 100 over [from, to] holds sample i when floor((t_i - from) / span * 100) = b.
    const span = to - from;
    for (let b = 0; b < got.value.t.length; b++) {
      const members = Array.from({ length: 1000 }, (_, k) => 5000 + k).filter((i) => Math.min(99, Math.floor(((T0 + i * 10 - from) / span) * 100)) === Math.round(((got.value.t[b]! - from) / span) * 100 - 0.5));
      const vals = members.map(power).filter((v): v is number => v !== null);
      expect(got.value.min![b]).toBe(Math.min(...vals));
      expect(got.value.max![b]).toBe(Math.max(...vals));
    }
  });

  it('incremental refresh equals a rebuild from scratch; out-of-order samples force a rebuild', () => {
    insertSamples(1, 0, 10_000);
    expect(refreshTelemetryRollups(db, 1, 0)).toMatchObject({ ok: true, value: { samples: 10_000, processed: 10_000 } });
    insertSamples(1, 10_000, 12_345);
    expect(refreshTelemetryRollups(db, 1, 0)).toMatchObject({ ok: true, value: { samples: 12_345, processed: 2_345 } });
    const incremental = rollupDump();
    db.exec('DELETE FROM telemetry_rollups; DELETE FROM telemetry_rollup_state;');
    refreshTelemetryRollups(db, 1, 0);
    expect(rollupDump()).toEqual(incremental);

    // A late sample with an old timestamp: the rollups are rebuilt and stay exact.
    db.prepare('INSERT INTO telemetry_samples (run_id, gpu_index, t_ms, power_w) VALUES (1, 0, ?, 5000)').run(T0 + 5);
    expect(refreshTelemetryRollups(db, 1, 0)).toMatchObject({ ok: true, value: { samples: 12_346, processed: 12_346 } });
    const top = db.prepare('SELECT MAX(power_w_max) AS m, SUM(n) AS n FROM telemetry_rollups WHERE level = 4').get();
    expect(top).toEqual({ m: 5000, n: 12_346 });
  });

  it('level sums are consistent: every level covers every sample once', () => {
    insertSamples(1, 0, 30_000, 0, 'desc'); // inserted newest first: order comes from t_ms, not insertion
    refreshTelemetryRollups(db, 1, 0);
    const levels = db.prepare('SELECT level, SUM(n) AS n, SUM(power_w_n) AS pn, SUM(power_w_sum) AS s, MIN(power_w_min) AS lo FROM telemetry_rollups GROUP BY level').all() as Record<string, number>[];
    const expected = bruteForce(0, 30_000);
    expect(levels).toHaveLength(4);
    for (const l of levels) {
      expect(l.n).toBe(30_000);
      expect(l.pn).toBe(expected.n);
      expect(l.s).toBeCloseTo(expected.sum, 3);
      expect(l.lo).toBe(expected.min);
    }
    const or = db.prepare('SELECT throttle_or FROM telemetry_rollups WHERE level = 4 AND bucket = 0').get();
    expect(or).toEqual({ throttle_or: 0x20 });
  });

  it('keeps GPUs and runs apart, validates input, and handles an empty run', () => {
    insertSamples(1, 0, 100, 0);
    insertSamples(1, 0, 50, 1);
    const g1 = getAppTelemetrySeries(db, { runId: 1, gpuIndex: 1, metric: 'power_w', width: 1000 });
    expect(g1.ok && g1.value.totalSamples).toBe(50);
    expect(getAppTelemetrySeries(db, { runId: 2, metric: 'power_w', width: 10 })).toMatchObject({ ok: true, value: { totalSamples: 0, t: [] } });
    expect(getAppTelemetrySeries(db, { runId: 1, metric: 'power_w; DROP TABLE runs' as never, width: 10 })).toMatchObject({ ok: false, error: { code: 'invalid_input', path: 'metric' } });
    expect(getAppTelemetrySeries(db, { runId: 1, metric: 'power_w', width: 1 })).toMatchObject({ ok: false, error: { path: 'width' } });
  });

  it('LTTB returns real samples (raw ranges) at the requested count', () => {
    insertSamples(1, 0, 4_000);
    const got = getAppTelemetrySeries(db, { runId: 1, metric: 'power_w', width: 300, method: 'lttb' });
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.method).toBe('lttb');
    expect(got.value.t).toHaveLength(300);
    got.value.t.forEach((t, k) => expect(got.value.v[k]).toBe(power((t - T0) / 10)));
  });
});

describe('llem timeseries series', () => {
  it('reads and reduces a stored 1 Hz series', () => {
    db.exec(`INSERT INTO results (id, source, file_sha256, imported_at, schema_version, experiment_id, measurement_config_hash, model, backend, start_time, end_time, total_tokens, effective_config_json, raw_json)
             VALUES (1, 'imported', 'x', 'now', '2.0', 'e', 'h', 'm', 'pytorch', '2026-01-01T00:00:00', '2026-01-01T01:00:00', 1, '{}', '{}')`);
    const ins = db.prepare('INSERT INTO llem_timeseries (result_id, gpu_index, timestamp_s, power_w) VALUES (1, 0, ?, ?)');
    for (let s = 0; s < 3600; s++) ins.run(s, s === 1234 ? 999 : 100 + (s % 10));
    const got = getLlemTimeseries(db, { resultId: 1, metric: 'power_w', width: 360 });
    if (!got.ok) throw new Error(got.error.message);
    expect(got.value.t).toHaveLength(360);
    expect(Math.max(...(got.value.max as number[]))).toBe(999);
    expect(got.value.totalSamples).toBe(3600);
    const small = getLlemTimeseries(db, { resultId: 1, metric: 'power_w', fromS: 10, toS: 19, width: 100 });
    expect(small.ok && small.value).toMatchObject({ method: 'raw', t: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19] });
  });
});

describe('downsampling primitives', () => {
  it('LTTB keeps first and last, returns increasing indices of the requested count', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 400 }), fc.integer({ min: 3, max: 100 }), (vs, k) => {
        const t = vs.map((_, i) => i);
        const idx = lttbIndices(t, vs, k);
        expect(idx.length).toBe(Math.min(k, vs.length));
        for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
        if (vs.length > 0) {
          expect(idx[0]).toBe(0);
          expect(idx[idx.length - 1]).toBe(vs.length - 1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('LTTB picks the spike of a flat line', () => {
    const v = Array.from({ length: 1000 }, (_, i) => (i === 517 ? 50 : 1));
    expect(lttbIndices(v.map((_, i) => i), v, 20)).toContain(517);
  });

  it('min/max buckets preserve extremes and counts; empty buckets are gaps', () => {
    const spans = [
      { tFirst: 0, tLast: 0, min: 1, max: 1, sum: 1, n: 1 },
      { tFirst: 1, tLast: 1, min: 5, max: 5, sum: 5, n: 1 },
      { tFirst: 9, tLast: 9, min: -2, max: -2, sum: -2, n: 1 },
    ];
    const b = mergeSpansIntoBuckets(spans, 0, 10, 5);
    expect(b).toEqual({ t: [1, 9], mean: [3, -2], min: [1, -2], max: [5, -2], count: [2, 1] });
  });
});
