/**
 * ExperimentConfig of the llem release on PyPI, `llenergymeasure==0.7.0` (`llem v0.7.0`).
 *
 * This is NOT the contract's schema: PyPI 0.7.0 is a later redesign ("v2.0 config": `task:`,
 * `engine:`, required `serving_mode`, generated engine sections with `engine_params` /
 * `sampling_params`, an engine-rules corpus). See docs/llem-pypi-release.md and
 * docs/campaign-model.md. Field lists, types, ranges and defaults mirror
 * `llenergymeasure/config/models.py`, `config/generated/*.py` and `config/llem_execution.py`
 * of that release; validators mirror its model validators (same order, same messages).
 */
import { didYouMeanDifflib } from './difflib';
import { REQUIRED, ModelDump, fieldNameSet, validateModel, type AfterValidator, type BeforeValidator, type FieldSpec, type ModelSpec, type TypeSpec } from '../modelSpec';
import { PyDict, PyFloat, freezeValue, type PyValue } from '../pyValue';
import { applyErrorRules } from './rules';

const int = (b: { ge?: number; gt?: number; le?: number; lt?: number } = {}): TypeSpec => ({ k: 'int', ...b });
const float = (b: { ge?: number; gt?: number; le?: number; lt?: number } = {}): TypeSpec => ({ k: 'float', ...b });
const bool: TypeSpec = { k: 'bool' };
const str = (minLength?: number): TypeSpec => ({ k: 'str', ...(minLength !== undefined ? { minLength } : {}) });
const lit = (...values: (string | number)[]): TypeSpec => ({ k: 'lit', values });
const opt = (inner: TypeSpec): TypeSpec => ({ k: 'opt', inner });
const model = (m: ModelSpec): TypeSpec => ({ k: 'model', model: m });
const any: TypeSpec = { k: 'any' };

function f(name: string, type: TypeSpec, def: FieldSpec['default'], description?: string): FieldSpec {
  return { name, type, default: def, ...(description ? { description } : {}) };
}

function defaultOf(m: ModelSpec): () => PyValue {
  let cached: PyValue | undefined;
  return () => {
    if (cached === undefined) {
      const r = validateModel(m, new PyDict());
      if (!r.ok) throw new Error(`internal: defaults of ${m.name} do not validate`);
      cached = freezeValue(r.dump);
    }
    return cached;
  };
}

export const ENGINES = ['transformers', 'vllm', 'tensorrt'] as const;
export type Engine = (typeof ENGINES)[number];

export const SAMPLING_PRESETS: Record<string, Record<string, PyValue>> = {
  deterministic: { temperature: new PyFloat(0.0) },
  standard: { temperature: new PyFloat(1.0), top_p: new PyFloat(0.95) },
  creative: { temperature: new PyFloat(0.8), top_p: new PyFloat(0.9), repetition_penalty: new PyFloat(1.1) },
  factual: { temperature: new PyFloat(0.3) },
};

// --- task / measurement / modes --------------------------------------------------------------

export const WarmupSpec: ModelSpec = {
  name: 'WarmupConfig',
  extra: 'forbid',
  fields: [
    f('enabled', bool, true, 'Enable warmup phase'),
    f('n_prompts', int({ ge: 1 }), 5, 'Warmup prompts in fixed mode'),
    f('thermal_floor_seconds', float({ ge: 30 }), new PyFloat(60.0), 'Wait after warmup before measuring (≥ 30 s)'),
    f('convergence_detection', bool, false, 'CV-based adaptive warmup'),
    f('cv_threshold', float({ ge: 0.01, le: 0.5 }), new PyFloat(0.05), 'CV target'),
    f('max_prompts', int({ ge: 5 }), 20, 'CV-mode cap'),
    f('window_size', int({ ge: 3 }), 3, 'CV window'),
    f('min_prompts', int({ ge: 1 }), 5, 'Minimum prompts before checking convergence'),
  ],
};

