import type { HashCheck } from './configHash';
import {
  bundleBatchSize, bundlePrecision, ENERGY_UNAVAILABLE_WARNING, taskField, type BundleConfigSidecar, type BundleResult, type BundleSystem,
} from './llemBundle';
import type { LlemResult } from './llemResultSchema';
import type { ParsedLlemResult } from './parseLlemResult';
import { durationSeconds, parseLlemDateTime } from './time';

/** One `results` row as written (column name → value); see docs/schema.md. */
export interface ResultColumns {
  run_id: number | null;
  source: 'measured' | 'imported';
  file_sha256: string;
  source_path: string | null;
  imported_at: string;
  schema_version: string;
  llem_version: string | null;
  experiment_id: string;
  measurement_config_hash: string;
  recomputed_config_hash: string | null;
  hash_verified: 0 | 1 | null;
  identity_hash: string | null;
  model: string;
  backend: string;
  precision: string | null;
  n_prompts: number | null;
  max_input_tokens: number | null;
  max_output_tokens: number | null;
  batch_size: number | null;
  measurement_methodology: string | null;
  start_time: string;
  end_time: string;
  start_time_ms: number | null;
  end_time_ms: number | null;
  duration_sec: number | null;
  total_tokens: number;
  output_tokens: number | null;
  total_energy_j: number | null;
  energy_adjusted_j: number | null;
  baseline_power_w: number | null;
  baseline_method: string | null;
  baseline_timestamp: string | null;
  baseline_cache_age_sec: number | null;
  total_inference_time_sec: number | null;
  avg_tokens_per_second: number | null;
  avg_energy_per_token_j: number | null;
  total_flops: number | null;
  flops_per_output_token: number | null;
  flops_per_input_token: number | null;
  flops_per_second: number | null;
  num_gpus: number | null;
  energy_per_gpu_json: string | null;
  gpu_name: string | null;
  gpu_vram_total_mb: number | null;
  gpu_compute_capability: string | null;
  cuda_version: string | null;
  driver_version: string | null;
  power_limit_w: number | null;
  throttle_detected: 0 | 1 | null;
  throttle_thermal: 0 | 1 | null;
  throttle_power: 0 | 1 | null;
  throttle_duration_sec: number | null;
  max_temperature_c: number | null;
  warmup_converged: 0 | 1 | null;
  warmup_final_cv: number | null;
  warmup_iterations: number | null;
  ttft_mean_ms: number | null;
  ttft_p95_ms: number | null;
  itl_mean_ms: number | null;
  itl_p99_ms: number | null;
  tpot_ms: number | null;
  e2e_latency_mean_ms: number | null;
  model_memory_mb: number | null;
  peak_memory_mb: number | null;
  inference_memory_mb: number | null;
  warning_count: number;
  timeseries_file: string | null;
  timeseries_status: 'none' | 'imported' | 'missing' | 'unreadable';
  timeseries_note: string | null;
  effective_config_json: string;
  extra_json: string | null;
  raw_json: string;
}

export const RESULT_COLUMN_NAMES = [
  'run_id', 'source', 'file_sha256', 'source_path', 'imported_at', 'schema_version', 'llem_version', 'experiment_id',
  'measurement_config_hash', 'recomputed_config_hash', 'hash_verified', 'identity_hash', 'model', 'backend', 'precision',
  'n_prompts', 'max_input_tokens', 'max_output_tokens', 'batch_size', 'measurement_methodology', 'start_time', 'end_time',
  'start_time_ms', 'end_time_ms', 'duration_sec', 'total_tokens', 'output_tokens', 'total_energy_j', 'energy_adjusted_j',
  'baseline_power_w', 'baseline_method', 'baseline_timestamp', 'baseline_cache_age_sec', 'total_inference_time_sec',
  'avg_tokens_per_second', 'avg_energy_per_token_j', 'total_flops', 'flops_per_output_token', 'flops_per_input_token',
  'flops_per_second', 'num_gpus', 'energy_per_gpu_json', 'gpu_name', 'gpu_vram_total_mb', 'gpu_compute_capability',
  'cuda_version', 'driver_version', 'power_limit_w', 'throttle_detected', 'throttle_thermal', 'throttle_power',
  'throttle_duration_sec', 'max_temperature_c', 'warmup_converged', 'warmup_final_cv', 'warmup_iterations', 'ttft_mean_ms',
  'ttft_p95_ms', 'itl_mean_ms', 'itl_p99_ms', 'tpot_ms', 'e2e_latency_mean_ms', 'model_memory_mb', 'peak_memory_mb',
  'inference_memory_mb', 'warning_count', 'timeseries_file', 'timeseries_status', 'timeseries_note',
  'effective_config_json', 'extra_json', 'raw_json',
] as const satisfies readonly (keyof ResultColumns)[];

