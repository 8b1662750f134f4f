/**
 * llem ExperimentConfig (contract §1) as model specs, for the contract's schema generations:
 *   - `head`  — HEAD 215e05e (`llem v0.8.0`): `dataset_order`, nested `vllm:`, extras allowed
 *               in backend sections;
 *   - `tag`   — the v0.7.0/v0.8.0 git tags (`llem v1.17.0` / `v1.18.0`): no `dataset_order`,
 *               flat `vllm:` (5 fields), backend sections forbid extra keys (§1.14).
 * The PyPI 0.7.0 release uses a different schema altogether (see `pypi070/`).
 *
 * Every rule here is a Pydantic constraint or model validator in llem; the error texts are
 * llem's where known and plain words otherwise, always with the field path.
 */
import {
  REQUIRED,
  fieldNameSet,
  validateModel,
  type AfterValidator,
  type BeforeValidator,
  type FieldSpec,
  type ModelSpec,
  type TypeSpec,
} from './modelSpec';
import { PyDict, PyFloat, freezeValue, type PyValue } from './pyValue';

export type ContractSchemaGeneration = 'head' | 'tag';

const int = (b: { ge?: number; gt?: number; le?: number; lt?: number } = {}): TypeSpec => ({ k: 'int', ...b });
const float = (b: { ge?: number; gt?: number; le?: number; lt?: number } = {}): TypeSpec => ({ k: 'float', ...b });
const bool: TypeSpec = { k: 'bool' };
const str = (minLength?: number): TypeSpec => ({ k: 'str', ...(minLength !== undefined ? { minLength } : {}) });
const lit = (...values: (string | number)[]): TypeSpec => ({ k: 'lit', values });
const opt = (inner: TypeSpec): TypeSpec => ({ k: 'opt', inner });
const model = (m: ModelSpec): TypeSpec => ({ k: 'model', model: m });
const anyDict: TypeSpec = { k: 'dict', value: { k: 'any' }, anyKeys: true };
const strAnyDict: TypeSpec = { k: 'dict', value: { k: 'any' } };

function f(name: string, type: TypeSpec, def: FieldSpec['default'], description?: string): FieldSpec {
  return { name, type, default: def, ...(description ? { description } : {}) };
}

/** Cached default dump of a sub-model (what `default_factory=Model` produces). */
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

// --- decoder (§1.3) -------------------------------------------------------------------------

export const DECODER_PRESETS: Record<string, Record<string, PyValue>> = {
  deterministic: { temperature: new PyFloat(0.0), do_sample: false },
  standard: { temperature: new PyFloat(1.0), do_sample: true, top_p: new PyFloat(0.95) },
  creative: { temperature: new PyFloat(0.8), do_sample: true, top_p: new PyFloat(0.9), repetition_penalty: new PyFloat(1.1) },
  factual: { temperature: new PyFloat(0.3), do_sample: true },
};

/** Preset expansion before validation; explicit keys in the same mapping win (setdefault). */
const expandDecoderPreset: BeforeValidator = (raw) => {
  const preset = raw.get('preset');
  if (typeof preset !== 'string') return raw;
  const values = DECODER_PRESETS[preset];
  if (!values) return raw;
  const out = raw.clone();
  for (const [k, v] of Object.entries(values)) if (!out.has(k)) out.set(k, v);
  return out;
};

export const DecoderSpec: ModelSpec = {
  name: 'DecoderConfig',
  extra: 'forbid',
  before: [expandDecoderPreset],
  fields: [
    f('temperature', float({ ge: 0, le: 2 }), new PyFloat(1.0), 'Sampling temperature (0 = greedy)'),
    f('do_sample', bool, true, 'Sample instead of greedy decoding'),
    f('top_k', int({ ge: 0 }), 50, 'Top-k sampling (0 = disabled)'),
    f('top_p', float({ ge: 0, le: 1 }), new PyFloat(1.0), 'Nucleus sampling threshold'),
    f('repetition_penalty', float({ ge: 0.1, le: 10 }), new PyFloat(1.0), 'Repetition penalty'),
    f('min_p', opt(float({ ge: 0, le: 1 })), null, 'Min-p sampling threshold'),
    f('min_new_tokens', opt(int({ ge: 1 })), null, 'Minimum generated tokens'),
    f('preset', opt(lit('deterministic', 'standard', 'creative', 'factual')), null, 'Decoder preset'),
  ],
};