export const BaselineSpec: ModelSpec = {
  name: 'BaselineConfig',
  extra: 'forbid',
  fields: [
    f('enabled', bool, true, 'Measure idle power'),
    f('duration_seconds', float({ ge: 5, le: 120 }), new PyFloat(30.0), 'Baseline duration'),
    f('strategy', lit('cached', 'validated', 'fresh'), 'validated', 'Baseline caching strategy'),
    f('cache_ttl_seconds', float({ ge: 60 }), new PyFloat(7200.0), 'Cached baseline lifetime'),
    f('validation_interval', int({ ge: 1 }), 5, 'Re-validate every N experiments'),
    f('drift_threshold', float({ ge: 0.01, le: 0.5 }), new PyFloat(0.1), 'Drift fraction that triggers re-measurement'),
  ],
};

export const DatasetSpec: ModelSpec = {
  name: 'DatasetConfig',
  extra: 'forbid',
  fields: [
    f('source', str(1), 'aienergyscore', 'Built-in alias or .jsonl path'),
    f('n_prompts', int({ ge: 1 }), 100, 'Prompts to load'),
    f('order', lit('interleaved', 'grouped', 'shuffled'), 'interleaved', 'Prompt order'),
  ],
};

export const TaskSpec: ModelSpec = {
  name: 'TaskConfig',
  extra: 'forbid',
  fields: [
    f('model', str(1), REQUIRED, 'HF model id or local path'),
    f('dataset', model(DatasetSpec), defaultOf(DatasetSpec), 'Dataset'),
    f('max_input_tokens', opt(int({ ge: 1 })), 256, 'Input truncation (null = none)'),
    f('max_output_tokens', opt(int({ ge: 1 })), 256, 'Max output tokens (null = until EOS)'),
    f('random_seed', int(), 42, 'Seed for inference RNG and dataset order'),
  ],
};

const MEASUREMENT_WARMUP_MIGRATED_MSG =
  "The 'measurement.warmup' section was moved to 'offline.warmup'. Warmup is now a per-mode protocol (offline uses prompt-loop convergence; server uses a convergence-composite gate), so it lives under the mode section rather than 'measurement:'. Move your warmup knobs under 'offline.warmup' (e.g. offline.warmup.n_prompts). 'measurement:' now holds only mode-invariant methodology (energy_sampler, baseline).";

export const MeasurementSpec: ModelSpec = {
  name: 'MeasurementConfig',
  extra: 'forbid',
  before: [(raw) => (raw.has('warmup') ? { error: MEASUREMENT_WARMUP_MIGRATED_MSG } : raw)],
  after: [
    (d) => {
      if (d.get('measurement_methodology') !== 'windowed') return null;
      const w = d.get('measurement_window');
      if (w === null || w === undefined) return "measurement_window (start_sec, end_sec) is required when measurement_methodology='windowed'";
      const items = (w as { items?: PyValue[] }).items ?? (Array.isArray(w) ? w : []);
      const start = (items[0] as PyFloat).value;
      const end = (items[1] as PyFloat).value;
      if (start < 0) return 'measurement_window start_sec must be >= 0';
      if (!(end > start)) return 'measurement_window end_sec must be > start_sec';
      return null;
    },
  ],
  fields: [
    f('baseline', model(BaselineSpec), defaultOf(BaselineSpec), 'Baseline power measurement'),
    f('energy_sampler', opt(lit('auto', 'nvml', 'zeus', 'codecarbon')), 'auto', 'Energy backend (null disables)'),
    f('latency_profiling', bool, false, 'Per-token latency profiling'),
    f('measurement_methodology', lit('total', 'windowed', 'steady_state'), 'total', 'Which part of the run is measured'),
    f('measurement_window', opt({ k: 'tuple', items: [float(), float()] }), null, '[start_sec, end_sec] for windowed'),
    f('warmup_discard_fraction', float({ ge: 0, lt: 1 }), new PyFloat(0.1), 'Steady-state warm-up discard fraction'),
    f('warmup_discard_seconds', opt(float({ ge: 0 })), null, 'Steady-state warm-up discard seconds'),
    f('steady_state_auto_detect', bool, false, 'Detect steady-state onset'),
  ],
};