export interface ResultProvenance {
  runId: number | null;
  sha256: string;
  sourcePath: string | null;
  importedAt: string;
  rawText: string;
  effectiveConfigText: string;
  hash: HashCheck;
}

/** measurement_warnings → (code, text): code is the text before the first `:` (§8.6). */
export function splitWarning(text: string): { code: string; text: string } {
  const colon = text.indexOf(':');
  const code = colon > 0 ? text.slice(0, colon).trim() : '';
  return { code: code === '' ? 'other' : code, text };
}

export function toResultColumns(parsed: ParsedLlemResult, p: ResultProvenance): ResultColumns {
  const r = parsed.result;
  const cfg = r.effective_config;
  const eb = r.energy_breakdown ?? null;
  const env = r.environment_snapshot ?? null;
  const hw = env?.hardware ?? null;
  const tt = r.thermal_throttle ?? null;
  return {
    ...sharedColumns(r, p, parsed.extra),
    schema_version: r.schema_version,
    llem_version: env?.tool_version ?? null,
    experiment_id: r.experiment_id,
    measurement_config_hash: r.measurement_config_hash,
    model: cfg.model,
    backend: r.backend,
    precision: cfg.precision ?? null,
    n_prompts: cfg.n ?? null,
    max_input_tokens: cfg.max_input_tokens ?? null,
    max_output_tokens: cfg.max_output_tokens ?? null,
    batch_size: cfg.pytorch?.batch_size ?? cfg.vllm?.engine?.max_num_seqs ?? null,
    measurement_methodology: r.measurement_methodology ?? null,
    total_tokens: r.total_tokens,
    output_tokens: deriveOutputTokens(r),
    total_energy_j: r.total_energy_j ?? null,
    energy_adjusted_j: r.energy_adjusted_j ?? eb?.adjusted_j ?? null,
    baseline_power_w: r.baseline_power_w ?? eb?.baseline_power_w ?? null,
    avg_energy_per_token_j: r.avg_energy_per_token_j ?? null,
    gpu_name: hw?.gpu?.name ?? null,
    gpu_vram_total_mb: hw?.gpu?.vram_total_mb ?? null,
    gpu_compute_capability: hw?.gpu?.compute_capability ?? null,
    cuda_version: env?.cuda_version ?? hw?.cuda?.version ?? null,
    driver_version: hw?.cuda?.driver_version ?? null,
    power_limit_w: hw?.thermal?.power_limit_w ?? null,
    throttle_detected: bit(tt?.detected),
    throttle_thermal: tt ? anyBit(tt.thermal, tt.sw_thermal, tt.hw_thermal) : null,
    throttle_power: tt ? anyBit(tt.power, tt.hw_power) : null,
    throttle_duration_sec: tt?.throttle_duration_sec ?? null,
    max_temperature_c: tt?.max_temperature_c ?? null,
  };
}

/** The fields both llem layouts write under the same names (BundleResult and LlemResult each have them). */
type SharedFields = Pick<
  LlemResult & BundleResult,
  | 'start_time' | 'end_time' | 'total_inference_time_sec' | 'avg_tokens_per_second' | 'total_flops' | 'flops_per_output_token'
  | 'flops_per_input_token' | 'flops_per_second' | 'energy_per_device_j' | 'measurement_warnings' | 'timeseries'
