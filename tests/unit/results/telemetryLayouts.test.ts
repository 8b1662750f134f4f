import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetryPhase, TelemetrySample } from '../../../contract/telemetry';
import { getAppTelemetrySeries, type AppSeriesQuery } from '../../../core/results/telemetrySeries';
import { prepareRunTimelines, refreshTelemetryRollups, type RollupMetric } from '../../../core/results/telemetryRollupStore';
import type { Db } from '../../../core/store/database';
import { ROLLUP_METRICS } from '../../../core/store/migrations/004_telemetry_rollups';
import { decodeChunkColumns, encodeChunk } from '../../../core/telemetry/chunks';
import { countStoredSamples, energyFromStoredSamples, SAMPLE_COLUMNS, StoredSampleCursor } from '../../../core/telemetry/storedSampleStore';
import { DEFAULT_TELEMETRY_LAYOUT, TelemetryWriter, type TaggedSample, type TelemetryLayout } from '../../../core/telemetry/sampleWriterStore';
import { openTempDb } from './helpers';

/**
 * The two telemetry storage layouts (telemetry_samples rows, telemetry_chunks) must read back alike: the same
 * samples give the same series, rollups and energy whichever layout — or mix of layouts — holds them.
 */

let db: Db;
let cleanup: () => void;
const RUNS = [1, 2, 3, 4, 5, 6];
beforeEach(() => {
  ({ db, cleanup } = openTempDb());
  db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('c', 'c', '{}', 'x', 'x');
           INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c', 0, '{}', 'h', 's');`);
  const run = db.prepare("INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (?, 'c', 1, ?, 1)");
  for (const r of RUNS) run.run(r, r);
});
afterEach(() => cleanup());

const T0 = 1_767_261_600_000;

/**
 * Sample i of a GPU, 100 ms apart. Values are exact in float32 (what chunks store power, temperature… in), so
 * "identical" can mean identical; nulls and throttle bits included.
 */
function sample(gpuIndex: number, i: number, tMs = T0 + i * 100): TelemetrySample {
  return {
    gpuIndex,
    tMs,
    powerW: i % 331 === 0 ? null : i % 4999 === 7 ? 900 : 200 + (i % 97) * 0.25 + gpuIndex,
    powerInstant: i % 2 === 0,
    energyMj: i % 503 === 0 ? null : 1e9 + i * 20.5,
    temperatureC: 50 + (i % 30),
    smUtilPct: i % 101,
    memoryUsedMb: 30_000 + (i % 13),
    memoryTotalMb: 81_559,
    smClockMhz: i % 211 === 0 ? null : 1980 - (i % 4) * 15,
    memClockMhz: 2619,
    throttleReasons: i % 5000 === 1 ? 0x20 : i % 777 === 0 ? 0x4 : 0,
  };
}

/** Phases switch every 7 samples, so one flush writes several chunks per GPU that overlap in time. */
const phaseOf = (i: number): TelemetryPhase => (Math.floor(i / 7) % 2 === 0 ? 'measuring' : 'loading');

/** Samples [from, to) of GPUs 0 and 1, interleaved as a source delivers them, written through the writer. */
function write(runId: number, layout: TelemetryLayout, from: number, to: number, opts: { batch?: number; time?: (i: number) => number } = {}): void {
  const writer = new TelemetryWriter(db, { layout, maxBuffered: opts.batch ?? 80, onError: (m) => expect.fail(m) });
  const tagged: TaggedSample[] = [];
  for (let i = from; i < to; i++) {
    for (const gpu of [0, 1]) tagged.push({ sample: sample(gpu, i, opts.time?.(i)), runId, attempt: 1, phase: phaseOf(i) });
  }
  for (let k = 0; k < tagged.length; k += 16) writer.add(tagged.slice(k, k + 16));
  writer.close();
}

function rollups(runId: number): unknown[] {
  return db.prepare('SELECT * FROM telemetry_rollups WHERE run_id = ? ORDER BY gpu_index, level, bucket').all(runId).map((r) => ({ ...(r as object), run_id: 0 }));
}

function rebuildFromScratch(runId: number): unknown[] {
  db.prepare('DELETE FROM telemetry_rollups WHERE run_id = ?').run(runId);
  db.prepare('DELETE FROM telemetry_rollup_state WHERE run_id = ?').run(runId);
  for (const gpu of [0, 1]) {
    const r = refreshTelemetryRollups(db, runId, gpu);
    if (!r.ok) throw new Error(r.error.message);
  }
  return rollups(runId);
}