export const SloSpec: ModelSpec = {
  name: 'SloConfig',
  extra: 'forbid',
  fields: [
    f('ttft_ms', opt(float({ gt: 0 })), null),
    f('tpot_ms', opt(float({ gt: 0 })), null),
    f('percentile', float({ gt: 0, le: 1 }), new PyFloat(0.99)),
  ],
};

export const DEFAULT_WINDOW_SECONDS = 240.0;

export const TrafficSpec: ModelSpec = {
  name: 'TrafficConfig',
  extra: 'forbid',
  after: [
    (d) =>
      d.get('window_seconds') !== null && d.get('window_requests') !== null
        ? 'traffic.window accepts at most one of window_seconds or window_requests (both were set).'
        : null,
    {
      transform: (d) => {
        if (d.get('window_seconds') === null && d.get('window_requests') === null) {
          const out = d.clone() as PyDict;
          out.set('window_seconds', new PyFloat(DEFAULT_WINDOW_SECONDS));
          return out;
        }
        return d;
      },
    },
  ],
  fields: [
    f('rate', float({ gt: 0 }), REQUIRED, 'Requests per second'),
    f('arrival', lit('poisson', 'gamma'), 'poisson'),
    f('burstiness', opt(float({ gt: 0 })), null),
    f('window_seconds', opt(float({ gt: 0 })), null),
    f('window_requests', opt(int({ ge: 1 })), null),
    f('ramp_exclusion_seconds', float({ ge: 0 }), new PyFloat(30.0)),
    f('concurrency_cap', opt(int({ ge: 1 })), null),
    f('slo', opt(model(SloSpec)), null),
    f('seed', opt(int()), null),
  ],
};

export const ServerWarmupSpec: ModelSpec = {
  name: 'ServerWarmupConfig',
  extra: 'forbid',
  fields: [
    f('mode', lit('composite', 'fixed'), 'composite'),
    f('timeout_seconds', float({ gt: 0 }), new PyFloat(900.0)),
    f('duration_seconds', float({ ge: 0 }), new PyFloat(300.0)),
  ],
};

export const OfflineSectionSpec: ModelSpec = {
  name: 'OfflineSection',
  extra: 'forbid',
  fields: [f('warmup', model(WarmupSpec), defaultOf(WarmupSpec), 'Offline warmup')],
};

export const ServerSectionSpec: ModelSpec = {
  name: 'ServerSection',
  extra: 'forbid',
  fields: [
    f('traffic', model(TrafficSpec), REQUIRED, 'Traffic specification'),
    f('warmup', model(ServerWarmupSpec), defaultOf(ServerWarmupSpec), 'Server warmup protocol'),
    f('cooldown_seconds', float({ ge: 0 }), new PyFloat(0.0), 'Pause between rate levels'),
  ],
};

// --- generated engine sections (config/generated/*.py) --------------------------------------

const TransformersEngineParams: ModelSpec = {
  name: 'EngineParams',
  extra: 'allow',
  fields: [
    f('dtype', opt(any), null),
    f('attn_implementation', opt(any), null),
    f('load_in_4bit', opt(any), null),
    f('load_in_8bit', opt(any), null),
    f('bnb_4bit_compute_dtype', opt(any), null),
    f('bnb_4bit_quant_type', opt(any), null),
    f('bnb_4bit_use_double_quant', opt(any), null),
    f('use_cache', opt(bool), null),
    f('cache_implementation', opt(str()), null),
    f('num_beams', opt(int()), null),
    f('early_stopping', opt({ k: 'union', options: [bool, lit('never')] }), null),
    f('length_penalty', opt(float()), null),
    f('no_repeat_ngram_size', opt(int()), null),
    f('prompt_lookup_num_tokens', opt(int()), null),
    f('device_map', opt(any), null),
    f('max_memory', opt(any), null),
    f('low_cpu_mem_usage', opt(any), null),
    f('tp_plan', opt(any), null),
    f('tp_size', opt(any), null),
  ],
};

const TransformersSamplingParams: ModelSpec = {
  name: 'SamplingParams',
  extra: 'allow',
  fields: [
    f('temperature', opt(float()), null),
    f('do_sample', opt(bool), null),
    f('top_k', opt(int()), null),
    f('top_p', opt(float()), null),
    f('repetition_penalty', opt(float()), null),
    f('min_p', opt(float()), null),
    f('min_new_tokens', opt(int()), null),
  ],
};

