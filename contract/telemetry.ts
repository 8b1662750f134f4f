import { z } from 'zod';

/**
 * GPU telemetry the app samples itself (independently of llem's own 1 Hz parquet): what the sampler
 * emits, what subscribers (the UI, the CLI power line) receive, and the replay file format used by
 * tests and the demo. Units are in the field names; null = the GPU/driver does not report it.
 */

export const TelemetrySourceKindSchema = z.enum(['nvml', 'nvidia-smi', 'replay', 'off']);
export type TelemetrySourceKind = z.infer<typeof TelemetrySourceKindSchema>;

/** Where in a run a sample was taken; `idle` = no run active (gaps, between runs). */
export const TelemetryPhaseSchema = z.enum([
  'idle',
  'gap',
  'starting',
  'baseline',
  'loading',
  'warmup',
  'thermal_wait',
  'measuring',
  'done',
]);
export type TelemetryPhase = z.infer<typeof TelemetryPhaseSchema>;

const nullableNumber = z.number().finite().nullable();

export const TelemetrySampleSchema = z.object({
  gpuIndex: z.number().int().nonnegative(),
  /** Unix epoch milliseconds when the sample was read. */
  tMs: z.number().int().nonnegative(),
  /** Board power in W: the instantaneous reading where the GPU offers one, else NVML's (1 s averaged) power. */
  powerW: nullableNumber,
  /** True when `powerW` is the instantaneous field (NVML_FI_DEV_POWER_INSTANT / power.draw.instant). */
  powerInstant: z.boolean(),
  /** Total-energy counter since driver load, millijoules (Volta and newer via NVML; null from nvidia-smi). */
  energyMj: nullableNumber,
  temperatureC: nullableNumber,
  smUtilPct: nullableNumber,
  memoryUsedMb: nullableNumber,
  memoryTotalMb: nullableNumber,
  smClockMhz: nullableNumber,
  memClockMhz: nullableNumber,
  /** NVML clocks-event (throttle) reasons bit mask. */
  throttleReasons: z.number().int().nonnegative().nullable(),
});
export type TelemetrySample = z.infer<typeof TelemetrySampleSchema>;

export const TelemetryGpuSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  /** NVML's `GPU-…` UUID (the same device whatever CUDA_VISIBLE_DEVICES renumbers); absent from nvidia-smi/replay sources. */
  uuid: z.string().nullable().optional(),
});
export type TelemetryGpu = z.infer<typeof TelemetryGpuSchema>;

/** One coalesced update for subscribers: the newest sample of every GPU at display rate. */
export const TelemetryFrameSchema = z.object({
  source: TelemetrySourceKindSchema,
  runId: z.number().int().nullable(),
  phase: TelemetryPhaseSchema,
  /** Newest sample per GPU since the previous frame (GPUs without a new sample are left out). */
  samples: z.array(TelemetrySampleSchema),
  /** How many raw samples this frame stands for (> samples.length when coalescing dropped some). */
  coalesced: z.number().int().nonnegative(),
});
export type TelemetryFrame = z.infer<typeof TelemetryFrameSchema>;

/** Energy of one run (one attempt) on one GPU, computed three ways; differences are derived. */
export const RunEnergySchema = z.object({
  runId: z.number().int(),
  attempt: z.number().int().positive(),
  gpuIndex: z.number().int().nonnegative(),
  /** `run` = whole process lifetime; `measuring` = llem's measured window as seen in its log. */
  window: z.enum(['run', 'measuring']),
  /** Energy from the total-energy counter, J (null without a counter); `counterMethod` says how it was made. */
  counterJ: nullableNumber,
  /**
   * `counter`: read on every sample of the window (last − first); `counter_bridged`: read at 1 Hz and at phase
   * boundaries, the edges after/before the outermost readings integrated from 10 Hz power (`bridgeJ` of it).
   * Absent on figures stored before migration 008 (they are all `counter`).
   */
  counterMethod: z.enum(['counter', 'counter_bridged']).nullable().optional(),
  /** The part of `counterJ` that is integrated power (edges, counter resets), J. */
  bridgeJ: nullableNumber.optional(),
  /** Samples of the window that carried a counter reading. */
  counterReads: z.number().int().nonnegative().optional(),
  /** NVML UUID of the GPU (null when unknown). */
  gpuUuid: z.string().nullable().optional(),
  /** Trapezoidal integral of power over the samples, J (null with < 2 power samples). */
  integratedJ: nullableNumber,
  /** llem's `total_energy_j` (only on GPU 0 and window `measuring`, the window llem measures). */
  llemJ: nullableNumber,
  sampleCount: z.number().int().nonnegative(),
  startMs: z.number().int().nullable(),
  endMs: z.number().int().nullable(),
});
export type RunEnergy = z.infer<typeof RunEnergySchema>;

/**
 * Replay file (JSON Lines): an optional header line, then one sample per line with `tMs` relative to
 * the start of the recording. Replayed in real time, looping; counters keep increasing across loops.
 */
export const REPLAY_FORMAT = 'llem-studio-telemetry-replay';
export const ReplayHeaderSchema = z.object({
  format: z.literal(REPLAY_FORMAT),
  version: z.literal(1),
  /** Free text: where the recording came from (a real GPU, or "synthetic" for generated test data). */
  origin: z.string(),
  gpus: z.array(TelemetryGpuSchema).min(1),
});
export type ReplayHeader = z.infer<typeof ReplayHeaderSchema>;
export const ReplayLineSchema = TelemetrySampleSchema.extend({
  tMs: z.number().int().nonnegative(),
}).partial({
  powerInstant: true,
  energyMj: true,
  temperatureC: true,
  smUtilPct: true,
  memoryUsedMb: true,
  memoryTotalMb: true,
  smClockMhz: true,
  memClockMhz: true,
  throttleReasons: true,
});
export type ReplayLine = z.infer<typeof ReplayLineSchema>;
