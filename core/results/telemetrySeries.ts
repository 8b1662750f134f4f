import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { ROLLUP_METRICS } from '../store/migrations/004_telemetry_rollups';
import { countStoredSamples, readStoredPairs } from '../telemetry/storedSampleStore';
import { lttbIndices, mergeSpansIntoBuckets, type Span } from './downsample';
import { readLlemTimeseriesPairs } from './resultViewStore';
import { bucketSize, readRollupBounds, readRollupSpans, refreshTelemetryRollups, ROLLUP_LEVELS, type RollupMetric } from './telemetryRollupStore';

/**
 * Chart-ready telemetry: a series reduced to about `width` points (one per pixel column).
 * Long app series read the coarsest rollup level that still gives ≥ 1 span per point (so at most
 * 16 per point): the cost does not grow with the run's length. Ranges with ≤ 16 samples per point
 * read raw samples (exact). App samples are read from both storage layouts (telemetry_chunks and
 * telemetry_samples rows, core/telemetry/storedSamples.ts).
 */

export type DownsampleMethod = 'minmax' | 'lttb';

export interface SeriesResult {
  /** `raw` when the range has no more samples than requested points. */
  method: 'raw' | DownsampleMethod;
  /** 0 = raw samples were read; k = rollup level (16^k samples per span). */
  level: number;
  from: number;
  to: number;
  /** Samples in the range before reduction. */
  totalSamples: number;
  t: number[];
  /** raw/lttb: the values; minmax: the bucket means. */
  v: (number | null)[];
  /** minmax only: bucket minima, maxima and how many samples each bucket summarises. */
  min?: (number | null)[];
  max?: (number | null)[];
  count?: number[];
}

export interface AppSeriesQuery {
  runId: number;
  gpuIndex?: number;
  metric: RollupMetric;
  /** Epoch ms; default: the run's first / last sample. */
  fromMs?: number;
  toMs?: number;
  width: number;
  method?: DownsampleMethod;
}

const MAX_WIDTH = 20_000;
/** Up to this many samples per requested point, raw samples are read (exact). */
const RAW_PER_POINT = 16;
/** Rollup level choice: the coarsest level that still gives at least this many spans per point. */
const MIN_SPANS_PER_POINT = 1;

export function isRollupMetric(m: string): m is RollupMetric {
  return (ROLLUP_METRICS as readonly string[]).includes(m);
}

export function getAppTelemetrySeries(db: Db, q: AppSeriesQuery): Result<SeriesResult> {
  const gpu = q.gpuIndex ?? 0;
  if (!isRollupMetric(q.metric)) return err('invalid_input', `Unknown telemetry metric "${String(q.metric)}"`, { path: 'metric' });
  if (!Number.isInteger(q.width) || q.width < 2 || q.width > MAX_WIDTH) {
    return err('invalid_input', `width must be an integer from 2 to ${MAX_WIDTH}`, { path: 'width' });
  }
  const refreshed = refreshTelemetryRollups(db, q.runId, gpu);
  if (!refreshed.ok) return refreshed;
  try {
    // The run's first and last times: the rollups are current and cover every sample in time order, so
    // their coarsest level (a handful of rows) holds both, whatever layout the samples are in.
    const bounds = readRollupBounds(db, q.runId, gpu, ROLLUP_LEVELS[ROLLUP_LEVELS.length - 1]!);
    if (bounds.lo === null || bounds.hi === null) return ok(empty(q.fromMs ?? 0, q.toMs ?? 0));
    const from = q.fromMs ?? bounds.lo;
    const to = q.toMs ?? bounds.hi;
    if (!(from <= to)) return err('invalid_input', 'fromMs must not be after toMs', { path: 'fromMs' });
    const whole = from <= bounds.lo && to >= bounds.hi;
    const count = whole ? refreshed.value.samples : countStoredSamples(db, { runId: q.runId, gpuIndex: gpu, fromMs: from, toMs: to });
    const method = q.method ?? 'minmax';
    const level = [...ROLLUP_LEVELS].reverse().find((k) => count / bucketSize(k) >= q.width * MIN_SPANS_PER_POINT);
    if (count <= q.width * RAW_PER_POINT || level === undefined) {
      const rows = readStoredPairs(db, { runId: q.runId, gpuIndex: gpu, columns: [q.metric], fromMs: from, toMs: to });
      return ok(reduceRaw(rows, from, to, q.width, method, count));
    }
    const spans = readRollupSpans(db, { runId: q.runId, gpuIndex: gpu, metric: q.metric, level, from, to });
    const asSpans: Span[] = spans.map(([tFirst, tLast, min, max, sum, n]) => ({ tFirst, tLast, min, max, sum: sum ?? 0, n }));
    return ok(reduceSpans(asSpans, from, to, q.width, method, count, level));
  } catch (e) {
    return err('db_error', `Could not read telemetry of run ${q.runId}: ${(e as Error).message}`);
  }
}