const TransformersLlemExecution: ModelSpec = {
  name: 'TransformersLlemExecution',
  extra: 'forbid',
  after: [
    (d) =>
      (d.get('torch_compile_mode') !== null || d.get('torch_compile_backend') !== null) && d.get('torch_compile') !== true
        ? 'torch_compile_mode/torch_compile_backend requires torch_compile=True'
        : null,
  ],
  fields: [
    f('batch_size', opt(int({ ge: 1 })), null, 'Prompt batch size (null → 1)'),
    f('torch_compile', opt(bool), null),
    f('torch_compile_mode', opt(str()), null),
    f('torch_compile_backend', opt(str()), null),
    f('allow_tf32', opt(bool), null),
    f('autocast_enabled', opt(bool), null),
    f('autocast_dtype', opt(lit('float16', 'bfloat16')), null),
  ],
};

export const TransformersSectionSpec: ModelSpec = {
  name: 'TransformersSection',
  extra: 'allow',
  fields: [
    f('engine_params', opt(model(TransformersEngineParams)), null),
    f('sampling_params', opt(model(TransformersSamplingParams)), null),
    f('llem_execution', opt(model(TransformersLlemExecution)), null),
  ],
};

const VllmCompilationConfig: ModelSpec = {
  name: 'CompilationConfig',
  extra: 'allow',
  fields: [
    f('backend', opt(str()), null),
    f('cache_dir', opt(str()), null),
    f('compilation_time', opt(float()), null),
    f('compile_cache_save_format', opt(lit('binary', 'unpacked')), null),
    f('compile_mm_encoder', opt(bool), null),
    f('compile_ranges_endpoints', opt(any), null),
    f('compile_sizes', opt(any), null),
    f('cudagraph_capture_sizes', opt(any), null),
    f('cudagraph_copy_inputs', opt(bool), null),
    f('cudagraph_mm_encoder', opt(bool), null),
    f('cudagraph_mode', opt(any), null),
    f('cudagraph_num_of_warmups', opt(int()), null),
    f('cudagraph_specialize_lora', opt(bool), null),
    f('custom_ops', opt(any), null),
    f('debug_dump_path', opt(any), null),
    f('disabled_custom_ops', opt(any), null),
    f('dynamic_shapes_config', opt(any), null),
    f('enabled_custom_ops', opt(any), null),
    f('encoder_cudagraph_max_images_per_batch', opt(int()), null),
    f('encoder_cudagraph_token_budgets', opt(any), null),
    f('fast_moe_cold_start', opt(any), null),
    f('inductor_compile_config', opt(any), null),
    f('inductor_passes', opt(any), null),
    f('local_cache_dir', opt(str()), null),
    f('max_cudagraph_capture_size', opt(int()), null),
    f('mode', opt(lit(0, 1, 2, 3)), null),
    f('pass_config', opt(any), null),
    f('splitting_ops', opt(any), null),
    f('static_all_moe_layers', opt(any), null),
    f('static_forward_context', opt(any), null),
    f('traced_files', opt(any), null),
    f('use_inductor_graph_partition', opt(bool), null),
  ],
};

const SPEC_METHODS = [
  'ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'eagle', 'eagle3', 'extract_hidden_states', 'deepseek_mtp',
  'mimo_mtp', 'glm4_moe_mtp', 'glm4_moe_lite_mtp', 'glm_ocr_mtp', 'ernie_mtp', 'nemotron_h_mtp', 'exaone_moe_mtp',
  'qwen3_next_mtp', 'qwen3_5_mtp', 'longcat_flash_mtp', 'mtp', 'pangu_ultra_moe_mtp', 'step3p5_mtp', 'ngram_gpu',
];
const MOE_BACKENDS = ['auto', 'triton', 'deep_gemm', 'cutlass', 'flashinfer_trtllm', 'flashinfer_cutlass', 'flashinfer_cutedsl', 'marlin', 'aiter'];