export const WarmupSpec: ModelSpec = {
  name: 'WarmupConfig',
  extra: 'forbid',
  fields: [
    f('enabled', bool, true, 'false skips warmup and the thermal floor'),
    f('n_warmup', int({ ge: 1 }), 5, 'Fixed-mode warmup prompt count'),
    f('thermal_floor_seconds', float({ ge: 30 }), new PyFloat(60.0), 'Sleep after warmup, before measuring'),
    f('convergence_detection', bool, false, 'CV mode (pytorch only)'),
    f('cv_threshold', float({ ge: 0.01, le: 0.5 }), new PyFloat(0.05), 'CV target'),
    f('max_prompts', int({ ge: 5 }), 20, 'CV-mode cap'),
    f('window_size', int({ ge: 3 }), 5, 'CV window'),
    f('min_prompts', int({ ge: 1 }), 5, 'Minimum prompts before checking convergence'),
  ],
};

export const BaselineSpec: ModelSpec = {
  name: 'BaselineConfig',
  extra: 'forbid',
  fields: [
    f('enabled', bool, true, 'Measure idle power before the run'),
    f('duration_seconds', float({ ge: 5, le: 120 }), new PyFloat(30.0), 'Baseline duration'),
  ],
};

export const EnergySpec: ModelSpec = {
  name: 'EnergyConfig',
  extra: 'forbid',
  fields: [f('backend', opt(lit('auto', 'nvml', 'zeus', 'codecarbon')), 'auto', 'Energy backend (null = no measurement)')],
};

export const SyntheticDatasetSpec: ModelSpec = {
  name: 'SyntheticDatasetConfig',
  extra: 'forbid',
  fields: [
    f('n', int({ ge: 1 }), REQUIRED, 'Synthetic prompt count (unused at run time)'),
    f('input_len', int({ ge: 1 }), 512, 'Prompt length in tokens (≈ words × 4)'),
    f('output_len', int({ ge: 1 }), 128, 'Unused'),
    f('seed', int(), 42, 'Word-choice seed'),
  ],
};

const loraExactlyOne: AfterValidator = (d) => {
  const a = d.get('adapter_id');
  const p = d.get('adapter_path');
  if ((a === null) === (p === null)) return 'lora: exactly one of adapter_id or adapter_path must be set';
  return null;
};

export const LoraSpec: ModelSpec = {
  name: 'LoRAConfig',
  extra: 'forbid',
  after: [loraExactlyOne],
  fields: [
    f('adapter_id', opt(str()), null, 'Hub id of the adapter'),
    f('adapter_path', opt(str()), null, 'Local adapter path'),
    f('merge_weights', bool, false, 'Merge adapter into the base weights'),
  ],
};

// --- pytorch (§1.9) --------------------------------------------------------------------------

const truthy = (v: PyValue | undefined): boolean =>
  !(v === null || v === undefined || v === false || v === 0 || v === '' || (v instanceof PyFloat && v.value === 0));

const pytorchRules: AfterValidator[] = [
  (d) => (truthy(d.get('load_in_4bit')) && truthy(d.get('load_in_8bit')) ? 'pytorch: load_in_4bit and load_in_8bit are mutually exclusive' : null),
  (d) =>
    (d.get('torch_compile_mode') !== null || d.get('torch_compile_backend') !== null) && d.get('torch_compile') !== true
      ? 'pytorch: torch_compile_mode/torch_compile_backend require torch_compile: true'
      : null,
  (d) =>
    (d.get('bnb_4bit_compute_dtype') !== null || d.get('bnb_4bit_quant_type') !== null || d.get('bnb_4bit_use_double_quant') !== null) &&
    d.get('load_in_4bit') !== true
      ? 'pytorch: bnb_4bit_* options require load_in_4bit: true'
      : null,
  (d) => (d.get('cache_implementation') !== null && d.get('use_cache') === false ? 'pytorch: cache_implementation requires use_cache not false' : null),
];

