import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import type { TelemetryPhase } from '../../contract/telemetry';
import { CHUNK_FORMAT, decodeChunk, decodeChunkColumns, SAMPLE_COLUMNS, type SampleColumn, type StoredSample } from './chunks';
import { EnergyAccumulator } from './energy';
import type { RunEnergyMeasured } from './hub';

/**
 * The stored samples of one (run, GPU), whichever layout wrote them (writer.ts): `telemetry_samples` rows (001;
 * the default until migration 006, so old databases hold them) and `telemetry_chunks` (the default since). A run
 * may hold both; readers see their union, in one total order:
 *
 *   (t_ms, rows before chunks, row id | chunk id, position in the chunk)
 *
 * — time first; equal times keep the order they were written in. Chunk times are rounded to whole ms, as rows'
 * are on insert. Chunks that a newer app wrote in an unknown format are skipped everywhere (counts included).
 */

/** What a reader may ask for besides t_ms (telemetry_samples' column names). */
export { SAMPLE_COLUMNS, type SampleColumn };

export interface StoredSampleQuery {
  runId: number;
  gpuIndex: number;
  columns: readonly SampleColumn[];
  /** Inclusive time range, epoch ms; default: all. */
  fromMs?: number;
  toMs?: number;
  /** Only what was written after these watermarks (storedSampleWatermarks): rows with id > rowsAfterId, chunks with id > chunksAfterId. */
  rowsAfterId?: number;
  chunksAfterId?: number;
}

/** Samples in order. The arrays are reused by the next `next()`: read them before calling it again. */
export interface SampleBatch {
  n: number;
  t: Float64Array;
  /** One per requested column, in the query's order; NaN = null. */
  values: Float64Array[];
}

/** Where the last sample read came from: a row (`rowId`) or a chunk (`chunkId`). */
export interface SamplePosition {
  tMs: number;
  rowId: number | null;
  chunkId: number | null;
}

const ROW_PAGE = 16_384;
const CHUNK_PAGE = 512;
const BATCH = 8_192;

interface ChunkRow {
  id: number;
  t_first_ms: number;
  n: number;
  data: Buffer;
}

/** A chunk being read: its (in-range) samples in time order. */
interface OpenChunk {
  id: number;
  t: Float64Array;
  cols: ArrayLike<number>[];
  pos: number;
}

/**
 * Reads the samples of one (run, GPU) from both layouts in the order above, a batch at a time, in keyset pages:
 * better-sqlite3 cannot write while a statement is still iterating, and the rollups write between batches.
 * Memory stays bounded whatever the run's length.
 *
 * Chunks come in (t_first_ms, id) order; a chunk's samples are sorted on opening (they normally are already).
 * Chunks may overlap in time (one flush writes one chunk per phase): a sample of an open chunk is only handed out
 * once no chunk still unopened can hold an earlier one — i.e. it sorts before the next chunk's (t_first_ms, id).
 */
export class StoredSampleCursor {
  private readonly from: number;
  private readonly to: number;
  private readonly rowAfter: number;
  private readonly chunkAfter: number;
  private readonly rowStmt: Statement;
  private readonly chunkStmt: Statement;
  private rows: (number | null)[][] = [];
  private rowPos = 0;
  private rowsDone = false;
  private rowKey: { t: number; id: number };
  private pending: ChunkRow[] = [];
  private pendingPos = 0;
  private chunksDone = false;
  private chunkKey = { t: Number.MIN_SAFE_INTEGER, id: -1 };
  private open: OpenChunk[] = [];
  private readonly batch: SampleBatch;
  /** The last sample handed out (null before the first). */
  last: SamplePosition | null = null;

