import type { ProfileIdName } from '../../contract/api';
import type { CampaignTemplate } from '../../contract/apiCampaign';
import { planCampaignYaml } from './planView';

/**
 * Starting points for the designer: the four questions people ask first. Each exists in the YAML shape of
 * each llem family (contract HEAD-style `backend:`/`pytorch:`, and PyPI 0.7.0's `engine:`/`task:`); a
 * profile is offered the templates of its family that its own schema accepts (planned on request).
 */
interface TemplateSource {
  id: string;
  name: string;
  description: string;
  family: 'contract' | 'pypi';
  yaml: string;
}

const SOURCES: TemplateSource[] = [
  {
    id: 'batch-size',
    name: 'Batch size effect',
    description: 'Same model and precision, batch size 1 → 64: how much energy per token does batching save?',
    family: 'contract',
    yaml: `name: "batch-size-effect"
model: "gpt2"
backend: "pytorch"
n: 100
precision: "bf16"
max_output_tokens: 128
sweep:
  pytorch.batch_size: [1, 4, 16, 64]
execution:
  n_cycles: 3
  cycle_order: "shuffled"
`,
  },
  {
    id: 'precision-quantization',
    name: 'Precision and quantization',
    description: 'fp32, fp16 and bf16 weights, plus 8-bit and 4-bit (bitsandbytes) quantization of the bf16 model.',
    family: 'contract',
    yaml: `name: "precision-and-quantization"
model: "Qwen/Qwen2.5-0.5B"
backend: "pytorch"
n: 100
sweep:
  precision: ["fp32", "fp16", "bf16"]
experiments:
  - precision: "bf16"
    pytorch:
      load_in_8bit: true
  - precision: "bf16"
    pytorch:
      load_in_4bit: true
      bnb_4bit_quant_type: "nf4"
execution:
  n_cycles: 3
  cycle_order: "shuffled"
`,
  },
  {
    id: 'vllm-kv-cache',
    name: 'vLLM KV cache',
    description: 'vLLM paged-attention block size × KV-cache dtype (fp8 needs a Hopper-class GPU).',
    family: 'contract',
    yaml: `name: "vllm-kv-cache"
model: "Qwen/Qwen2.5-0.5B"
backend: "vllm"
n: 200
precision: "fp16"
sweep:
  vllm.engine.block_size: [8, 16, 32]
  vllm.engine.kv_cache_dtype: ["auto", "fp8"]
execution:
  n_cycles: 3
  cycle_order: "shuffled"
`,
  },
  {
    id: 'decoding',
    name: 'Decoding strategy',
    description: 'The four decoder presets (greedy to creative sampling) on one model.',
    family: 'contract',
    yaml: `name: "decoding-strategy"
model: "gpt2"
backend: "pytorch"
n: 100
sweep:
  decoder:
    - preset: "deterministic"
    - preset: "standard"
    - preset: "creative"
    - preset: "factual"
execution:
  n_cycles: 3
  cycle_order: "shuffled"
`,
  },
  {
    id: 'batch-size',
    name: 'Batch size effect',
    description: 'Same model and dtype, batch size 1 → 64: how much energy per token does batching save?',
    family: 'pypi',
    yaml: `study_name: "batch-size-effect"
serving_mode: "offline"
engine: "transformers"
task:
  model: "gpt2"
  dataset:
    n_prompts: 100
sweep:
  transformers.llem_execution.batch_size: [1, 4, 16, 64]
study_execution:
  n_cycles: 3
  experiment_order: "shuffle"
`,
  },
  {
    id: 'precision-quantization',
    name: 'Precision',
    description: 'float32, float16 and bfloat16 weights on one model.',
    family: 'pypi',
    yaml: `study_name: "precision"
serving_mode: "offline"
engine: "transformers"
task:
  model: "Qwen/Qwen2.5-0.5B"
sweep:
  transformers.engine_params.dtype: ["float32", "float16", "bfloat16"]
study_execution:
  n_cycles: 3
  experiment_order: "shuffle"
`,
  },
  {
    id: 'vllm-kv-cache',
    name: 'vLLM KV cache',
    description: 'vLLM block size × KV-cache dtype (fp8 needs a Hopper-class GPU).',
    family: 'pypi',
    yaml: `study_name: "vllm-kv-cache"
serving_mode: "offline"
engine: "vllm"
task:
  model: "Qwen/Qwen2.5-0.5B"
sweep:
  vllm.engine_params.block_size: [8, 16, 32]
  vllm.engine_params.kv_cache_dtype: ["auto", "fp8"]
study_execution:
  n_cycles: 3
  experiment_order: "shuffle"
`,
  },
  {
    id: 'decoding',
    name: 'Decoding strategy',
    description: 'The four sampling presets (greedy to creative sampling) on one model.',
    family: 'pypi',
    yaml: `study_name: "decoding-strategy"
serving_mode: "offline"
engine: "transformers"
task:
  model: "gpt2"
sweep:
  sampling_preset: ["deterministic", "standard", "creative", "factual"]
study_execution:
  n_cycles: 3
  experiment_order: "shuffle"
`,
  },
];

const cache = new Map<ProfileIdName, CampaignTemplate[]>();

export function templatesFor(profile: ProfileIdName): CampaignTemplate[] {
  const cached = cache.get(profile);
  if (cached) return cached;
  const family = profile === 'pypi-0.7.0' ? 'pypi' : 'contract';
  const usable = SOURCES.filter((t) => t.family === family)
    .filter((t) => {
      const plan = planCampaignYaml(t.yaml, profile);
      return plan.ok && plan.value.configCount > 0;
    })
    .map(({ id, name, description, yaml }) => ({ id, name, description, yaml, profile }));
  cache.set(profile, usable);
  return usable;
}

/** Exposed for tests: every template source, whichever profile it is for. */
export const TEMPLATE_SOURCES: readonly TemplateSource[] = SOURCES;