function series(runId: number, q: Omit<AppSeriesQuery, 'runId'>): unknown {
  const got = getAppTelemetrySeries(db, { ...q, runId });
  if (!got.ok) throw new Error(got.error.message);
  return got.value;
}

/** A spread of chart queries: whole run (rollups), zoomed ranges (raw and rollups), LTTB, every metric, both GPUs. */
function seriesQueries(n: number): Omit<AppSeriesQuery, 'runId'>[] {
  const at = (i: number) => T0 + i * 100;
  const out: Omit<AppSeriesQuery, 'runId'>[] = [];
  for (const metric of ROLLUP_METRICS as readonly RollupMetric[]) out.push({ metric, width: 300 }, { metric, gpuIndex: 1, width: 1000, method: 'lttb' });
  out.push(
    { metric: 'power_w', width: 100, fromMs: at(Math.floor(n / 3)) + 50, toMs: at(Math.floor(n / 3) + 900) - 50 },
    { metric: 'power_w', width: 50, fromMs: at(10), toMs: at(Math.floor(n * 0.9)) },
    { metric: 'temperature_c', gpuIndex: 1, width: 200, fromMs: at(5) + 1, toMs: at(n - 5), method: 'lttb' },
    { metric: 'power_w', width: 20_000 },
  );
  return out;
}

/** Every sample of (run, GPU) through the cursor, as plain arrays. */
function readAll(runId: number, gpuIndex: number, range: { fromMs?: number; toMs?: number } = {}): number[][] {
  const cursor = new StoredSampleCursor(db, { runId, gpuIndex, columns: SAMPLE_COLUMNS, ...range });
  const out: number[][] = [];
  for (let b = cursor.next(); b !== null; b = cursor.next()) {
    for (let i = 0; i < b.n; i++) out.push([b.t[i]!, ...b.values.map((v) => v[i]!)]);
  }
  return out;
}

/** The documented order, by brute force: (t, rows before chunks, id, position in chunk). */
function bruteForce(runId: number, gpuIndex: number): number[][] {
  const keyed: { key: number[]; value: number[] }[] = [];
  const rows = db.prepare(`SELECT id, t_ms, ${SAMPLE_COLUMNS.join(', ')} FROM telemetry_samples WHERE run_id = ? AND gpu_index = ?`).raw().all(runId, gpuIndex) as (number | null)[][];
  for (const r of rows) keyed.push({ key: [r[1]!, 0, r[0]!, 0], value: [r[1]!, ...r.slice(2).map((v) => v ?? NaN)] });
  const chunks = db.prepare('SELECT id, n, data FROM telemetry_chunks WHERE run_id = ? AND gpu_index = ?').all(runId, gpuIndex) as { id: number; n: number; data: Buffer }[];
  for (const c of chunks) {
    const cols = decodeChunkColumns(c.data, c.n);
    const t = cols.column('t_ms');
    for (let i = 0; i < c.n; i++) {
      const tm = Math.round(t[i]!);
      keyed.push({ key: [tm, 1, c.id, i], value: [tm, ...SAMPLE_COLUMNS.map((name) => cols.column(name)[i]!)] });
    }
  }
  keyed.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.key[2]! - b.key[2]! || a.key[3]! - b.key[3]!);
  return keyed.map((k) => k.value);
}