> & {
  energy_breakdown?: { baseline_method?: string | null; baseline_timestamp?: string | null; baseline_cache_age_sec?: number | null } | null;
  multi_gpu?: { num_gpus?: number | null; energy_per_gpu_j?: (number | null)[] | null } | null;
  warmup_result?: { converged?: boolean | null; final_cv?: number | null; iterations_completed?: number | null } | null;
  latency_stats?: { ttft_mean_ms?: number | null; ttft_p95_ms?: number | null; itl_mean_ms?: number | null; itl_p99_ms?: number | null } | null;
  extended_metrics?: {
    tpot_ms?: number | null;
    memory?: { model_memory_mb?: number | null; peak_memory_mb?: number | null; inference_memory_mb?: number | null } | null;
    request_latency?: { e2e_latency_mean_ms?: number | null } | null;
  } | null;
};

/** Columns filled the same way from either layout: provenance, times, totals, warm-up, latency, memory, files. */
function sharedColumns(r: SharedFields, p: ResultProvenance, extra: Record<string, unknown> | null) {
  const eb = r.energy_breakdown ?? null;
  const wu = r.warmup_result ?? null;
  const lat = r.latency_stats ?? null;
  const ext = r.extended_metrics ?? null;
  const start = parseLlemDateTime(r.start_time);
  const end = parseLlemDateTime(r.end_time);
  const perGpu = r.multi_gpu?.energy_per_gpu_j ?? r.energy_per_device_j ?? null;
  return {
    run_id: p.runId,
    source: p.runId === null ? ('imported' as const) : ('measured' as const),
    file_sha256: p.sha256,
    source_path: p.sourcePath,
    imported_at: p.importedAt,
    recomputed_config_hash: p.hash.recomputed,
    hash_verified: bit(p.hash.verified),
    identity_hash: p.hash.identityHash,
    start_time: r.start_time,
    end_time: r.end_time,
    start_time_ms: start?.epochMs ?? null,
    end_time_ms: end?.epochMs ?? null,
    duration_sec: start && end ? durationSeconds(start, end) : null,
    baseline_method: eb?.baseline_method ?? null,
    baseline_timestamp: eb?.baseline_timestamp ?? null,
    baseline_cache_age_sec: eb?.baseline_cache_age_sec ?? null,
    total_inference_time_sec: r.total_inference_time_sec ?? null,
    avg_tokens_per_second: r.avg_tokens_per_second ?? null,
    total_flops: r.total_flops ?? null,
    flops_per_output_token: r.flops_per_output_token ?? null,
    flops_per_input_token: r.flops_per_input_token ?? null,
    flops_per_second: r.flops_per_second ?? null,
    num_gpus: r.multi_gpu?.num_gpus ?? (perGpu ? perGpu.length : null),
    energy_per_gpu_json: perGpu ? JSON.stringify(perGpu) : null,
    warmup_converged: bit(wu?.converged),
    warmup_final_cv: wu?.final_cv ?? null,
    warmup_iterations: wu?.iterations_completed ?? null,
    ttft_mean_ms: lat?.ttft_mean_ms ?? null,
    ttft_p95_ms: lat?.ttft_p95_ms ?? null,
    itl_mean_ms: lat?.itl_mean_ms ?? null,
    itl_p99_ms: lat?.itl_p99_ms ?? null,
    tpot_ms: ext?.tpot_ms ?? null,
    e2e_latency_mean_ms: ext?.request_latency?.e2e_latency_mean_ms ?? null,
    model_memory_mb: ext?.memory?.model_memory_mb ?? null,
    peak_memory_mb: ext?.memory?.peak_memory_mb ?? null,
    inference_memory_mb: ext?.memory?.inference_memory_mb ?? null,
    warning_count: r.measurement_warnings?.length ?? 0,
    timeseries_file: r.timeseries ?? null,
    timeseries_status: 'none' as const,
    timeseries_note: null,
    effective_config_json: p.effectiveConfigText,
    extra_json: extra ? JSON.stringify(extra) : null,
    raw_json: p.rawText,
  };
}

/** What an llem bundle (PyPI 0.7.0 layout) gives: the result and, when they were beside it, its sidecars. */
export interface ParsedBundle {
  result: BundleResult;
  /** config.json (declared config, engine version); null when it was missing or unreadable. */
  config: BundleConfigSidecar | null;
  system: BundleSystem | null;
  extra: Record<string, unknown> | null;
}