function pytorchSpec(extra: 'allow' | 'forbid'): ModelSpec {
  return {
    name: 'PyTorchConfig',
    extra,
    after: pytorchRules,
    fields: [
      f('batch_size', opt(int({ ge: 1 })), null, 'Static batch size [1]'),
      f('attn_implementation', opt(lit('sdpa', 'flash_attention_2', 'flash_attention_3', 'eager')), null, 'Attention kernel'),
      f('torch_compile', opt(bool), null, 'torch.compile the model [false]'),
      f('torch_compile_mode', opt(str()), null, 'torch.compile mode (needs torch_compile)'),
      f('torch_compile_backend', opt(str()), null, 'torch.compile backend (needs torch_compile)'),
      f('load_in_4bit', opt(bool), null, 'BitsAndBytes 4-bit'),
      f('load_in_8bit', opt(bool), null, 'BitsAndBytes 8-bit'),
      f('bnb_4bit_compute_dtype', opt(lit('float16', 'bfloat16', 'float32')), null, 'needs load_in_4bit'),
      f('bnb_4bit_quant_type', opt(lit('nf4', 'fp4')), null, 'needs load_in_4bit'),
      f('bnb_4bit_use_double_quant', opt(bool), null, 'needs load_in_4bit'),
      f('use_cache', opt(bool), null, 'KV cache [true]'),
      f('cache_implementation', opt(lit('static', 'offloaded_static', 'sliding_window')), null, 'illegal with use_cache: false'),
      f('num_beams', opt(int({ ge: 1 })), null, 'Beam count [1]'),
      f('early_stopping', opt(bool), null, 'Beam early stopping'),
      f('length_penalty', opt(float()), null, 'Beam length penalty'),
      f('no_repeat_ngram_size', opt(int({ ge: 0 })), null, 'No-repeat n-gram size'),
      f('prompt_lookup_num_tokens', opt(int({ ge: 1 })), null, 'Prompt lookup decoding'),
      f('device_map', opt(str()), null, 'Device map ["auto"]'),
      f('max_memory', opt(anyDict), null, 'e.g. {"0": "10GiB", "cpu": "50GiB"} — use string keys'),
      f('revision', opt(str()), null, 'Model revision'),
      f('trust_remote_code', opt(bool), null, 'Trust remote code [true]'),
      f('num_processes', opt(int({ ge: 1 })), null, 'Accepted, unused at HEAD'),
    ],
  };
}

// --- vllm (§1.10 HEAD nested; §1.14 tags flat) -----------------------------------------------

const VllmAttentionSpec: ModelSpec = {
  name: 'VLLMAttentionConfig',
  extra: 'allow',
  fields: [
    f('backend', opt(str()), null, 'Attention backend (sent as attention_backend)'),
    f('flash_attn_version', opt(int()), null),
    f('flash_attn_max_num_splits_for_cuda_graph', opt(int()), null),
    f('use_prefill_decode_attention', opt(bool), null),
    f('use_prefill_query_quantization', opt(bool), null),
    f('use_cudnn_prefill', opt(bool), null),
    f('disable_flashinfer_prefill', opt(bool), null),
    f('disable_flashinfer_q_quantization', opt(bool), null),
    f('use_trtllm_attention', opt(bool), null),
    f('use_trtllm_ragged_deepseek_prefill', opt(bool), null),
  ],
};