describe('telemetry layouts read alike', () => {
  it('chunks are the default layout', () => {
    expect(DEFAULT_TELEMETRY_LAYOUT).toBe('chunks');
  });

  it('rows, chunks and a mix of both give identical series, rollups and energy', () => {
    const N = 20_000;
    write(1, 'rows', 0, N);
    write(2, 'chunks', 0, N);
    // Run 3: alternating stretches, as a database that was upgraded mid-run would hold (rows, then chunks, …).
    for (let k = 0; k < N; k += 3_000) write(3, k % 6_000 === 0 ? 'rows' : 'chunks', k, Math.min(N, k + 3_000));
    // Run 4: chunks written in large batches (one 250-sample chunk per GPU and phase): overlapping chunks.
    write(4, 'chunks', 0, N, { batch: 2_000 });
    expect(db.prepare('SELECT COUNT(*) FROM telemetry_samples WHERE run_id = 2').pluck().get()).toBe(0);
    expect(db.prepare('SELECT SUM(n) FROM telemetry_chunks WHERE run_id = 2').pluck().get()).toBe(2 * N);

    const expected = seriesQueries(N).map((q) => series(1, q));
    expect((expected[0] as { level: number }).level).toBeGreaterThan(0);
    expect(expected.some((s) => (s as { level: number }).level === 0)).toBe(true);
    const expectedRollups = rollups(1);
    expect(expectedRollups.length).toBeGreaterThan(2_000);
    const expectedEnergy = energyFromStoredSamples(db, 1, 1);
    expect(expectedEnergy).toHaveLength(4); // 2 GPUs × run/measuring
    expect(expectedEnergy.every((e) => e.counterJ !== null && e.integratedJ !== null)).toBe(true);
    for (const run of [2, 3, 4]) {
      expect(seriesQueries(N).map((q) => series(run, q)), `run ${run}`).toEqual(expected);
      expect(rollups(run), `run ${run}`).toEqual(expectedRollups);
      expect(energyFromStoredSamples(db, run, 1).map((e) => ({ ...e, runId: 1 })), `run ${run}`).toEqual(expectedEnergy);
      for (const gpu of [0, 1]) {
        expect(countStoredSamples(db, { runId: run, gpuIndex: gpu })).toBe(N);
        expect(countStoredSamples(db, { runId: run, gpuIndex: gpu, fromMs: T0 + 1234 * 100 + 1, toMs: T0 + 17_777 * 100 })).toBe(17_777 - 1234);
      }
    }
  });

  it('the cursor returns the union in (time, rows first, id, position) order, for any range', () => {
    // Deliberately awkward: equal times across GPUs' chunks and rows, a chunk out of order inside, out-of-order chunks.
    write(5, 'chunks', 0, 500, { time: (i) => T0 + Math.floor(i / 3) * 100 });
    write(5, 'rows', 200, 700, { time: (i) => T0 + Math.floor(i / 2) * 100 });
    const shuffled = Array.from({ length: 40 }, (_, k) => sample(0, k, T0 + ((k * 17) % 40) * 250));
    db.prepare("INSERT INTO telemetry_chunks (run_id, attempt, phase, gpu_index, t_first_ms, t_last_ms, n, format, data) VALUES (5, 1, 'idle', 0, ?, ?, 40, 1, ?)").run(
      T0,
      T0 + 39 * 250,
      encodeChunk(shuffled),
    );
    write(5, 'chunks', 100, 300, { time: (i) => T0 + i * 37 });
    for (const gpu of [0, 1]) {
      const all = bruteForce(5, gpu);
      expect(readAll(5, gpu)).toEqual(all);
      for (const [from, to] of [
        [T0 + 1_000, T0 + 9_000],
        [T0 + 1_050, T0 + 1_050],
        [T0 - 10, T0 + 100_000],
        [T0 + 4_999.5, T0 + 20_000.5],
      ] as const) {
        const inRange = all.filter((s) => s[0]! >= from && s[0]! <= to);
        expect(readAll(5, gpu, { fromMs: from, toMs: to })).toEqual(inRange);
        expect(countStoredSamples(db, { runId: 5, gpuIndex: gpu, fromMs: from, toMs: to })).toBe(inRange.length);
      }
    }
  });

  it('chunks: incremental refresh equals a rebuild and the rows result; out-of-order chunks force a rebuild', () => {
    write(1, 'rows', 0, 12_345);
    write(2, 'chunks', 0, 10_000);
    expect(refreshTelemetryRollups(db, 2, 0)).toMatchObject({ ok: true, value: { samples: 10_000, processed: 10_000 } });
    expect(refreshTelemetryRollups(db, 2, 0)).toMatchObject({ ok: true, value: { samples: 10_000, processed: 0 } });
    write(2, 'chunks', 10_000, 12_345);
    expect(refreshTelemetryRollups(db, 2, 0)).toMatchObject({ ok: true, value: { samples: 12_345, processed: 2_345 } });
    refreshTelemetryRollups(db, 2, 1);
    for (const gpu of [0, 1]) refreshTelemetryRollups(db, 1, gpu);
    const incremental = rollups(2);
    expect(incremental).toEqual(rollups(1));
    expect(rebuildFromScratch(2)).toEqual(incremental);

    // A late chunk with old timestamps: the rollups are rebuilt and stay exact.
    write(2, 'chunks', 0, 1, { time: () => T0 + 5 });
    expect(refreshTelemetryRollups(db, 2, 0)).toMatchObject({ ok: true, value: { samples: 12_346, processed: 12_346 } });
    // … and so is a late row among chunks.
    write(2, 'rows', 0, 1, { time: () => T0 + 6 });
    expect(refreshTelemetryRollups(db, 2, 0)).toMatchObject({ ok: true, value: { samples: 12_347, processed: 12_347 } });
    const top = db.prepare('SELECT MAX(power_w_max) AS m, SUM(n) AS n FROM telemetry_rollups WHERE run_id = 2 AND gpu_index = 0 AND level = 4').get();
    expect(top).toEqual({ m: 900, n: 12_347 });
    const s = series(2, { metric: 'power_w', width: 10, fromMs: T0, toMs: T0 + 10 }) as { t: number[]; totalSamples: number };
    expect(s).toMatchObject({ totalSamples: 3, t: [T0, T0 + 5, T0 + 6] });
  });

  it('mixed: rows rolled up, then chunks appended, read incrementally; ties follow the order', () => {
    write(1, 'rows', 0, 9_000);
    write(6, 'rows', 0, 5_000);
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 5_000, processed: 5_000 } });
    write(6, 'chunks', 5_000, 9_000);
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_000, processed: 4_000 } });
    expect(db.prepare('SELECT last_sample_id, last_chunk_id IS NOT NULL AS chunk FROM telemetry_rollup_state WHERE run_id = 6').get()).toEqual({ last_sample_id: -1, chunk: 1 });
    refreshTelemetryRollups(db, 6, 1);
    for (const gpu of [0, 1]) refreshTelemetryRollups(db, 1, gpu);
    expect(rollups(6)).toEqual(rollups(1));

    const last = T0 + 8_999 * 100;
    // A chunk sample at the last time read sorts after it (chunks come after rows and older chunks): appended.
    write(6, 'chunks', 0, 1, { time: () => last });
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_001, processed: 1 } });
    // A row at that time sorts before the chunk samples there: the rollups are rebuilt.
    write(6, 'rows', 0, 1, { time: () => last });
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_002, processed: 9_002 } });
    // Rows after rows at an equal time (last read = a row) append; so do later chunks.
    write(6, 'rows', 0, 1, { time: () => last + 100 });
    write(6, 'rows', 1, 2, { time: () => last + 100 });
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_004, processed: 2 } });
    write(6, 'rows', 2, 3, { time: () => last + 100 });
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_005, processed: 1 } });
    write(6, 'chunks', 3, 4, { time: () => last + 100 });
    expect(refreshTelemetryRollups(db, 6, 0)).toMatchObject({ ok: true, value: { samples: 9_006, processed: 1 } });
    refreshTelemetryRollups(db, 6, 1);
    const incremental = rollups(6);
    expect(rebuildFromScratch(6)).toEqual(incremental);
  });

  it('random appends in both layouts: every incremental refresh equals a rebuild from scratch', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let t = T0;
    let i = 0;
    for (let step = 0; step < 60; step++) {
      const n = 1 + Math.floor(rand() * 400);
      const layout: TelemetryLayout = rand() < 0.5 ? 'rows' : 'chunks';
      const jitter = rand() < 0.15 ? -Math.floor(rand() * 5_000) : 0; // sometimes late, sometimes tied
      const base = t + jitter;
      write(3, layout, i, i + n, { time: (k) => base + (k - i) * 10 * Math.floor(rand() * 2) });
      t = Math.max(t, base + n * 10);
      i += n;
      for (const gpu of [0, 1]) {
        const r = refreshTelemetryRollups(db, 3, gpu);
        expect(r.ok && r.value.samples).toBe(countStoredSamples(db, { runId: 3, gpuIndex: gpu }));
      }
      if (step % 10 === 9) {
        const incremental = rollups(3);
        expect(rebuildFromScratch(3)).toEqual(incremental);
      }
    }
    expect(readAll(3, 0)).toEqual(bruteForce(3, 0));
  });
});

describe('prepareRunTimelines (run end)', () => {
  it('builds the rollups of every GPU of a run in either layout, so the first timeline query reads no samples', () => {
    write(1, 'rows', 0, 3_000);
    write(2, 'chunks', 0, 3_000);
    write(6, 'chunks', 0, 10); // another run: left alone
    for (const run of [1, 2]) {
      expect(prepareRunTimelines(db, run)).toEqual({ ok: true, value: { gpus: 2, samples: 6_000 } });
      for (const gpu of [0, 1]) expect(refreshTelemetryRollups(db, run, gpu)).toEqual({ ok: true, value: { samples: 3_000, processed: 0 } });
    }
    expect(db.prepare('SELECT COUNT(*) FROM telemetry_rollups WHERE run_id = 6').pluck().get()).toBe(0);
    expect(prepareRunTimelines(db, 5)).toEqual({ ok: true, value: { gpus: 0, samples: 0 } });
  });
});