/** The same row from a bundle: the declared config (config.json) gives what the contract's effective_config gave. */
export function bundleResultColumns(b: ParsedBundle, p: ResultProvenance): ResultColumns {
  const r = b.result;
  const declared = b.config?.declared_config ?? null;
  const hw = b.system?.hardware ?? null;
  const eb = r.energy_breakdown ?? null;
  const tt = r.throttle ?? null;
  const energyMeasured = !(r.measurement_warnings ?? []).some((w) => splitWarning(w).code === ENERGY_UNAVAILABLE_WARNING);
  const intOrNull = (v: unknown): number | null => (Number.isSafeInteger(v) ? (v as number) : null);
  return {
    ...sharedColumns(r, p, b.extra),
    schema_version: `bundle-${r.bundle_version}`,
    llem_version: r.llenergymeasure_version ?? b.system?.tool_version ?? null,
    experiment_id: r.experiment_id,
    measurement_config_hash: r.declared_config_hash,
    model: r.model_name,
    backend: r.engine,
    precision: bundlePrecision(declared, b.config, r.engine),
    n_prompts: intOrNull(taskField(declared, 'dataset', 'n_prompts')),
    max_input_tokens: intOrNull(taskField(declared, 'max_input_tokens')),
    max_output_tokens: intOrNull(taskField(declared, 'max_output_tokens')),
    batch_size: bundleBatchSize(declared, r.engine),
    measurement_methodology: b.config?.measurement_methodology ?? null,
    total_tokens: r.total_tokens ?? (r.input_tokens ?? 0) + r.output_tokens,
    output_tokens: r.output_tokens,
    total_energy_j: energyMeasured ? (r.total_energy_j ?? null) : null,
    energy_adjusted_j: energyMeasured ? (r.energy_adjusted_j ?? eb?.adjusted_j ?? null) : null,
    baseline_power_w: eb?.baseline_power_w ?? null,
    avg_energy_per_token_j: energyMeasured ? (r.avg_energy_per_token_j ?? null) : null,
    gpu_name: known(hw?.gpu?.name),
    gpu_vram_total_mb: hw?.gpu?.vram_total_mb || null,
    gpu_compute_capability: hw?.gpu?.compute_capability ?? null,
    cuda_version: b.system?.cuda_version ?? null,
    driver_version: known(hw?.cuda?.driver_version),
    power_limit_w: hw?.thermal?.power_limit_w ?? null,
    throttle_detected: bit(tt?.detected),
    throttle_thermal: tt ? anyBit(tt.thermal?.any, tt.thermal?.hw, tt.thermal?.sw) : null,
    throttle_power: tt ? anyBit(tt.power?.any, tt.power?.hw, tt.power?.sw) : null,
    throttle_duration_sec: tt?.throttle_duration_sec ?? null,
    max_temperature_c: tt?.max_temperature_c ?? null,
  };
}

/** llem writes "unknown" / "unavailable" where it could not read a fact; that is no value. */
function known(v: string | null | undefined): string | null {
  return v == null || v === '' || v === 'unknown' || v === 'unavailable' ? null : v;
}

/**
 * llem does not write the output-token count; it is recoverable exactly from two ratios it does
 * write: FLOPs (total / per output token) or energy (total / per output token).
 */
export function deriveOutputTokens(r: ParsedLlemResult['result']): number | null {
  const byFlops = ratio(r.total_flops, r.flops_per_output_token);
  if (byFlops !== null) return Math.round(byFlops);
  const byEnergy = ratio(r.total_energy_j, r.avg_energy_per_token_j);
  return byEnergy === null ? null : Math.round(byEnergy);
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !(a > 0) || !(b > 0)) return null;
  const q = a / b;
  return Number.isFinite(q) && q <= Number.MAX_SAFE_INTEGER ? q : null;
}

function bit(v: boolean | null | undefined): 0 | 1 | null {
  return v == null ? null : v ? 1 : 0;
}

function anyBit(...vs: (boolean | null | undefined)[]): 0 | 1 | null {
  if (vs.some((v) => v === true)) return 1;
  return vs.some((v) => v === false) ? 0 : null;
}
