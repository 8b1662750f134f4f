import type { StudyTemplate } from '../../family';

/** The designer's starting points (the four questions people ask first) in contract HEAD-style `backend:`/`pytorch:` YAML. */
export const TEMPLATES: readonly StudyTemplate[] = [
  {
    id: 'batch-size',
    name: 'Batch size effect',
    description: 'Same model and precision, batch size 1 → 64: how much energy per token does batching save?',
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
];