  constructor(
    private readonly db: Db,
    private readonly q: StoredSampleQuery,
  ) {
    for (const c of q.columns) if (!SAMPLE_COLUMNS.includes(c)) throw new Error(`Unknown telemetry column "${String(c)}"`);
    this.from = q.fromMs ?? Number.MIN_SAFE_INTEGER;
    this.to = q.toMs ?? Number.MAX_SAFE_INTEGER;
    this.rowAfter = q.rowsAfterId ?? 0;
    this.chunkAfter = q.chunksAfterId ?? 0;
    this.rowKey = { t: this.from, id: -1 };
    this.rowStmt = db.prepare(
      // `t_ms >= ?` keeps this an index range scan (an OR would rescan from the start on every page).
      `SELECT id, t_ms${q.columns.map((c) => `, ${c}`).join('')} FROM telemetry_samples
        WHERE run_id = @run AND gpu_index = @gpu AND t_ms >= @kt AND NOT (t_ms = @kt AND id <= @kid) AND t_ms <= @to AND id > @after
        ORDER BY t_ms, id LIMIT ${ROW_PAGE}`,
    );
    this.chunkStmt = db.prepare(
      `SELECT id, t_first_ms, n, data FROM telemetry_chunks
        WHERE run_id = @run AND gpu_index = @gpu AND format = ${CHUNK_FORMAT} AND id > @after
          AND t_first_ms >= @kt AND NOT (t_first_ms = @kt AND id <= @kid) AND t_first_ms <= @to AND t_last_ms >= @from
        ORDER BY t_first_ms, id LIMIT ${CHUNK_PAGE}`,
    );
    this.batch = { n: 0, t: new Float64Array(BATCH), values: q.columns.map(() => new Float64Array(BATCH)) };
  }

  /** The next samples in order, or null when there are none left. */
  next(): SampleBatch | null {
    const b = this.batch;
    const width = this.q.columns.length;
    let k = 0;
    while (k < BATCH) {
      const row = this.peekRow();
      const chunk = this.peekChunk();
      if (row === undefined && chunk === undefined) break;
      // Equal times: rows first.
      if (row !== undefined && (chunk === undefined || (row[1] as number) <= chunk.t[chunk.pos]!)) {
        const t = row[1] as number;
        b.t[k] = t;
        for (let c = 0; c < width; c++) b.values[c]![k] = row[2 + c] ?? NaN;
        this.rowPos++;
        k++;
        this.last = { tMs: t, rowId: row[0] as number, chunkId: null };
        continue;
      }
      const ch = chunk!;
      // Hand out this chunk's samples while they stay first: before the next row (rows win ties) and before every
      // other open or unopened chunk's first sample (lower id wins ties).
      const rowT = row === undefined ? Infinity : (row[1] as number);
      let limT = Infinity;
      let limId = Infinity;
      for (const o of this.open) {
        if (o === ch || o.pos >= o.t.length) continue;
        const ot = o.t[o.pos]!;
        if (ot < limT || (ot === limT && o.id < limId)) {
          limT = ot;
          limId = o.id;
        }
      }
      const nx = this.peekPending();
      if (nx && (nx.t_first_ms < limT || (nx.t_first_ms === limT && nx.id < limId))) {
        limT = nx.t_first_ms;
        limId = nx.id;
      }
      const first = ch.pos;
      let i = ch.pos;
      const end = ch.t.length;
      while (k < BATCH && i < end) {
        const t = ch.t[i]!;
        if (t >= rowT || t > limT || (t === limT && ch.id > limId)) break;
        b.t[k] = t;
        for (let c = 0; c < width; c++) b.values[c]![k] = ch.cols[c]![i]!;
        i++;
        k++;
      }
      if (i === first) throw new Error('telemetry cursor made no progress'); // cannot happen: ch was the smallest
      ch.pos = i;
      this.last = { tMs: ch.t[i - 1]!, rowId: null, chunkId: ch.id };
      if (i === end) this.open = this.open.filter((o) => o !== ch);
    }
    if (k === 0) return null;
    b.n = k;
    return b;
  }

