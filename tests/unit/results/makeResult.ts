/**
 * Builds llem ExperimentResult objects (schema 2.0, llem contract §6) for tests, with made-up but
 * self-consistent numbers. `overrides` replaces top-level keys; nested tweaks are done by callers.
 */
export interface MakeResultOptions {
  model?: string;
  backend?: 'pytorch' | 'vllm';
  precision?: string;
  n?: number;
  maxOutputTokens?: number;
  energyJ?: number;
  baselineW?: number | null;
  startTime?: string;
  durationS?: number;
  inferenceS?: number;
  hash?: string;
  outputDir?: string | null;
  warnings?: string[];
  gpuName?: string;
  throttled?: boolean;
  timeseries?: string | null;
  batchSize?: number;
}

export function makeResult(o: MakeResultOptions = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const model = o.model ?? 'org/test-model';
  const backend = o.backend ?? 'pytorch';
  const n = o.n ?? 10;
  const maxOut = o.maxOutputTokens ?? 64;
  const outputTokens = n * maxOut;
  const inputTokens = n * 32;
  const totalTokens = outputTokens + inputTokens;
  const energy = o.energyJ ?? 500;
  const duration = o.durationS ?? 20;
  const inference = o.inferenceS ?? 18;
  const baseline = o.baselineW === undefined ? 40 : o.baselineW;
  const adjusted = baseline === null ? null : Math.max(0, energy - baseline * duration);
  const start = o.startTime ?? '2026-01-02T03:04:05.250000';
  const end = addSeconds(start, duration);
  const flopsPerOut = 2e8;
  return {
    schema_version: '2.0',
    experiment_id: `${model}_20260102_030405`,
    measurement_config_hash: o.hash ?? 'aaaaaaaaaaaaaaaa',
    backend,
    backend_version: null,
    measurement_methodology: 'total',
    steady_state_window: null,
    total_tokens: totalTokens,
    total_energy_j: energy,
    total_inference_time_sec: inference,
    avg_tokens_per_second: totalTokens / inference,
    avg_energy_per_token_j: energy / outputTokens,
    total_flops: flopsPerOut * outputTokens,
    flops_per_output_token: flopsPerOut,
    flops_per_input_token: (flopsPerOut * outputTokens) / inputTokens,
    flops_per_second: (flopsPerOut * outputTokens) / inference,
    baseline_power_w: baseline,
    energy_adjusted_j: adjusted,
    energy_per_device_j: null,
    energy_breakdown: {
      raw_j: energy,
      adjusted_j: adjusted,
      baseline_power_w: baseline,
      baseline_method: baseline === null ? 'unavailable' : 'cached',
      baseline_timestamp: baseline === null ? null : '2026-01-02T02:00:00.000001Z',
      baseline_cache_age_sec: baseline === null ? null : 12.5,
    },
    multi_gpu: null,
    environment_snapshot: {
      hardware: {
        gpu: { name: o.gpuName ?? 'NVIDIA H100 80GB HBM3', vram_total_mb: 81559.0, compute_capability: '9.0', pcie_gen: null, mig_enabled: false },
        cuda: { version: '12.4', driver_version: '550.54.15', cudnn_version: null },
        thermal: { temperature_c: 31.0, power_limit_w: 700.0, default_power_limit_w: 700.0, fan_speed_pct: null },
        cpu: { governor: 'performance', model: 'x86_64', platform: 'Linux' },
        container: { detected: false, runtime: null },
        collected_at: start,
      },
      python_version: '3.12.1',
      installed_packages: ['llenergymeasure==0.8.0'],
      tool_version: '0.8.0',
      cuda_version: '12.4',
      cuda_version_source: 'torch',
    },
    measurement_warnings: o.warnings ?? [],
    warmup_excluded_samples: null,
    reproducibility_notes: 'Energy measured via NVML polling.',
    timeseries: o.timeseries === undefined ? null : o.timeseries,
    start_time: start,
    end_time: end,
    effective_config: {
      model,
      backend,
      n,
      dataset: 'aienergyscore',
      dataset_order: 'interleaved',
      precision: o.precision ?? 'bf16',
      random_seed: 42,
      max_input_tokens: 512,
      max_output_tokens: maxOut,
      decoder: { temperature: 1.0, do_sample: true, top_k: 50, top_p: 1.0, repetition_penalty: 1.0, min_p: null, min_new_tokens: null, preset: null },
      warmup: { enabled: true, n_warmup: 5, thermal_floor_seconds: 60.0, convergence_detection: false, cv_threshold: 0.05, max_prompts: 20, window_size: 5, min_prompts: 5 },
      baseline: { enabled: baseline !== null, duration_seconds: 30.0 },
      energy: { backend: 'auto' },
      pytorch: backend === 'pytorch' ? { batch_size: o.batchSize ?? 1 } : null,
      vllm: backend === 'vllm' ? { engine: { max_num_seqs: o.batchSize ?? 256 }, sampling: null, beam_search: null } : null,
      tensorrt: null,
      lora: null,
      passthrough_kwargs: null,
      output_dir: o.outputDir === undefined ? null : o.outputDir,
    },
    process_results: [],
    aggregation: { method: 'single_process', num_processes: 1, temporal_overlap_verified: false, gpu_attribution_verified: false, warnings: [] },
    thermal_throttle: {
      detected: o.throttled ?? false,
      thermal: o.throttled ?? false,
      power: false,
      sw_thermal: false,
      hw_thermal: false,
      hw_power: false,
      throttle_duration_sec: o.throttled ? 1.5 : 0.0,
      max_temperature_c: o.throttled ? 88.0 : 55.0,
      throttle_timestamps: o.throttled ? [1000.1, 1000.2] : [],
    },
    warmup_result: null,
    latency_stats: null,
    extended_metrics: null,
    ...overrides,
  };
}

/** Naive ISO text + seconds → naive ISO text with microseconds (as llem writes). */
export function addSeconds(naiveIso: string, seconds: number): string {
  const d = new Date(`${naiveIso.slice(0, 19)}Z`);
  const micros = Number((naiveIso.split('.')[1] ?? '0').padEnd(6, '0')) + Math.round(seconds * 1e6);
  const whole = Math.floor(micros / 1e6);
  const frac = micros - whole * 1e6;
  const t = new Date(d.getTime() + whole * 1000);
  return `${t.toISOString().slice(0, 19)}.${String(frac).padStart(6, '0')}`;
}
