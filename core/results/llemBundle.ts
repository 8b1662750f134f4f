import { z } from 'zod';
import { ExtendedMetricsSchema, ISO_DATETIME, LatencyStatsSchema, RUN_TOTAL_FIELDS, WarmupResultSchema } from './llemResultSchema';

/**
 * llem's per-experiment "bundle" (bundle_version 2.x), what the PyPI release `llenergymeasure` 0.7.0
 * writes instead of the contract's schema-2.0 result (docs/llem-pypi-release.md):
 *
 *     <output>/study_<time>/[NNN_]c<cycle>_<model>-<engine>_<hash8>/
 *         result.json   metrics (this schema), `declared_config_hash`, no config
 *         config.json   the declared config in full (`declared_config`), engine version, methodology
 *         system.json   GPU, driver, CUDA
 *         timeseries.parquet  1 Hz GPU samples (when an energy sampler ran)
 *
 * Lenient like the schema-2.0 reader: unknown keys pass through, and only what becomes a column is typed.
 */

const num = z.number().nullable().optional();
const int = z.number().int().nullable().optional();
const str = z.string().nullable().optional();
const bool = z.boolean().nullable().optional();
const dateTime = z.string().regex(ISO_DATETIME, 'expected an ISO 8601 date-time such as 2026-03-13T14:21:11.145237');
const hwSw = z.looseObject({ hw: bool, sw: bool, any: bool }).nullable().optional();

export const BundleResultSchema = z.looseObject({
  bundle_version: z.string().regex(/^2(\.\d+)*$/, 'only llem bundle 2.x is supported'),
  experiment_id: z.string().min(1).max(1000),
  declared_config_hash: z.string().min(1).max(128),
  llenergymeasure_version: str,
  serving_mode: str,
  engine: z.string().min(1).max(100),
  model_name: z.string().min(1).max(1000),
  input_tokens: int,
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().nullable().optional(),
  ...RUN_TOTAL_FIELDS,
  timeseries: z.string().min(1).nullable().optional(),
  start_time: dateTime,
  end_time: dateTime,
  throttle: z
    .looseObject({ thermal: hwSw, power: hwSw, throttle_duration_sec: num, max_temperature_c: num, detected: bool })
    .nullable()
    .optional(),
  warmup_result: WarmupResultSchema.nullable().optional(),
  latency_stats: LatencyStatsSchema.nullable().optional(),
  extended_metrics: ExtendedMetricsSchema.nullable().optional(),
});
export type BundleResult = z.infer<typeof BundleResultSchema>;

/** `config.json` beside the result: the only place the declared config is kept in full. */
export const BundleConfigSidecarSchema = z.looseObject({
  bundle_version: str,
  declared_config_hash: z.string().min(1).max(128),
  engine: str,
  engine_version: str,
  model_name: str,
  measurement_methodology: str,
  observed_engine_params: z.record(z.string(), z.unknown()).nullable().optional(),
  declared_config: z.record(z.string(), z.unknown()),
});
export type BundleConfigSidecar = z.infer<typeof BundleConfigSidecarSchema>;

/** `system.json` beside the result: the hardware the run saw. */
export const BundleSystemSchema = z.looseObject({
  declared_config_hash: str,
  tool_version: str,
  cuda_version: str,
  hardware: z
    .looseObject({
      gpu: z.looseObject({ name: str, vram_total_mb: num, compute_capability: str }).nullable().optional(),
      cuda: z.looseObject({ driver_version: str }).nullable().optional(),
      thermal: z.looseObject({ power_limit_w: num }).nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type BundleSystem = z.infer<typeof BundleSystemSchema>;

export const BUNDLE_CONFIG_FILE = 'config.json';
export const BUNDLE_SYSTEM_FILE = 'system.json';

/**
 * A bundle result is told apart by its keys, not its file name: `bundle_version` + `declared_config_hash` +
 * measured tokens. The sidecars carry the first two but never `output_tokens`.
 */
export function isBundleResult(value: Record<string, unknown>): boolean {
  return 'bundle_version' in value && 'declared_config_hash' in value && 'output_tokens' in value && !('schema_version' in value);
}

/** config.json / system.json of a bundle (kept out of folder imports as results). */
export function isBundleSidecar(value: Record<string, unknown>): boolean {
  return 'bundle_version' in value && 'declared_config_hash' in value && !('output_tokens' in value);
}

/**
 * llem writes `total_energy_j: 0.0` when no energy sampler ran, and says so with this warning; that zero is
 * "no measurement", and stored as one it would top every efficiency chart.
 */
export const ENERGY_UNAVAILABLE_WARNING = 'energy_measurement_unavailable';

/** The declared config's engine section (`transformers` / `vllm` / `tensorrt`), when it is a mapping. */
export function engineSection(declared: Record<string, unknown>, engine: string): Record<string, unknown> | null {
  const section = declared[engine];
  return isRecord(section) ? section : null;
}

/** Precision as the engine was asked for it (`engine_params.dtype`), else as observed after loading. */
export function bundlePrecision(declared: Record<string, unknown> | null, sidecar: BundleConfigSidecar | null, engine: string): string | null {
  const params = declared ? engineSection(declared, engine)?.engine_params : undefined;
  const asked = isRecord(params) && typeof params.dtype === 'string' && params.dtype !== 'auto' ? params.dtype : null;
  if (asked) return asked;
  const observed = sidecar?.observed_engine_params?.dtype;
  return typeof observed === 'string' ? observed.replace(/^torch\./, '') : null;
}

/** transformers: `llem_execution.batch_size`; vLLM: `engine_params.max_num_seqs` (its batch bound). */
export function bundleBatchSize(declared: Record<string, unknown> | null, engine: string): number | null {
  const section = declared ? engineSection(declared, engine) : null;
  if (!section) return null;
  const exec = section.llem_execution;
  if (isRecord(exec) && Number.isInteger(exec.batch_size)) return exec.batch_size as number;
  const params = section.engine_params;
  if (isRecord(params) && Number.isInteger(params.max_num_seqs)) return params.max_num_seqs as number;
  return null;
}

export function taskField(declared: Record<string, unknown> | null, ...keys: string[]): unknown {
  let v: unknown = declared?.task;
  for (const k of keys) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