  private peekRow(): (number | null)[] | undefined {
    if (this.rowPos < this.rows.length) return this.rows[this.rowPos];
    if (this.rowsDone) return undefined;
    this.rows = this.rowStmt
      .raw()
      .all({ run: this.q.runId, gpu: this.q.gpuIndex, kt: this.rowKey.t, kid: this.rowKey.id, to: this.to, after: this.rowAfter }) as (number | null)[][];
    this.rowPos = 0;
    if (this.rows.length < ROW_PAGE) this.rowsDone = true;
    const lastRow = this.rows[this.rows.length - 1];
    if (lastRow) this.rowKey = { t: lastRow[1] as number, id: lastRow[0] as number };
    return this.rows[0];
  }

  private peekPending(): ChunkRow | undefined {
    if (this.pendingPos < this.pending.length) return this.pending[this.pendingPos];
    if (this.chunksDone) return undefined;
    this.pending = this.chunkStmt.all({
      run: this.q.runId,
      gpu: this.q.gpuIndex,
      after: this.chunkAfter,
      kt: this.chunkKey.t,
      kid: this.chunkKey.id,
      to: this.to,
      from: this.from,
    }) as ChunkRow[];
    this.pendingPos = 0;
    if (this.pending.length < CHUNK_PAGE) this.chunksDone = true;
    const lastChunk = this.pending[this.pending.length - 1];
    if (lastChunk) this.chunkKey = { t: lastChunk.t_first_ms, id: lastChunk.id };
    return this.pending[0];
  }

  /** The open chunk whose next sample comes first among chunks, opening chunks until none unopened can precede it. */
  private peekChunk(): OpenChunk | undefined {
    for (;;) {
      let best: OpenChunk | undefined;
      for (const o of this.open) {
        if (o.pos >= o.t.length) continue;
        if (best === undefined || o.t[o.pos]! < best.t[best.pos]! || (o.t[o.pos] === best.t[best.pos] && o.id < best.id)) best = o;
      }
      const nx = this.peekPending();
      if (nx && (best === undefined || nx.t_first_ms < best.t[best.pos]! || (nx.t_first_ms === best.t[best.pos] && nx.id < best.id))) {
        this.pendingPos++;
        this.openChunk(nx);
        continue;
      }
      return best;
    }
  }

  private openChunk(row: ChunkRow): void {
    const c = decodeChunkColumns(row.data, row.n);
    const raw = c.column('t_ms');
    const cols: ArrayLike<number>[] = this.q.columns.map((name) => c.column(name));
    // Whole ms, as rows are stored; keep the samples in range, in time order (a chunk normally is already).
    const t = new Float64Array(row.n);
    let sorted = true;
    let inRange = true;
    for (let i = 0; i < row.n; i++) {
      const v = Math.round(raw[i]!);
      t[i] = v;
      if (i > 0 && v < t[i - 1]!) sorted = false;
      if (v < this.from || v > this.to) inRange = false;
    }
    if (sorted && inRange) {
      if (row.n > 0) this.open.push({ id: row.id, t, cols, pos: 0 });
      return;
    }
    const pick: number[] = [];
    for (let i = 0; i < row.n; i++) if (t[i]! >= this.from && t[i]! <= this.to) pick.push(i);
    if (!sorted) pick.sort((x, y) => t[x]! - t[y]! || x - y);
    if (pick.length === 0) return;
    this.open.push({
      id: row.id,
      t: Float64Array.from(pick, (i) => t[i]!),
      cols: cols.map((col) => Float64Array.from(pick, (i) => col[i]!)),
      pos: 0,
    });
  }
}

/** Every sample of the query, in order, as [t_ms, first requested column] pairs (null for a missing value). */
export function readStoredPairs(db: Db, q: StoredSampleQuery): [number, number | null][] {
  const out: [number, number | null][] = [];
  const cursor = new StoredSampleCursor(db, q);
  for (let b = cursor.next(); b !== null; b = cursor.next()) {
    const v = b.values[0];
    for (let i = 0; i < b.n; i++) {
      const x = v ? v[i]! : NaN;
      out.push([b.t[i]!, Number.isNaN(x) ? null : x]);
    }
  }
  return out;
}

