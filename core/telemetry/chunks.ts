import type { TelemetryPhase, TelemetrySample } from '../../contract/telemetry';

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
  // One pass with fixed property names (column order as WIDE / NARROW): the writer's hot loop, run for every
  // sample; a loop per column with a computed key was several times slower.
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    wide[i] = x.tMs ?? NaN;
    wide[n + i] = x.energyMj ?? NaN;
    wide[2 * n + i] = x.throttleReasons ?? NaN;
    narrow[i] = x.powerW ?? NaN;
    narrow[n + i] = x.temperatureC ?? NaN;
    narrow[2 * n + i] = x.smUtilPct ?? NaN;
    narrow[3 * n + i] = x.memoryUsedMb ?? NaN;
    narrow[4 * n + i] = x.memoryTotalMb ?? NaN;
    narrow[5 * n + i] = x.smClockMhz ?? NaN;
    narrow[6 * n + i] = x.memClockMhz ?? NaN;
    flags[i] = x.powerInstant ? 1 : 0;
  }
  return Buffer.from(buf);
}

/** The stored columns of a chunk (telemetry_samples' column names), each a view into one decoded blob. */
export type ChunkColumn =
  | 't_ms'
  | 'energy_mj'
  | 'throttle_reasons'
  | 'power_w'
  | 'temperature_c'
  | 'sm_util_pct'
  | 'memory_used_mb'
  | 'memory_total_mb'
  | 'sm_clock_mhz'
  | 'mem_clock_mhz';
/** The measurements besides t_ms, in telemetry_samples' column order: what a reader may ask for (storedSamples.ts), what the rows layout writes (writer.ts). */
export type SampleColumn = Exclude<ChunkColumn, 't_ms'>;
export const SAMPLE_COLUMNS: readonly SampleColumn[] = [
  'power_w',
  'energy_mj',
  'temperature_c',
  'sm_util_pct',
  'memory_used_mb',
  'memory_total_mb',
  'sm_clock_mhz',
  'mem_clock_mhz',
  'throttle_reasons',
];
const WIDE_COLUMNS: readonly ChunkColumn[] = ['t_ms', 'energy_mj', 'throttle_reasons'];
const NARROW_COLUMNS: readonly ChunkColumn[] = ['power_w', 'temperature_c', 'sm_util_pct', 'memory_used_mb', 'memory_total_mb', 'sm_clock_mhz', 'mem_clock_mhz'];

export interface ChunkColumns {
  n: number;
  /** NaN = null. Float32 for the narrow columns (their stored precision). */
  column(name: ChunkColumn): Float64Array | Float32Array;
  /** power_instant, 1/0. */
  instant: Uint8Array;
}

/**
 * Column views of a chunk blob without building one object per sample (what the series and rollups read).
 * The blob is copied once into a fresh, aligned buffer: a Buffer from SQLite may start at any offset.
 */
export function decodeChunkColumns(data: Uint8Array, n: number): ChunkColumns {
  if (data.byteLength !== chunkByteLength(n)) {
    throw new Error(`telemetry chunk has ${data.byteLength} bytes, expected ${chunkByteLength(n)} for ${n} samples`);
  }
  const buf = new ArrayBuffer(data.byteLength);
  new Uint8Array(buf).set(data);
  const narrowAt = WIDE.length * 8 * n;
  return {
    n,
    column(name) {
      const w = WIDE_COLUMNS.indexOf(name);
      if (w >= 0) return new Float64Array(buf, w * 8 * n, n);
      const k = NARROW_COLUMNS.indexOf(name);
      return new Float32Array(buf, narrowAt + k * 4 * n, n);
    },
    instant: new Uint8Array(buf, (WIDE.length * 8 + NARROW.length * 4) * n, n),
  };
}

export function decodeChunk(data: Uint8Array, n: number, gpuIndex: number): TelemetrySample[] {
  const c = decodeChunkColumns(data, n);
  const cols = [...WIDE_COLUMNS, ...NARROW_COLUMNS].map((name) => c.column(name));
  const v = (col: number, i: number): number | null => {
    const x = cols[col]![i]!;
    return Number.isNaN(x) ? null : x;
  };
  const out: TelemetrySample[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      gpuIndex,
      tMs: v(0, i) ?? 0,
      powerW: v(3, i),
      powerInstant: c.instant[i] === 1,
      energyMj: v(1, i),
      temperatureC: v(4, i),
      smUtilPct: v(5, i),
      memoryUsedMb: v(6, i),
      memoryTotalMb: v(7, i),
      smClockMhz: v(8, i),
      memClockMhz: v(9, i),
      throttleReasons: v(2, i),
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
