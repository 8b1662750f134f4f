import type { StudyTemplate } from '../../family';

/** The designer's starting points (the four questions people ask first) in PyPI 0.7.0's `engine:`/`task:` YAML. */
export const TEMPLATES: readonly StudyTemplate[] = [
  {
    id: 'batch-size',
    name: 'Batch size effect',
    description: 'Same model and dtype, batch size 1 → 64: how much energy per token does batching save?',
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