/** MAX(id) of each table: a sample written later lands above these (until its run is deleted). */
export function storedSampleWatermarks(db: Db): { rows: number; chunks: number } {
  const rows = db.prepare('SELECT COALESCE(MAX(id), 0) FROM telemetry_samples').pluck().get() as number;
  const chunks = db.prepare('SELECT COALESCE(MAX(id), 0) FROM telemetry_chunks').pluck().get() as number;
  return { rows, chunks };
}

/** How many samples of (run, GPU) are stored, optionally within [fromMs, toMs] (inclusive). */
export function countStoredSamples(db: Db, q: { runId: number; gpuIndex: number; fromMs?: number; toMs?: number }): number {
  const from = q.fromMs ?? Number.MIN_SAFE_INTEGER;
  const to = q.toMs ?? Number.MAX_SAFE_INTEGER;
  const rows = db
    .prepare('SELECT COUNT(*) FROM telemetry_samples WHERE run_id = ? AND gpu_index = ? AND t_ms BETWEEN ? AND ?')
    .pluck()
    .get(q.runId, q.gpuIndex, from, to) as number;
  // Chunks wholly inside the range count by their n (from the index alone); those across an edge are decoded.
  const inside = db
    .prepare(
      `SELECT COALESCE(SUM(n), 0) FROM telemetry_chunks
        WHERE run_id = ? AND gpu_index = ? AND format = ${CHUNK_FORMAT} AND t_first_ms >= ? AND t_first_ms <= ? AND t_last_ms <= ?`,
    )
    .pluck()
    .get(q.runId, q.gpuIndex, from, to, to) as number;
  if (q.fromMs === undefined && q.toMs === undefined) return rows + inside;
  const across = db
    .prepare(
      `SELECT n, data FROM telemetry_chunks
        WHERE run_id = ? AND gpu_index = ? AND format = ${CHUNK_FORMAT} AND t_first_ms <= ? AND t_last_ms >= ? AND (t_first_ms < ? OR t_last_ms > ?)`,
    )
    .all(q.runId, q.gpuIndex, to, from, from, to) as { n: number; data: Buffer }[];
  let partial = 0;
  for (const c of across) {
    const t = decodeChunkColumns(c.data, c.n).column('t_ms');
    for (let i = 0; i < c.n; i++) {
      const v = Math.round(t[i]!);
      if (v >= from && v <= to) partial++;
    }
  }
  return rows + inside + partial;
}

/** What (run, GPU) gained above the watermarks: counts and earliest times, per layout (nulls when none). */
export function samplesWrittenAfter(
  db: Db,
  q: { runId: number; gpuIndex: number; rowsAfterId: number; chunksAfterId: number },
): { rows: number; rowsMinT: number | null; chunkSamples: number; chunksMinT: number | null } {
  const r = db
    .prepare('SELECT COUNT(*) AS n, MIN(t_ms) AS t FROM telemetry_samples WHERE run_id = ? AND gpu_index = ? AND id > ?')
    .get(q.runId, q.gpuIndex, q.rowsAfterId) as { n: number; t: number | null };
  const c = db
    .prepare(
      `SELECT COALESCE(SUM(n), 0) AS n, MIN(t_first_ms) AS t FROM telemetry_chunks
        WHERE run_id = ? AND gpu_index = ? AND format = ${CHUNK_FORMAT} AND id > ?`,
    )
    .get(q.runId, q.gpuIndex, q.chunksAfterId) as { n: number; t: number | null };
  return { rows: r.n, rowsMinT: r.t, chunkSamples: c.n, chunksMinT: c.t };
}

/**
 * Energy per GPU and window (`run`, `measuring`) of one run attempt from its stored samples, whichever layout
 * holds them — what the runner uses when a crash lost the in-memory accumulators (same rules as the hub's).
 */