const VllmSpeculativeConfig: ModelSpec = {
  name: 'SpeculativeConfig',
  extra: 'allow',
  fields: [
    f('code_revision', opt(str()), null),
    f('disable_padded_drafter_batch', opt(bool), null),
    f('draft_load_config', opt(any), null),
    f('draft_model_config', opt(any), null),
    f('draft_parallel_config', opt(any), null),
    f('draft_tensor_parallel_size', opt(int()), null),
    f('enforce_eager', opt(bool), null),
    f('max_model_len', opt(int()), null),
    f('method', opt(lit(...SPEC_METHODS)), null),
    f('model', opt(str()), null),
    f('moe_backend', opt(lit(...MOE_BACKENDS)), null),
    f('num_speculative_tokens', opt(int()), null),
    f('parallel_drafting', opt(bool), null),
    f('prompt_lookup_max', opt(int()), null),
    f('prompt_lookup_min', opt(int()), null),
    f('quantization', opt(any), null),
    f('rejection_sample_method', opt(lit('strict', 'probabilistic', 'synthetic')), null),
    f('revision', opt(str()), null),
    f('speculative_token_tree', opt(str()), null),
    f('suffix_decoding_max_cached_requests', opt(int()), null),
    f('suffix_decoding_max_spec_factor', opt(float()), null),
    f('suffix_decoding_max_tree_depth', opt(int()), null),
    f('suffix_decoding_min_token_prob', opt(float()), null),
    f('synthetic_acceptance_rate', opt(float()), null),
    f('target_model_config', opt(any), null),
    f('target_parallel_config', opt(any), null),
    f('tensor_parallel_size', opt(int()), null),
    f('use_local_argmax_reduction', opt(bool), null),
  ],
};

const VllmEngineParams: ModelSpec = {
  name: 'EngineParams',
  extra: 'allow',
  fields: [
    f('dtype', opt(lit('auto', 'half', 'float16', 'bfloat16', 'float', 'float32')), 'auto'),
    f('gpu_memory_utilization', opt(float({ gt: 0, le: 1 })), new PyFloat(0.9)),
    f('cpu_offload_gb', opt(float({ ge: 0 })), 0),
    f('block_size', opt(int()), null),
    f('kv_cache_dtype', opt(lit('auto', 'float16', 'bfloat16', 'fp8', 'fp8_e4m3', 'fp8_e5m2', 'fp8_inc', 'fp8_ds_mla')), 'auto'),
    f('enforce_eager', opt(bool), false),
    f('enable_chunked_prefill', opt(bool), null),
    f('max_num_seqs', opt(int({ ge: 1 })), null),
    f('max_num_batched_tokens', opt(int({ ge: 1 })), null),
    f('max_model_len', opt(int({ ge: 1 })), null),
    f('tensor_parallel_size', opt(int()), 1),
    f('pipeline_parallel_size', opt(int()), 1),
    f('distributed_executor_backend', opt(any), null),
    f('enable_prefix_caching', opt(bool), null),
    f('quantization', opt(any), null),
    f('speculative_config', opt(model(VllmSpeculativeConfig)), null),
    f('offload_group_size', opt(int({ ge: 0 })), 0),
    f('offload_num_in_group', opt(int({ ge: 1 })), 1),
    f('offload_prefetch_step', opt(int({ ge: 0 })), 1),
    f('offload_params', opt(any), () => []),
    f('disable_custom_all_reduce', opt(bool), false),
    f('kv_cache_memory_bytes', opt(int()), null),
    f('compilation_config', opt(model(VllmCompilationConfig)), null),
    f('attention', opt(any), null),
    f('beam_search', opt(any), null),
  ],
};

const VllmSamplingParams: ModelSpec = {
  name: 'SamplingParams',
  extra: 'allow',
  fields: [
    f('temperature', opt(float()), new PyFloat(1.0)),
    f('top_k', opt(int()), 0),
    f('top_p', opt(float()), new PyFloat(1.0)),
    f('repetition_penalty', opt(float()), new PyFloat(1.0)),
    f('min_p', opt(float()), new PyFloat(0.0)),
    f('min_tokens', opt(int()), 0),
    f('presence_penalty', opt(float()), new PyFloat(0.0)),
    f('frequency_penalty', opt(float()), new PyFloat(0.0)),
    f('ignore_eos', opt(bool), false),
    f('n', opt(int()), 1),
  ],
};

