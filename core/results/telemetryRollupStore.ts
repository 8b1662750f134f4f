import type { Statement } from 'better-sqlite3';
import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { ROLLUP_METRICS } from '../store/migrations/004_telemetry_rollups';
import { countStoredSamples, samplesWrittenAfter, StoredSampleCursor, storedSampleWatermarks, type SampleColumn } from '../telemetry/storedSampleStore';

/**
 * Keeps `telemetry_rollups` in step with the stored samples of one (run, GPU) — `telemetry_chunks` and/or
 * `telemetry_samples` rows, read as one sequence by core/telemetry/storedSamples.ts: level k holds the
 * min / max / sum / count of every metric over 16^k consecutive samples (in time order). Refreshing
 * reads only samples written since the last refresh (ids above each table's watermark); if they do not all
 * come after the last sample read (out of time order), or samples were deleted, the rollups of that
 * (run, GPU) are rebuilt from scratch, since they are derived data.
 */

export type RollupMetric = (typeof ROLLUP_METRICS)[number];
export const ROLLUP_LEVELS = [1, 2, 3, 4] as const;
export const ROLLUP_BASE = 16;

export function bucketSize(level: number): number {
  return ROLLUP_BASE ** level;
}

interface State {
  samples: number;
  last_t_ms: number;
  /** telemetry_samples id of the last sample read when it was a row, else -1. */
  last_sample_id: number;
  /** telemetry_chunks id of the last sample read when it was in a chunk, else null (migration 006). */
  last_chunk_id: number | null;
  /** MAX(id) of telemetry_samples / telemetry_chunks at the last refresh. */
  table_max_id: number;
  chunks_max_id: number;
}

/** What one sample contributes: the rolled-up metrics, then throttle_reasons. */
const READ_COLUMNS: readonly SampleColumn[] = [...ROLLUP_METRICS, 'throttle_reasons'];

class Accumulator {
  bucket = -1;
  tFirst = 0;
  tLast = 0;
  n = 0;
  throttleOr: number | null = null;
  readonly min = new Float64Array(ROLLUP_METRICS.length);
  readonly max = new Float64Array(ROLLUP_METRICS.length);
  readonly sum = new Float64Array(ROLLUP_METRICS.length);
  readonly cnt = new Float64Array(ROLLUP_METRICS.length);

  reset(bucket: number): void {
    this.bucket = bucket;
    this.n = 0;
    this.throttleOr = null;
    this.min.fill(Infinity);
    this.max.fill(-Infinity);
    this.sum.fill(0);
    this.cnt.fill(0);
  }

  load(row: Record<string, number | null>): void {
    this.reset(row.bucket as number);
    this.tFirst = row.t_first_ms as number;
    this.tLast = row.t_last_ms as number;
    this.n = row.n as number;
    this.throttleOr = row.throttle_or ?? null;
    ROLLUP_METRICS.forEach((m, i) => {
      const c = (row[`${m}_n`] as number) ?? 0;
      this.cnt[i] = c;
      if (c > 0) {
        this.min[i] = row[`${m}_min`] as number;
        this.max[i] = row[`${m}_max`] as number;
        this.sum[i] = row[`${m}_sum`] as number;
      }
    });
  }

  add(t: number, values: ArrayLike<number | null>, throttle: number | null): void {
    if (this.n === 0) this.tFirst = t;
    this.tLast = t;
    this.n++;
    if (throttle !== null) this.throttleOr = (this.throttleOr ?? 0) | throttle;
    for (let i = 0; i < ROLLUP_METRICS.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < this.min[i]!) this.min[i] = v;
      if (v > this.max[i]!) this.max[i] = v;
      this.sum[i] = this.sum[i]! + v;
      this.cnt[i] = this.cnt[i]! + 1;
    }
  }

  params(runId: number, gpuIndex: number, level: number): unknown[] {
    const out: unknown[] = [runId, gpuIndex, level, this.bucket, this.tFirst, this.tLast, this.n, this.throttleOr];
    for (let i = 0; i < ROLLUP_METRICS.length; i++) {
      const c = this.cnt[i]!;
      out.push(c > 0 ? this.min[i] : null, c > 0 ? this.max[i] : null, c > 0 ? this.sum[i] : null, c);
    }
    return out;
  }
}

const METRIC_COLUMNS = ROLLUP_METRICS.flatMap((m) => [`${m}_min`, `${m}_max`, `${m}_sum`, `${m}_n`]);
const UPSERT_SQL = `INSERT OR REPLACE INTO telemetry_rollups (run_id, gpu_index, level, bucket, t_first_ms, t_last_ms, n, throttle_or, ${METRIC_COLUMNS.join(', ')})
  VALUES (${Array.from({ length: 8 + METRIC_COLUMNS.length }, () => '?').join(', ')})`;