const VllmEngineSpec: ModelSpec = {
  name: 'VLLMEngineConfig',
  extra: 'allow',
  after: [
    (d) =>
      d.get('speculative_model') !== null && d.get('num_speculative_tokens') === null
        ? 'vllm.engine: speculative_model requires num_speculative_tokens'
        : null,
    (d) =>
      d.get('kv_cache_memory_bytes') !== null && d.get('gpu_memory_utilization') !== null
        ? 'vllm.engine: kv_cache_memory_bytes and gpu_memory_utilization are mutually exclusive'
        : null,
  ],
  fields: [
    f('gpu_memory_utilization', opt(float({ ge: 0, lt: 1 })), null, 'Fraction of GPU memory for vLLM [0.9]'),
    f('swap_space', opt(float({ ge: 0 })), null, 'CPU swap space GiB [4]'),
    f('cpu_offload_gb', opt(float({ ge: 0 })), null, 'CPU offload GiB [0]'),
    f('block_size', opt(lit(8, 16, 32)), null, 'KV block size [16]'),
    f('kv_cache_dtype', opt(lit('auto', 'fp8', 'fp8_e5m2', 'fp8_e4m3')), null, 'KV cache dtype [auto]'),
    f('enforce_eager', opt(bool), null, 'Disable CUDA graphs [false]'),
    f('enable_chunked_prefill', opt(bool), null),
    f('max_num_seqs', opt(int({ ge: 1 })), null, 'Max concurrent sequences [256]'),
    f('max_num_batched_tokens', opt(int({ ge: 1 })), null),
    f('max_model_len', opt(int({ ge: 1 })), null),
    f('tensor_parallel_size', opt(int({ ge: 1 })), null, 'Tensor parallel size [1]'),
    f('pipeline_parallel_size', opt(int({ ge: 1 })), null, 'Pipeline parallel size [1]'),
    f('enable_prefix_caching', opt(bool), null),
    f('quantization', opt(lit('awq', 'gptq', 'fp8', 'fp8_e5m2', 'fp8_e4m3', 'marlin', 'bitsandbytes')), null, 'Needs a pre-quantized checkpoint'),
    f('speculative_model', opt(str()), null, 'Requires num_speculative_tokens'),
    f('num_speculative_tokens', opt(int({ ge: 1 })), null),
    f('offload_group_size', opt(int({ ge: 0 })), null),
    f('offload_num_in_group', opt(int({ ge: 1 })), null),
    f('offload_prefetch_step', opt(int({ ge: 0 })), null),
    f('offload_params', opt({ k: 'list', item: str() }), null),
    f('disable_custom_all_reduce', opt(bool), null),
    f('kv_cache_memory_bytes', opt(int({ ge: 1 })), null, 'Exclusive with gpu_memory_utilization'),
    f('compilation_config', opt(anyDict), null, 'Passed through unvalidated'),
    f('attention', opt(model(VllmAttentionSpec)), null),
  ],
};

const VllmSamplingSpec: ModelSpec = {
  name: 'VLLMSamplingConfig',
  extra: 'allow',
  fields: [
    f('max_tokens', opt(int({ ge: 1 })), null, 'Overrides max_output_tokens'),
    f('min_tokens', opt(int({ ge: 0 })), null),
    f('presence_penalty', opt(float({ ge: -2, le: 2 })), null),
    f('frequency_penalty', opt(float({ ge: -2, le: 2 })), null),
    f('ignore_eos', opt(bool), null),
    f('n', opt(int({ ge: 1 })), null),
  ],
};

const VllmBeamSearchSpec: ModelSpec = {
  name: 'VLLMBeamSearchConfig',
  extra: 'allow',
  fields: [
    f('beam_width', opt(int({ ge: 1 })), null),
    f('length_penalty', opt(float()), null),
    f('early_stopping', opt(bool), null),
    f('max_tokens', opt(int({ ge: 1 })), null),
  ],
};

const VllmNestedSpec: ModelSpec = {
  name: 'VLLMConfig',
  extra: 'allow',
  after: [(d) => (d.get('sampling') !== null && d.get('beam_search') !== null ? 'vllm: sampling and beam_search are mutually exclusive' : null)],
  fields: [
    f('engine', opt(model(VllmEngineSpec)), null, 'Engine (LLM constructor) options'),
    f('sampling', opt(model(VllmSamplingSpec)), null, 'SamplingParams options'),
    f('beam_search', opt(model(VllmBeamSearchSpec)), null, 'Beam search (switches to llm.beam_search)'),
  ],
};

const VllmFlatSpec: ModelSpec = {
  name: 'VLLMConfig',
  extra: 'forbid',
  fields: [
    f('max_num_seqs', opt(int({ ge: 1 })), null),
    f('tensor_parallel_size', opt(int({ ge: 1 })), null),
    f('gpu_memory_utilization', opt(float({ ge: 0.1, le: 1.0 })), null),
    f('enable_prefix_caching', opt(bool), null),
    f('quantization', opt(lit('awq', 'gptq', 'fp8')), null),
  ],
};

function tensorrtSpec(extra: 'allow' | 'forbid'): ModelSpec {
  return {
    name: 'TensorRTConfig',
    extra,
    fields: [
      f('max_batch_size', opt(int({ ge: 1 })), null, '[8]'),
      f('tp_size', opt(int({ ge: 1 })), null, '[1]'),
      f('quantization', opt(lit('int8_sq', 'int4_awq', 'fp8')), null),
      f('engine_path', opt(str()), null),
    ],
  };
}

// --- top level --------------------------------------------------------------------------------

export const BACKENDS = ['pytorch', 'vllm', 'tensorrt'] as const;