export const VllmSectionSpec: ModelSpec = {
  name: 'Config',
  extra: 'allow',
  fields: [f('engine_params', opt(model(VllmEngineParams)), null), f('sampling_params', opt(model(VllmSamplingParams)), null)],
};

const TensorrtEngineParams: ModelSpec = {
  name: 'EngineParams',
  extra: 'allow',
  fields: [
    f('max_batch_size', opt(int()), null),
    f('tensor_parallel_size', opt(int()), 1),
    f('pipeline_parallel_size', opt(int()), 1),
    f('max_input_len', opt(int()), null),
    f('max_seq_len', opt(int()), null),
    f('max_num_tokens', opt(int()), 8192),
    f('dtype', opt(str()), 'auto'),
    f('fast_build', opt(bool), false),
    f('backend', opt(lit('pytorch', 'trt')), 'pytorch'),
    f('quant_config', opt(any), null),
    f('kv_cache_config', opt(any), null),
    f('scheduler_config', opt(any), null),
  ],
};

const TensorrtSamplingParams: ModelSpec = {
  name: 'SamplingParams',
  extra: 'allow',
  fields: [
    f('temperature', opt(float()), null),
    f('top_k', opt(int()), null),
    f('top_p', opt(float()), null),
    f('repetition_penalty', opt(float()), null),
    f('min_p', opt(float()), null),
    f('min_tokens', opt(int()), null),
    f('n', opt(int()), 1),
    f('ignore_eos', opt(bool), false),
  ],
};

export const TensorrtSectionSpec: ModelSpec = {
  name: 'Config',
  extra: 'allow',
  fields: [f('engine_params', opt(model(TensorrtEngineParams)), null), f('sampling_params', opt(model(TensorrtSamplingParams)), null)],
};

export const ENGINE_SECTION_SPECS: Record<Engine, ModelSpec> = {
  transformers: TransformersSectionSpec,
  vllm: VllmSectionSpec,
  tensorrt: TensorrtSectionSpec,
};

// --- ExperimentConfig --------------------------------------------------------------------------

export const RETIRED_HARNESS_KEY_MSG =
  "The top-level 'harness:' section was removed. Move its knobs (batch_size, torch_compile, torch_compile_mode, torch_compile_backend, allow_tf32, autocast_enabled, autocast_dtype) into the engine section under '<engine>.llem_execution:' (e.g. transformers.llem_execution.batch_size).";
export const SERVING_MODE_REQUIRED_MSG =
  "serving_mode is required and has no default: declare 'serving_mode: offline' (batch inference over a fixed prompt set) or 'serving_mode: server' (online serving measurement, with a server: section).";
const TRANSFORMERS_SERVER_UNSUPPORTED_MSG =
  'serving_mode=server is not supported for engine=transformers (a fast-follow). At the pinned transformers version `transformers serve` is upstream-positioned for evaluation and moderate load, not the sustained-load serving a measurement harness drives, so transformers server mode is deferred. Use engine=vllm or engine=tensorrt for server mode, or set serving_mode=offline for transformers.';

/** Python `str(engine)` for an engine value that may not be a string. */
function engineKey(v: PyValue | undefined): string | null {
  if (v === undefined) return 'transformers';
  return typeof v === 'string' ? v : null;
}

/**
 * `expand_sampling_preset` (mode="before"). Mutates the nested engine/sampling dicts IN PLACE,
 * exactly like llem — so grid points that share a fixed engine section see each other's preset
 * values (a real llem behaviour; the study resolver reports it).
 */
