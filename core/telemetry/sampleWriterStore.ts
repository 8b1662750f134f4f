import type Database from 'better-sqlite3';
import type { Db } from '../store/database';
import { CHUNK_FORMAT, encodeChunk, SAMPLE_COLUMNS, type StoredSample } from './chunks';

export type TaggedSample = StoredSample;

/**
 * `chunks` (default): `telemetry_chunks`, one row per (run, attempt, phase, GPU) per flush with the samples
 * column-wise in a blob (chunks.ts). One blob write instead of ~15 bound values and an index entry per sample:
 * ~5x the ingest speed of rows, the only layout that stores 1M samples in ≤ 1 s (docs/runner.md, bench), and
 * about half the bytes.
 * `rows`: one `telemetry_samples` row per sample (001's table; the default before migration 006, so older
 * databases hold their samples this way). Still written on request (tests, benchmarks).
 * Every reader takes both, also mixed within one run (core/telemetry/storedSamples.ts, chunks.ts'
 * readRunTelemetry): the series and rollups in core/results, the runner's energy recovery.
 */
export type TelemetryLayout = 'rows' | 'chunks';
export const DEFAULT_TELEMETRY_LAYOUT: TelemetryLayout = 'chunks';

/** A `telemetry_samples` row's columns, in pushRow's order. */
const ROW_COLUMNS = ['run_id', 'attempt', 'phase', 'gpu_index', 't_ms', 'power_instant', ...SAMPLE_COLUMNS];
/** Rows per multi-row INSERT: fewer statement executions per sample. */
const ROWS_PER_STATEMENT = 64;

/**
 * Writes samples in batches: one transaction per flush (every `flushIntervalMs` or `maxBuffered` samples,
 * whichever first), never one per sample. A crash loses at most one unflushed batch of telemetry, never a run
 * state.
 */
export class TelemetryWriter {
  private buffer: TaggedSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly insert: Database.Statement;
  private readonly writeAll: (rows: TaggedSample[]) => void;
  written = 0;

  constructor(
    db: Db,
    private readonly options: {
      flushIntervalMs?: number;
      maxBuffered?: number;
      source?: string;
      layout?: TelemetryLayout;
      onError?: (message: string) => void;
    } = {},
  ) {
    if ((options.layout ?? DEFAULT_TELEMETRY_LAYOUT) === 'rows') {
      const one = `(${ROW_COLUMNS.map(() => '?').join(',')})`;
      const head = `INSERT INTO telemetry_samples (${ROW_COLUMNS.join(',')}) VALUES `;
      const insertOne = db.prepare(head + one);
      const insertMany = db.prepare(head + Array.from({ length: ROWS_PER_STATEMENT }, () => one).join(','));
      this.insert = insertOne;
      this.writeAll = db.transaction((rows: TaggedSample[]) => {
        const params: unknown[] = [];
        let i = 0;
        for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
          params.length = 0;
          for (let k = i; k < i + ROWS_PER_STATEMENT; k++) pushRow(params, rows[k]!);
          insertMany.run(params);
        }
        for (; i < rows.length; i++) {
          params.length = 0;
          pushRow(params, rows[i]!);
          insertOne.run(params);
        }
      });
      return;
    }
    this.insert = db.prepare(
      `INSERT INTO telemetry_chunks (run_id, attempt, phase, gpu_index, t_first_ms, t_last_ms, n, format, source, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.writeAll = db.transaction((rows: TaggedSample[]) => {
      for (const group of groupRows(rows)) {
        const first = group[0]!;
        const samples = group.map((r) => r.sample);
        let lo = Infinity;
        let hi = -Infinity;
        for (const x of samples) {
          if (x.tMs < lo) lo = x.tMs;
          if (x.tMs > hi) hi = x.tMs;
        }
        this.insert.run(
          first.runId,
          first.attempt,
          first.phase,
          first.sample.gpuIndex,
          Math.round(lo),
          Math.round(hi),
          samples.length,
          CHUNK_FORMAT,
          this.options.source ?? null,
          encodeChunk(samples),
        );
      }
    });
  }

  add(rows: readonly TaggedSample[]): void {
    for (const r of rows) this.buffer.push(r);
    if (this.buffer.length >= (this.options.maxBuffered ?? 2000)) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.options.flushIntervalMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Writes everything buffered now (also called before a run is marked finished, so its samples are in). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    try {
      this.writeAll(rows);
      this.written += rows.length;
    } catch (e) {
      // Telemetry is secondary to the run itself: report and drop this batch rather than stop the campaign.
      this.options.onError?.(`Could not store ${rows.length} telemetry samples: ${(e as Error).message}`);
    }
  }

  close(): void {
    this.flush();
  }
}

function pushRow(params: unknown[], r: TaggedSample): void {
  const s = r.sample;
  params.push(
    r.runId,
    r.attempt,
    r.phase,
    s.gpuIndex,
    Math.round(s.tMs),
    s.powerW === null ? null : s.powerInstant ? 1 : 0,
    // SAMPLE_COLUMNS' order
    s.powerW,
    s.energyMj,
    s.temperatureC,
    s.smUtilPct,
    s.memoryUsedMb,
    s.memoryTotalMb,
    s.smClockMhz,
    s.memClockMhz,
    s.throttleReasons,
  );
}

/**
 * Groups by (run, attempt, phase, GPU), keeping each group's samples in arrival order. The tag key string is
 * only built when the tags change (rarely within a flush), not per sample: this loop runs for every sample.
 */
function groupRows(rows: readonly TaggedSample[]): TaggedSample[][] {
  const out: TaggedSample[][] = [];
  const byTags = new Map<string, Map<number, TaggedSample[]>>();
  let byGpu = new Map<number, TaggedSample[]>();
  let run: number | null | undefined;
  let attempt: number | null | undefined;
  let phase: string | undefined;
  for (const r of rows) {
    if (r.runId !== run || r.attempt !== attempt || r.phase !== phase) {
      run = r.runId;
      attempt = r.attempt;
      phase = r.phase;
      const key = `${run}:${attempt}:${phase}`;
      const known = byTags.get(key);
      if (known) byGpu = known;
      else byTags.set(key, (byGpu = new Map()));
    }
    let g = byGpu.get(r.sample.gpuIndex);
    if (!g) {
      byGpu.set(r.sample.gpuIndex, (g = []));
      out.push(g);
    }
    g.push(r);
  }
  return out;
}
