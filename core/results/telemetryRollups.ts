import type { Statement } from 'better-sqlite3';
import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { ROLLUP_METRICS } from '../store/migrations/004_telemetry_rollups';

/**
 * Keeps `telemetry_rollups` in step with `telemetry_samples` for one (run, GPU): level k holds the
 * min / max / sum / count of every metric over 16^k consecutive samples (in time order). Refreshing
 * reads only samples added since the last refresh; if samples arrived out of time order (or were
 * deleted) the rollups of that (run, GPU) are rebuilt from scratch, since they are derived data.
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
  last_sample_id: number;
  table_max_id: number;
}

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
const PAGE_ROWS = 16_384;

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
    .prepare('SELECT samples, last_t_ms, last_sample_id, table_max_id FROM telemetry_rollup_state WHERE run_id = ? AND gpu_index = ?')
    .get(runId, gpuIndex) as State | undefined;
  // Samples are only ever appended (or deleted with their run, which cascades here): if no row was
  // added anywhere since the last refresh, the rollups are current without counting anything.
  const tableMaxId = (db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM telemetry_samples').get() as { m: number }).m;
  if (state && state.table_max_id === tableMaxId) return { samples: state.samples, processed: 0 };
  const total = (db.prepare('SELECT COUNT(*) AS n FROM telemetry_samples WHERE run_id = ? AND gpu_index = ?').get(runId, gpuIndex) as { n: number }).n;
  if (state && state.samples === total) {
    db.prepare('UPDATE telemetry_rollup_state SET table_max_id = ? WHERE run_id = ? AND gpu_index = ?').run(tableMaxId, runId, gpuIndex);
    return { samples: total, processed: 0 };
  }

  const columns = `id, t_ms, throttle_reasons, ${ROLLUP_METRICS.join(', ')}`;
  if (state) {
    // Appended samples only: everything at or after the last timestamp read, minus what was read.
    const fresh = db
      .prepare(`SELECT COUNT(*) AS n FROM telemetry_samples WHERE run_id = ? AND gpu_index = ? AND t_ms >= ? AND NOT (t_ms = ? AND id <= ?)`)
      .get(runId, gpuIndex, state.last_t_ms, state.last_t_ms, state.last_sample_id) as { n: number };
    if (state.samples + fresh.n !== total) state = undefined; // out-of-order or deleted samples: rebuild
  }
  if (!state) {
    db.prepare('DELETE FROM telemetry_rollups WHERE run_id = ? AND gpu_index = ?').run(runId, gpuIndex);
    db.prepare('DELETE FROM telemetry_rollup_state WHERE run_id = ? AND gpu_index = ?').run(runId, gpuIndex);
  }
  const start = state ?? { samples: 0, last_t_ms: Number.MIN_SAFE_INTEGER, last_sample_id: -1 };

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
  // Keyset pages: better-sqlite3 cannot write while a statement is still iterating on the connection.
  const page = db.prepare(
    // `t_ms >= ?` keeps this an index range scan (an OR would rescan from the start on every page).
    `SELECT ${columns} FROM telemetry_samples WHERE run_id = ? AND gpu_index = ? AND t_ms >= ? AND NOT (t_ms = ? AND id <= ?)
     ORDER BY t_ms, id LIMIT ${PAGE_ROWS}`,
  );
  let index = start.samples;
  let lastT = start.last_t_ms;
  let lastId = start.last_sample_id;
  const values: (number | null)[] = new Array(ROLLUP_METRICS.length).fill(null);
  for (;;) {
    const rows = page.raw().all(runId, gpuIndex, lastT, lastT, lastId) as (number | null)[][];
    for (const raw of rows) {
      const id = raw[0] as number;
      const t = raw[1] as number;
      const throttle = raw[2] ?? null;
      for (let i = 0; i < ROLLUP_METRICS.length; i++) values[i] = raw[3 + i] ?? null;
      for (let li = 0; li < accs.length; li++) {
        const acc = accs[li]!;
        acc.add(t, values, throttle);
        if ((index + 1) % bucketSize(ROLLUP_LEVELS[li]!) === 0) {
          upsert.run(acc.params(runId, gpuIndex, ROLLUP_LEVELS[li]!));
          acc.reset(acc.bucket + 1);
        }
      }
      index++;
      lastT = t;
      lastId = id;
    }
    if (rows.length < PAGE_ROWS) break;
  }
  accs.forEach((acc, li) => {
    if (acc.n > 0) upsert!.run(acc.params(runId, gpuIndex, ROLLUP_LEVELS[li]!));
  });
  db.prepare(
    'INSERT OR REPLACE INTO telemetry_rollup_state (run_id, gpu_index, samples, last_t_ms, last_sample_id, table_max_id) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(runId, gpuIndex, index, lastT, lastId, tableMaxId);
  return { samples: index, processed: index - start.samples };
}