const expandSamplingPreset: BeforeValidator = (raw) => {
  const preset = raw.get('sampling_preset');
  if (typeof preset !== 'string' || preset === '' || !(preset in SAMPLING_PRESETS)) return raw;
  const key = engineKey(raw.get('engine'));
  if (key === null) return raw;
  // `ExperimentConfig(**raw)` hands the validator a new top-level dict, but nested dicts are shared.
  const data = raw.clone();
  let section = data.get(key);
  if (!(section instanceof PyDict)) {
    section = new PyDict();
    data.set(key, section);
  }
  let sampling = section.get('sampling_params');
  if (!(sampling instanceof PyDict)) {
    sampling = new PyDict();
    section.set('sampling_params', sampling);
  }
  for (const [k, v] of Object.entries(SAMPLING_PRESETS[preset] as Record<string, PyValue>)) {
    if (!(sampling as PyDict).has(k)) (sampling as PyDict).set(k, v);
  }
  return data;
};

const EXPERIMENT_FIELD_NAMES = [
  'task',
  'engine',
  'serving_mode',
  'measurement',
  'sampling_preset',
  'transformers',
  'vllm',
  'tensorrt',
  'server',
  'offline',
  'passthrough_kwargs',
];

function sectionOf(d: PyDict, name: string): ModelDump | null {
  const v = d.get(name);
  return v instanceof ModelDump ? v : null;
}

const NESTED_SUBSECTIONS = ['engine_params', 'sampling_params'];

const experimentAfter: AfterValidator[] = [
  // validate_engine_section_match (frozenset iteration: transformers, vllm, tensorrt is typical)
  (d) => {
    const engine = d.get('engine');
    for (const e of ENGINES) {
      if (d.get(e) !== null && engine !== e) {
        return `${e}: config section provided but engine=<Engine.${String(engine).toUpperCase()}: '${String(engine)}'>. Remove the ${e}: section or set engine: ${e}.`;
      }
    }
    return null;
  },
  // validate_mode_section_match
  (d) => {
    const mode = d.get('serving_mode');
    for (const m of ['server', 'offline']) {
      if (d.get(m) !== null && mode !== m) {
        return `${m}: config section provided but serving_mode='${String(mode)}'. Remove the ${m}: section or set serving_mode: ${m}.`;
      }
    }
    if (mode === 'server' && d.get('server') === null) {
      return "serving_mode='server' requires a server: section (with a traffic spec including traffic.rate). Add the server: section or set serving_mode: offline.";
    }
    return null;
  },
  // validate_transformers_server_unsupported
  (d) => (d.get('serving_mode') === 'server' && d.get('engine') === 'transformers' ? TRANSFORMERS_SERVER_UNSUPPORTED_MSG : null),
  // validate_server_window_supported
  (d) => {
    const server = sectionOf(d, 'server');
    const traffic = server ? sectionOf(server, 'traffic') : null;
    if (d.get('serving_mode') === 'server' && traffic && traffic.get('window_requests') !== null) {
      return 'server.traffic.window_requests (count-bound windows) is not supported at v0.7: the server-mode measurement path (measured-span timing and the per-level stability gate) is duration-grounded. Use server.traffic.window_seconds instead (it defaults to 240s when omitted).';
    }
    return null;
  },
  // validate_engine_section_extras (wrapper-level extras are errors; sub-section extras only warn)
  (d) => {
    const engine = String(d.get('engine'));
    const section = sectionOf(d, engine);
    if (!section) return null;
    const spec = ENGINE_SECTION_SPECS[engine as Engine];
    const declared = fieldNameSet(spec);
    const subs = NESTED_SUBSECTIONS.map((n) => ({ n, spec: (spec.fields.find((x) => x.name === n)?.type as { inner: { model: ModelSpec } }).inner.model }));
    const nestedNames = [...new Set(subs.flatMap((s) => s.spec.fields.map((x) => x.name)))].sort();
    for (const k of section.keys()) {
      if (typeof k !== 'string' || declared.has(k)) continue;
      for (const s of subs) {
        if (fieldNameSet(s.spec).has(k)) {
          return `${engine}.${k} moved to ${engine}.${s.n}.${k} (flat engine config was replaced by the nested shape in v0.10).`;
        }
      }
      const suggestion = didYouMeanDifflib(k, nestedNames, 0.6);
      return `unknown field '${k}' on ${engine}${suggestion ? `; did you mean engine_params.${suggestion}?` : ''}`;
    }
    return null;
  },
  // validate_passthrough_kwargs_no_collision
  (d) => {
    const p = d.get('passthrough_kwargs');
    if (!(p instanceof PyDict) || p.size === 0) return null;
    const collisions = [...p.keys()].filter((k) => typeof k === 'string' && EXPERIMENT_FIELD_NAMES.includes(k)).map(String).sort();
    return collisions.length
      ? `passthrough_kwargs keys collide with ExperimentConfig fields: [${collisions.map((c) => `'${c}'`).join(', ')}]. Use the named fields instead.`
      : null;
  },
  // validate_transformers_flash_attn_dtype
  (d) => {
    if (d.get('engine') !== 'transformers') return null;
    const section = sectionOf(d, 'transformers');
    const ep = section ? sectionOf(section, 'engine_params') : null;
    if (!ep) return null;
    const attn = ep.get('attn_implementation');
    const dtype = ep.get('dtype');
    const effective = dtype === null || dtype === undefined || dtype === false || dtype === '' || dtype === 0 ? 'bfloat16' : dtype;
    if ((attn === 'flash_attention_2' || attn === 'flash_attention_3') && effective === 'float32') {
      return `attn_implementation='${attn}' requires dtype='float16' or dtype='bfloat16'. FlashAttention does not support float32 computation.`;
    }
    return null;
  },
  // validate_tensorrt_engine_path_backend
  (d) => {
    if (d.get('engine') !== 'tensorrt') return null;
    const section = sectionOf(d, 'tensorrt');
    const ep = section ? sectionOf(section, 'engine_params') : null;
    if (!ep) return null;
    const enginePath = ep.get('engine_path');
    const backend = ep.get('backend');
    if (enginePath !== undefined && enginePath !== null && backend !== 'trt') {
      return `engine_path requires backend='trt' (got backend=${backend === null || backend === undefined ? 'None' : `'${String(backend)}'`}). engine_path loads a prebuilt compiled-TensorRT engine directory, which only the trt constructor can read; the pytorch backend would misinterpret it as a checkpoint. Set backend: trt, or drop engine_path to build from the model checkpoint.`;
    }
    return null;
  },
  // _apply_rules (error-severity rules reject; dormant ones are applied by the study resolver)
  (d) => applyErrorRules(d),
];