export const LLEM_SERIES_METRICS = ['power_w', 'temperature_c', 'memory_used_mb', 'memory_total_mb', 'sm_utilisation_pct', 'throttle_reasons'] as const;
export type LlemSeriesMetric = (typeof LLEM_SERIES_METRICS)[number];

export interface LlemSeriesQuery {
  resultId: number;
  gpuIndex?: number;
  metric: LlemSeriesMetric;
  /** Seconds since the first sample (llem's timestamp_s). */
  fromS?: number;
  toS?: number;
  width: number;
  method?: DownsampleMethod;
}

/** llem's 1 Hz timeseries of a result (small: one row per second of inference), reduced in memory. */
export function getLlemTimeseries(db: Db, q: LlemSeriesQuery): Result<SeriesResult> {
  if (!(LLEM_SERIES_METRICS as readonly string[]).includes(q.metric)) {
    return err('invalid_input', `Unknown llem timeseries metric "${String(q.metric)}"`, { path: 'metric' });
  }
  if (!Number.isInteger(q.width) || q.width < 2 || q.width > MAX_WIDTH) {
    return err('invalid_input', `width must be an integer from 2 to ${MAX_WIDTH}`, { path: 'width' });
  }
  try {
    const rows = readLlemTimeseriesPairs(db, { resultId: q.resultId, gpuIndex: q.gpuIndex ?? 0, metric: q.metric, fromS: q.fromS ?? -Number.MAX_VALUE, toS: q.toS ?? Number.MAX_VALUE });
    if (rows.length === 0) return ok(empty(q.fromS ?? 0, q.toS ?? 0));
    const from = q.fromS ?? rows[0]![0];
    const to = q.toS ?? rows[rows.length - 1]![0];
    return ok(reduceRaw(rows, from, to, q.width, q.method ?? 'minmax', rows.length));
  } catch (e) {
    return err('db_error', `Could not read the timeseries of result ${q.resultId}: ${(e as Error).message}`);
  }
}

function reduceRaw(rows: [number, number | null][], from: number, to: number, width: number, method: DownsampleMethod, total: number): SeriesResult {
  if (rows.length <= width) {
    return { method: 'raw', level: 0, from, to, totalSamples: total, t: rows.map((r) => r[0]), v: rows.map((r) => r[1]) };
  }
  if (method === 'lttb') {
    const kept = rows.filter((r): r is [number, number] => r[1] !== null && Number.isFinite(r[1]));
    const idx = lttbIndices(
      kept.map((r) => r[0]),
      kept.map((r) => r[1]),
      width,
    );
    return { method, level: 0, from, to, totalSamples: total, t: idx.map((i) => kept[i]![0]), v: idx.map((i) => kept[i]![1]) };
  }
  const spans: Span[] = [];
  for (const [t, v] of rows) if (v !== null && Number.isFinite(v)) spans.push({ tFirst: t, tLast: t, min: v, max: v, sum: v, n: 1 });
  return band(spans, from, to, width, total, 0);
}

function reduceSpans(spans: Span[], from: number, to: number, width: number, method: DownsampleMethod, total: number, level: number): SeriesResult {
  if (method === 'lttb') {
    // LTTB over span means: a span is at most one pixel wide, so the shape survives.
    const kept = spans.filter((s) => s.n > 0);
    const idx = lttbIndices(
      kept.map((s) => (s.tFirst + s.tLast) / 2),
      kept.map((s) => s.sum / s.n),
      width,
    );
    return {
      method,
      level,
      from,
      to,
      totalSamples: total,
      t: idx.map((i) => (kept[i]!.tFirst + kept[i]!.tLast) / 2),
      v: idx.map((i) => kept[i]!.sum / kept[i]!.n),
    };
  }
  return band(spans, from, to, width, total, level);
}

function band(spans: Span[], from: number, to: number, width: number, total: number, level: number): SeriesResult {
  const b = mergeSpansIntoBuckets(spans, from, to, width);
  return { method: 'minmax', level, from, to, totalSamples: total, t: b.t, v: b.mean, min: b.min, max: b.max, count: b.count };
}

function empty(from: number, to: number): SeriesResult {
  return { method: 'raw', level: 0, from, to, totalSamples: 0, t: [], v: [] };
}