/** Top-level field names per generation (used by "did you mean" and the passthrough rule). */
export function topLevelFieldNames(gen: ContractSchemaGeneration): string[] {
  return experimentSpec(gen).fields.map((x) => x.name);
}

const specCache = new Map<ContractSchemaGeneration, ModelSpec>();

/** The ExperimentConfig model spec of a schema generation. */
export function experimentSpec(gen: ContractSchemaGeneration): ModelSpec {
  const cached = specCache.get(gen);
  if (cached) return cached;
  const extra = gen === 'head' ? 'allow' : 'forbid';
  const fields: FieldSpec[] = [
    f('model', str(1), REQUIRED, 'HF Hub id or local path'),
    f('backend', lit(...BACKENDS), 'pytorch', 'Inference engine'),
    f('n', int({ ge: 1 }), 100, 'Number of prompts measured'),
    f(
      'dataset',
      { k: 'union', options: [str(), model(SyntheticDatasetSpec)] },
      'aienergyscore',
      'Built-in alias, a .jsonl path, or a synthetic {n, input_len, output_len, seed}',
    ),
    ...(gen === 'head' ? [f('dataset_order', lit('interleaved', 'grouped', 'shuffled'), 'interleaved', 'Prompt order (vLLM)')] : []),
    f('precision', lit('fp32', 'fp16', 'bf16'), 'bf16', 'Model dtype'),
    f('random_seed', int(), 42, 'vLLM seed / dataset shuffle seed'),
    f('max_input_tokens', int({ ge: 1 }), 512, 'Truncation length'),
    f('max_output_tokens', int({ ge: 1 }), 128, 'Max new tokens'),
    f('decoder', model(DecoderSpec), defaultOf(DecoderSpec), 'Decoding settings'),
    f('warmup', model(WarmupSpec), defaultOf(WarmupSpec), 'Warmup and thermal floor'),
    f('baseline', model(BaselineSpec), defaultOf(BaselineSpec), 'Idle power baseline'),
    f('energy', model(EnergySpec), defaultOf(EnergySpec), 'Energy backend'),
    f('pytorch', opt(model(pytorchSpec(extra))), null, 'Only with backend: pytorch'),
    f('vllm', opt(model(gen === 'head' ? VllmNestedSpec : VllmFlatSpec)), null, 'Only with backend: vllm'),
    f('tensorrt', opt(model(tensorrtSpec(extra))), null, 'Only with backend: tensorrt'),
    f('lora', opt(model(LoraSpec)), null, 'LoRA adapter (accepted, ignored at run time)'),
    f('passthrough_kwargs', opt(strAnyDict), null, 'Extra from_pretrained kwargs (pytorch)'),
    f('output_dir', opt(str()), null, 'Set by --output; part of the hash'),
  ];
  const names = new Set(fields.map((x) => x.name));
  const spec: ModelSpec = {
    name: 'ExperimentConfig',
    extra: 'forbid',
    fields,
    after: [
      (d) => {
        const backend = d.get('backend');
        for (const b of BACKENDS) {
          if (d.get(b) !== null && backend !== b) {
            return `${b}: config section provided but backend='${String(backend)}'. Remove the ${b}: section or set backend: ${b}.`;
          }
        }
        return null;
      },
      (d) => {
        const p = d.get('passthrough_kwargs');
        if (!(p instanceof PyDict)) return null;
        const collisions = [...p.keys()].filter((k) => typeof k === 'string' && names.has(k)).sort();
        return collisions.length
          ? `passthrough_kwargs keys collide with ExperimentConfig fields: [${collisions.map((c) => `'${String(c)}'`).join(', ')}]. Use the named fields instead.`
          : null;
      },
    ],
  };
  specCache.set(gen, spec);
  void fieldNameSet;
  return spec;
}

/** The 14 float-typed paths of §3.4 (documentation + tests). */
export const FLOAT_TYPED_PATHS = [
  'decoder.temperature',
  'decoder.top_p',
  'decoder.repetition_penalty',
  'decoder.min_p',
  'warmup.thermal_floor_seconds',
  'warmup.cv_threshold',
  'baseline.duration_seconds',
  'pytorch.length_penalty',
  'vllm.engine.gpu_memory_utilization',
  'vllm.engine.swap_space',
  'vllm.engine.cpu_offload_gb',
  'vllm.sampling.presence_penalty',
  'vllm.sampling.frequency_penalty',
  'vllm.beam_search.length_penalty',
] as const;