export const ExperimentSpec: ModelSpec = {
  name: 'ExperimentConfig',
  extra: 'forbid',
  // Pydantic runs mode="before" validators in reverse definition order.
  before: [
    expandSamplingPreset,
    (raw) => (raw.has('serving_mode') ? raw : { error: SERVING_MODE_REQUIRED_MSG }),
    (raw) => (raw.has('harness') ? { error: RETIRED_HARNESS_KEY_MSG } : raw),
  ],
  after: experimentAfter,
  fields: [
    f('task', model(TaskSpec), REQUIRED, 'What to measure: model, dataset, token limits, seed'),
    f('engine', lit(...ENGINES), 'transformers', 'Inference engine'),
    f('serving_mode', lit('offline', 'server'), REQUIRED, 'offline (batch) or server (online serving)'),
    f('measurement', model(MeasurementSpec), defaultOf(MeasurementSpec), 'Baseline, energy sampler, window'),
    f('sampling_preset', opt(lit('deterministic', 'standard', 'creative', 'factual')), null, 'Merged into <engine>.sampling_params'),
    f('transformers', opt(model(TransformersSectionSpec)), null, 'Only with engine: transformers'),
    f('vllm', opt(model(VllmSectionSpec)), null, 'Only with engine: vllm'),
    f('tensorrt', opt(model(TensorrtSectionSpec)), null, 'Only with engine: tensorrt'),
    f('server', opt(model(ServerSectionSpec)), null, 'Only with serving_mode: server'),
    f('offline', opt(model(OfflineSectionSpec)), null, 'Only with serving_mode: offline'),
    f('passthrough_kwargs', opt({ k: 'dict', value: any }), null, 'Extra kwargs passed to the engine'),
  ],
};

export const PYPI070_EXPERIMENT_FIELDS = EXPERIMENT_FIELD_NAMES;
