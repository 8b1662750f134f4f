import { z } from 'zod';

/**
 * llem ExperimentResult, schema 2.0 (llem contract §6), as the importer accepts it.
 *
 * Lenient on purpose: llem's own model forbids unknown keys, but files from other llem versions may
 * carry more or fewer fields, so unknown keys pass through (kept in `extra_json` / `raw_json`) and
 * fields llem always writes but we never need are optional. What we turn into columns is typed
 * strictly, so a wrong type is an error naming the field instead of garbage in a column.
 * Pydantic writes non-finite floats as null (§6.3), hence every float metric is nullable.
 */

const num = z.number().nullable().optional();
const int = z.number().int().nullable().optional();
const str = z.string().nullable().optional();
const bool = z.boolean().nullable().optional();

/** Naive local (`2026-03-13T14:21:11.145237`) or zoned ISO 8601; checked by parseLlemDateTime. */
export const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const dateTime = z.string().regex(ISO_DATETIME, 'expected an ISO 8601 date-time such as 2026-03-13T14:21:11.145237');

export const EnergyBreakdownSchema = z.looseObject({
  raw_j: num,
  adjusted_j: num,
  baseline_power_w: num,
  baseline_method: str,
  baseline_timestamp: str,
  baseline_cache_age_sec: num,
});

export const GpuInfoSchema = z.looseObject({
  name: str,
  vram_total_mb: num,
  compute_capability: str,
  pcie_gen: int,
  mig_enabled: bool,
});

export const EnvironmentSnapshotSchema = z.looseObject({
  hardware: z
    .looseObject({
      gpu: GpuInfoSchema.nullable().optional(),
      cuda: z.looseObject({ version: str, driver_version: str, cudnn_version: str }).nullable().optional(),
      thermal: z
        .looseObject({ temperature_c: num, power_limit_w: num, default_power_limit_w: num, fan_speed_pct: num })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  python_version: str,
  tool_version: str,
  cuda_version: str,
});

export const ThermalThrottleSchema = z.looseObject({
  detected: bool,
  thermal: bool,
  power: bool,
  sw_thermal: bool,
  hw_thermal: bool,
  hw_power: bool,
  throttle_duration_sec: num,
  max_temperature_c: num,
  throttle_timestamps: z.array(z.number().nullable()).nullable().optional(),
});

export const WarmupResultSchema = z.looseObject({
  converged: bool,
  final_cv: num,
  iterations_completed: int,
  target_cv: num,
  max_prompts: int,
  thermal_floor_wait_s: num,
});

export const LatencyStatsSchema = z.looseObject({
  ttft_mean_ms: num,
  ttft_median_ms: num,
  ttft_p95_ms: num,
  ttft_p99_ms: num,
  ttft_samples: int,
  itl_mean_ms: num,
  itl_median_ms: num,
  itl_p95_ms: num,
  itl_p99_ms: num,
  itl_samples: int,
});

export const MultiGpuSchema = z.looseObject({
  num_gpus: z.number().int().positive().nullable().optional(),
  energy_per_gpu_j: z.array(z.number().nullable()).nullable().optional(),
  energy_total_j: num,
  energy_per_output_token_j: num,
});

export const ExtendedMetricsSchema = z.looseObject({
  tpot_ms: num,
  token_efficiency_index: num,
  memory: z
    .looseObject({ total_vram_mb: num, model_memory_mb: num, peak_memory_mb: num, inference_memory_mb: num })
    .nullable()
    .optional(),
  request_latency: z.looseObject({ e2e_latency_mean_ms: num, e2e_latency_samples: int }).nullable().optional(),
});

/** The parts of `effective_config` (§3.2) that become columns; the rest passes through untouched. */
export const EffectiveConfigSchema = z.looseObject({
  model: z.string().min(1),
  backend: str,
  n: int,
  precision: str,
  max_input_tokens: int,
  max_output_tokens: int,
  output_dir: str,
  pytorch: z.looseObject({ batch_size: int }).nullable().optional(),
  vllm: z
    .looseObject({ engine: z.looseObject({ max_num_seqs: int }).nullable().optional() })
    .nullable()
    .optional(),
});

/** Run totals both llem layouts (schema 2.0 here, the PyPI release's bundle in llemBundle.ts) write alike. */
export const RUN_TOTAL_FIELDS = {
  total_energy_j: num,
  total_inference_time_sec: num,
  avg_tokens_per_second: num,
  avg_energy_per_token_j: num,
  total_flops: num,
  flops_per_output_token: num,
  flops_per_input_token: num,
  flops_per_second: num,
  energy_adjusted_j: num,
  energy_per_device_j: z.array(z.number().nullable()).nullable().optional(),
  energy_breakdown: EnergyBreakdownSchema.nullable().optional(),
  multi_gpu: MultiGpuSchema.nullable().optional(),
  measurement_warnings: z.array(z.string()).nullable().optional(),
};

export const LlemResultSchema = z.looseObject({
  schema_version: z.string().regex(/^2(\.\d+)*$/, 'only llem result schema 2.x is supported'),
  experiment_id: z.string().min(1).max(1000),
  measurement_config_hash: z.string().min(1).max(128),
  backend: z.string().min(1).max(100),
  backend_version: str,
  measurement_methodology: str,
  total_tokens: z.number().int().nonnegative(),
  ...RUN_TOTAL_FIELDS,
  baseline_power_w: num,
  environment_snapshot: EnvironmentSnapshotSchema.nullable().optional(),
  warmup_excluded_samples: int,
  reproducibility_notes: str,
  timeseries: z.string().min(1).nullable().optional(),
  start_time: dateTime,
  end_time: dateTime,
  effective_config: EffectiveConfigSchema,
  process_results: z.array(z.unknown()).nullable().optional(),
  aggregation: z.unknown().optional(),
  thermal_throttle: ThermalThrottleSchema.nullable().optional(),
  warmup_result: WarmupResultSchema.nullable().optional(),
  latency_stats: LatencyStatsSchema.nullable().optional(),
  extended_metrics: ExtendedMetricsSchema.nullable().optional(),
});

export type LlemResult = z.infer<typeof LlemResultSchema>;

/** Top-level keys of schema 2.0; anything else is "unknown" and kept in `extra_json`. */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'schema_version', 'experiment_id', 'measurement_config_hash', 'backend', 'backend_version',
  'measurement_methodology', 'steady_state_window', 'total_tokens', 'total_energy_j',
  'total_inference_time_sec', 'avg_tokens_per_second', 'avg_energy_per_token_j', 'total_flops',
  'flops_per_output_token', 'flops_per_input_token', 'flops_per_second', 'baseline_power_w',
  'energy_adjusted_j', 'energy_per_device_j', 'energy_breakdown', 'multi_gpu', 'environment_snapshot',
  'measurement_warnings', 'warmup_excluded_samples', 'reproducibility_notes', 'timeseries', 'start_time',
  'end_time', 'effective_config', 'process_results', 'aggregation', 'thermal_throttle', 'warmup_result',
  'latency_stats', 'extended_metrics',
]);