const upsertCache = new WeakMap<Db, Statement>();

/** Brings the rollups of (run, GPU) up to date; returns the number of samples they cover. */
export function refreshTelemetryRollups(db: Db, runId: number, gpuIndex: number): Result<{ samples: number; processed: number }> {
  try {
    return ok(db.transaction(() => refresh(db, runId, gpuIndex))());
  } catch (e) {
    return err('db_error', `Could not summarise telemetry of run ${runId} GPU ${gpuIndex}: ${(e as Error).message}`);
  }
}

function refresh(db: Db, runId: number, gpuIndex: number): { samples: number; processed: number } {
  let state = db
    .prepare(
      `SELECT samples, last_t_ms, last_sample_id, last_chunk_id, table_max_id, chunks_max_id FROM telemetry_rollup_state
        WHERE run_id = ? AND gpu_index = ?`,
    )
    .get(runId, gpuIndex) as State | undefined;
  // Samples are only ever appended (or deleted with their run, which cascades here): if nothing was
  // added to either table since the last refresh, the rollups are current without counting anything.
  const marks = storedSampleWatermarks(db);
  if (state && state.table_max_id === marks.rows && state.chunks_max_id === marks.chunks) return { samples: state.samples, processed: 0 };
  const total = countStoredSamples(db, { runId, gpuIndex });
  if (state && state.samples === total) {
    db.prepare('UPDATE telemetry_rollup_state SET table_max_id = ?, chunks_max_id = ? WHERE run_id = ? AND gpu_index = ?').run(
      marks.rows,
      marks.chunks,
      runId,
      gpuIndex,
    );
    return { samples: total, processed: 0 };
  }

  if (state) {
    // Appended samples only: everything written above the watermarks must sort after the last sample read
    // (at equal times rows sort before chunks, so a new row may only tie with a last sample that was a row).
    const fresh = samplesWrittenAfter(db, { runId, gpuIndex, rowsAfterId: state.table_max_id, chunksAfterId: state.chunks_max_id });
    const rowsAfter = fresh.rows === 0 || fresh.rowsMinT! > state.last_t_ms || (fresh.rowsMinT === state.last_t_ms && state.last_chunk_id === null);
    const chunksAfter = fresh.chunkSamples === 0 || fresh.chunksMinT! >= state.last_t_ms;
    if (!rowsAfter || !chunksAfter || state.samples + fresh.rows + fresh.chunkSamples !== total) state = undefined; // rebuild
  }
  if (!state) {
    db.prepare('DELETE FROM telemetry_rollups WHERE run_id = ? AND gpu_index = ?').run(runId, gpuIndex);
    db.prepare('DELETE FROM telemetry_rollup_state WHERE run_id = ? AND gpu_index = ?').run(runId, gpuIndex);
  }
  const start: Pick<State, 'samples' | 'last_t_ms' | 'last_sample_id' | 'last_chunk_id'> = state ?? {
    samples: 0,
    last_t_ms: Number.MIN_SAFE_INTEGER,
    last_sample_id: -1,
    last_chunk_id: null,
  };

  const accs = ROLLUP_LEVELS.map((level) => {
    const acc = new Accumulator();
    const size = bucketSize(level);
    const bucket = Math.floor(start.samples / size);
    const partial =
      start.samples % size === 0
        ? undefined
        : (db.prepare('SELECT * FROM telemetry_rollups WHERE run_id = ? AND gpu_index = ? AND level = ? AND bucket = ?').get(runId, gpuIndex, level, bucket) as
            | Record<string, number | null>
            | undefined);
    if (partial) acc.load(partial);
    else acc.reset(bucket);
    return acc;
  });

  let upsert = upsertCache.get(db);
  if (!upsert) {
    upsert = db.prepare(UPSERT_SQL);
    upsertCache.set(db, upsert);
  }
  // The cursor reads in keyset pages: better-sqlite3 cannot write while a statement is still iterating.
  const cursor = new StoredSampleCursor(
    db,
    state
      ? { runId, gpuIndex, columns: READ_COLUMNS, fromMs: state.last_t_ms, rowsAfterId: state.table_max_id, chunksAfterId: state.chunks_max_id }
      : { runId, gpuIndex, columns: READ_COLUMNS },
  );
  const metrics = ROLLUP_METRICS.length;
  const sizes = ROLLUP_LEVELS.map((level) => bucketSize(level));
  let index = start.samples;
  const values: number[] = new Array(metrics).fill(NaN);
  for (let b = cursor.next(); b !== null; b = cursor.next()) {
    const throttles = b.values[metrics]!;
    for (let i = 0; i < b.n; i++) {
      const t = b.t[i]!;
      for (let m = 0; m < metrics; m++) values[m] = b.values[m]![i]!; // NaN = null: Accumulator.add skips it
      const th = throttles[i]!;
      const throttle = Number.isNaN(th) ? null : th;
      for (let li = 0; li < accs.length; li++) {
        const acc = accs[li]!;
        acc.add(t, values, throttle);
        if ((index + 1) % sizes[li]! === 0) {
          upsert.run(acc.params(runId, gpuIndex, ROLLUP_LEVELS[li]!));
          acc.reset(acc.bucket + 1);
        }
      }
      index++;
    }
  }
  accs.forEach((acc, li) => {
    if (acc.n > 0) upsert!.run(acc.params(runId, gpuIndex, ROLLUP_LEVELS[li]!));
  });
  const last = cursor.last;
  db.prepare(
    `INSERT OR REPLACE INTO telemetry_rollup_state (run_id, gpu_index, samples, last_t_ms, last_sample_id, last_chunk_id, table_max_id, chunks_max_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    gpuIndex,
    index,
    last ? last.tMs : start.last_t_ms,
    last ? (last.rowId ?? -1) : start.last_sample_id,
    last ? last.chunkId : start.last_chunk_id,
    marks.rows,
    marks.chunks,
  );
  return { samples: index, processed: index - start.samples };
}

/**
 * Builds (or brings up to date) the rollups of every GPU that has samples for `runId`, so the run's power
 * timeline opens fast the first time (building them inside that first query took 1.5–3 s for 1M samples).
 * Called when a run attempt ends — between runs, never while llem measures. Derived data: a failure here is
 * reported, and the timeline query retries it later.
 */
export function prepareRunTimelines(db: Db, runId: number): Result<{ gpus: number; samples: number }> {
  let gpus: number[];
  try {
    gpus = (
      db
        .prepare('SELECT DISTINCT gpu_index FROM telemetry_chunks WHERE run_id = ? UNION SELECT DISTINCT gpu_index FROM telemetry_samples WHERE run_id = ? ORDER BY 1')
        .pluck()
        .all(runId, runId) as number[]
    ).filter((g) => Number.isInteger(g));
  } catch (e) {
    return err('db_error', `Could not list the GPUs of run ${runId}: ${(e as Error).message}`);
  }
  let samples = 0;
  for (const gpu of gpus) {
    const r = refreshTelemetryRollups(db, runId, gpu);
    if (!r.ok) return r;
    samples += r.value.samples;
  }
  return ok({ gpus: gpus.length, samples });
}

/** The first and last sample times a run's rollups cover at one level (null when there are none). */
export function readRollupBounds(db: Db, runId: number, gpuIndex: number, level: number): { lo: number | null; hi: number | null } {
  return db
    .prepare('SELECT MIN(t_first_ms) AS lo, MAX(t_last_ms) AS hi FROM telemetry_rollups WHERE run_id = ? AND gpu_index = ? AND level = ?')
    .get(runId, gpuIndex, level) as { lo: number | null; hi: number | null };
}

/**
 * The rollup rows of one level that cover [from, to], starting at the last one that begins at or before `from`:
 * [t_first_ms, t_last_ms, min, max, sum, n] of `metric` (a RollupMetric: a fixed column name, never user text).
 */
export function readRollupSpans(
  db: Db,
  q: { runId: number; gpuIndex: number; metric: string; level: number; from: number; to: number },
): [number, number, number | null, number | null, number | null, number][] {
  const m = q.metric;
  return db
    .prepare(
      `SELECT t_first_ms, t_last_ms, ${m}_min, ${m}_max, ${m}_sum, ${m}_n FROM telemetry_rollups
       WHERE run_id = @run AND gpu_index = @gpu AND level = @level AND t_last_ms >= @from AND t_first_ms <= @to
         AND t_first_ms >= COALESCE((SELECT MAX(t_first_ms) FROM telemetry_rollups
                                      WHERE run_id = @run AND gpu_index = @gpu AND level = @level AND t_first_ms <= @from), @from)
       ORDER BY t_first_ms`,
    )
    .raw()
    .all({ run: q.runId, gpu: q.gpuIndex, level: q.level, from: q.from, to: q.to }) as [number, number, number | null, number | null, number | null, number][];
}