export function energyFromStoredSamples(db: Db, runId: number, attempt: number): RunEnergyMeasured[] {
  const accs = new Map<string, EnergyAccumulator>();
  const acc = (key: string) => {
    let a = accs.get(key);
    if (!a) accs.set(key, (a = new EnergyAccumulator()));
    return a;
  };
  for (const { sample, phase } of readRunTelemetry(db, { runId, attempt })) {
    acc(`${sample.gpuIndex}:run`).add(sample);
    if (phase === 'measuring') acc(`${sample.gpuIndex}:measuring`).add(sample);
  }
  return [...accs.entries()].map(([key, a]) => {
    const [gpu, window] = key.split(':') as [string, 'run' | 'measuring'];
    return {
      runId,
      attempt,
      gpuIndex: Number(gpu),
      window,
      counterJ: a.counterJ,
      counterMethod: a.method,
      bridgeJ: a.bridgeJ,
      counterReads: a.counterReads,
      integratedJ: a.integrated,
      sampleCount: a.count,
      startMs: a.startMs,
      endMs: a.endMs,
    };
  });
}

/**
 * The samples of one run (optionally one attempt / one GPU), by GPU then time, from whichever layout they were
 * written in (`telemetry_samples` rows and/or `telemetry_chunks`).
 */
export function readRunTelemetry(db: Db, query: { runId: number; attempt?: number; gpuIndex?: number }): StoredSample[] {
  const a = query.attempt ?? null;
  const g = query.gpuIndex ?? null;
  const out: StoredSample[] = [];
  const rows = db
    .prepare(
      `SELECT run_id, attempt, phase, gpu_index, t_ms, power_w, power_instant, energy_mj, temperature_c, sm_util_pct, memory_used_mb,
              memory_total_mb, sm_clock_mhz, mem_clock_mhz, throttle_reasons
         FROM telemetry_samples WHERE run_id = ? AND (? IS NULL OR attempt = ?) AND (? IS NULL OR gpu_index = ?)`,
    )
    .all(query.runId, a, a, g, g) as {
    run_id: number | null;
    attempt: number | null;
    phase: TelemetryPhase | null;
    gpu_index: number;
    t_ms: number;
    power_w: number | null;
    power_instant: number | null;
    energy_mj: number | null;
    temperature_c: number | null;
    sm_util_pct: number | null;
    memory_used_mb: number | null;
    memory_total_mb: number | null;
    sm_clock_mhz: number | null;
    mem_clock_mhz: number | null;
    throttle_reasons: number | null;
  }[];
  for (const r of rows) {
    out.push({
      runId: r.run_id,
      attempt: r.attempt,
      phase: r.phase ?? 'idle',
      sample: {
        gpuIndex: r.gpu_index,
        tMs: r.t_ms,
        powerW: r.power_w,
        powerInstant: r.power_instant === 1,
        energyMj: r.energy_mj,
        temperatureC: r.temperature_c,
        smUtilPct: r.sm_util_pct,
        memoryUsedMb: r.memory_used_mb,
        memoryTotalMb: r.memory_total_mb,
        smClockMhz: r.sm_clock_mhz,
        memClockMhz: r.mem_clock_mhz,
        throttleReasons: r.throttle_reasons,
      },
    });
  }
  const chunks = db
    .prepare(
      `SELECT run_id, attempt, phase, gpu_index, n, format, data FROM telemetry_chunks
       WHERE run_id = ? AND (? IS NULL OR attempt = ?) AND (? IS NULL OR gpu_index = ?) ORDER BY id`,
    )
    .all(query.runId, a, a, g, g) as {
    run_id: number | null;
    attempt: number | null;
    phase: TelemetryPhase;
    gpu_index: number;
    n: number;
    format: number;
    data: Buffer;
  }[];
  for (const r of chunks) {
    if (r.format !== CHUNK_FORMAT) continue; // written by a newer app: skip rather than misread
    for (const sample of decodeChunk(r.data, r.n, r.gpu_index)) out.push({ sample, runId: r.run_id, attempt: r.attempt, phase: r.phase });
  }
  // Stable sort: equal timestamps keep their stored order.
  return out.sort((x, y) => x.sample.gpuIndex - y.sample.gpuIndex || x.sample.tMs - y.sample.tMs);
}
