import type { TelemetryPhase, TelemetrySample } from '../../contract/telemetry';
import type { Db } from '../store/database';

/**
 * Column-wise encoding of samples of one GPU (table telemetry_chunks, migration 003). Format 1, column-major,
 * little-endian, NaN = null:
 *   float64 × n each: t_ms, energy_mj, throttle_reasons   (need more than float32's 24-bit mantissa)
 *   float32 × n each: power_w, temperature_c, sm_util_pct, memory_used_mb, memory_total_mb, sm_clock_mhz, mem_clock_mhz
 *   uint8   × n:      power_instant (1/0)
 * = 53 bytes per sample. float32 keeps ~7 significant digits: NVML reports power in mW and the rest as integers,
 * so nothing the GPU said is lost; halving the bytes is what keeps 1M samples under a second.
 */
export const CHUNK_FORMAT = 1;

type Wide = 'tMs' | 'energyMj' | 'throttleReasons';
type Narrow = 'powerW' | 'temperatureC' | 'smUtilPct' | 'memoryUsedMb' | 'memoryTotalMb' | 'smClockMhz' | 'memClockMhz';
const WIDE: readonly Wide[] = ['tMs', 'energyMj', 'throttleReasons'];
const NARROW: readonly Narrow[] = ['powerW', 'temperatureC', 'smUtilPct', 'memoryUsedMb', 'memoryTotalMb', 'smClockMhz', 'memClockMhz'];
const BYTES_PER_SAMPLE = WIDE.length * 8 + NARROW.length * 4 + 1;

export function chunkByteLength(n: number): number {
  return n * BYTES_PER_SAMPLE;
}

export function encodeChunk(samples: readonly TelemetrySample[]): Buffer {
  const n = samples.length;
  const buf = new ArrayBuffer(chunkByteLength(n));
  const wide = new Float64Array(buf, 0, WIDE.length * n);
  const narrow = new Float32Array(buf, WIDE.length * 8 * n, NARROW.length * n);
  const flags = new Uint8Array(buf, (WIDE.length * 8 + NARROW.length * 4) * n, n);
  for (let c = 0; c < WIDE.length; c++) {
    const key = WIDE[c]!;
    for (let i = 0; i < n; i++) {
      const v = samples[i]![key];
      wide[c * n + i] = v === null ? NaN : v;
    }
  }
  for (let c = 0; c < NARROW.length; c++) {
    const key = NARROW[c]!;
    for (let i = 0; i < n; i++) {
      const v = samples[i]![key];
      narrow[c * n + i] = v === null ? NaN : v;
    }
  }
  for (let i = 0; i < n; i++) flags[i] = samples[i]!.powerInstant ? 1 : 0;
  return Buffer.from(buf);
}

export function decodeChunk(data: Uint8Array, n: number, gpuIndex: number): TelemetrySample[] {
  if (data.byteLength !== chunkByteLength(n)) {
    throw new Error(`telemetry chunk has ${data.byteLength} bytes, expected ${chunkByteLength(n)} for ${n} samples`);
  }
  // Copy into a fresh, aligned buffer (a Buffer from SQLite may start at any offset).
  const buf = new ArrayBuffer(data.byteLength);
  new Uint8Array(buf).set(data);
  const wide = new Float64Array(buf, 0, WIDE.length * n);
  const narrow = new Float32Array(buf, WIDE.length * 8 * n, NARROW.length * n);
  const flags = new Uint8Array(buf, (WIDE.length * 8 + NARROW.length * 4) * n, n);
  const w = (c: number, i: number): number | null => {
    const v = wide[c * n + i]!;
    return Number.isNaN(v) ? null : v;
  };
  const f = (c: number, i: number): number | null => {
    const v = narrow[c * n + i]!;
    return Number.isNaN(v) ? null : v;
  };
  const out: TelemetrySample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      gpuIndex,
      tMs: w(0, i) ?? 0,
      powerW: f(0, i),
      powerInstant: flags[i] === 1,
      energyMj: w(1, i),
      temperatureC: f(1, i),
      smUtilPct: f(2, i),
      memoryUsedMb: f(3, i),
      memoryTotalMb: f(4, i),
      smClockMhz: f(5, i),
      memClockMhz: f(6, i),
      throttleReasons: w(2, i),
    };
  }
  return out;
}

export interface StoredSample {
  sample: TelemetrySample;
  runId: number | null;
  attempt: number | null;
  phase: TelemetryPhase;
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
