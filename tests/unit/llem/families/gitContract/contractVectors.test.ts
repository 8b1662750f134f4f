import { describe, expect, it } from 'vitest';
import { loadYaml11 } from '../../../../../core/llem/yaml11';
import { experimentSpec } from '../../../../../contract/llem/experimentConfig';
import { validateModel, formatIssues } from '../../../../../contract/llem/modelSpec';
import { canonicalJson } from '../../../../../contract/llem/canonicalJson';
import { measurementConfigHash, studyDesignHash } from '../../../../../core/llem/hashing';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { missingDependency } from '../../../../helpers/externalDependency';
import { loadJsonPy } from '../../../../../contract/llem/jsonPy';
import { type PyDict, type PyValue } from '../../../../../contract/llem/pyValue';

function dumpOf(yaml: string, gen: 'head' | 'tag' = 'head'): PyValue {
  const r = validateModel(experimentSpec(gen), loadYaml11(yaml));
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.dump;
}

const V1 = 'model: gpt2';
const V3 = `model: Qwen/Qwen2.5-0.5B
backend: vllm
n: 50
precision: fp16
decoder: {preset: deterministic}
vllm: {engine: {gpu_memory_utilization: 0.85, block_size: 16, attention: {backend: flash_attn}}, sampling: {presence_penalty: 0.5, max_tokens: 64}}`;
const V4 = `model: meta-llama/Llama-3.1-8B
pytorch: {batch_size: 4, load_in_4bit: true, bnb_4bit_compute_dtype: bfloat16, length_penalty: 1}
warmup: {thermal_floor_seconds: 30}
baseline: {enabled: false}
energy: {backend: null}
output_dir: /tmp/out`;
const V5 = `model: "ünïcødé/😀"
dataset: {n: 10, input_len: 64}
passthrough_kwargs: {x: [1, 2, "a\\"b\\n"]}
lora: {adapter_id: foo/bar}`;
const V6 = 'model: gpt2\ndecoder: {preset: creative, min_p: 0.05}';

describe('contract §3.6 measurement_config_hash vectors (HEAD)', () => {
  it('model: gpt2 (all defaults) has the documented canonical text and hash', () => {
    const d = dumpOf(V1);
    expect(canonicalJson(d)).toBe(
      '{"backend": "pytorch", "baseline": {"duration_seconds": 30.0, "enabled": true}, "dataset": "aienergyscore", "dataset_order": "interleaved", "decoder": {"do_sample": true, "min_new_tokens": null, "min_p": null, "preset": null, "repetition_penalty": 1.0, "temperature": 1.0, "top_k": 50, "top_p": 1.0}, "energy": {"backend": "auto"}, "lora": null, "max_input_tokens": 512, "max_output_tokens": 128, "model": "gpt2", "n": 100, "output_dir": null, "passthrough_kwargs": null, "precision": "bf16", "pytorch": null, "random_seed": 42, "tensorrt": null, "vllm": null, "warmup": {"convergence_detection": false, "cv_threshold": 0.05, "enabled": true, "max_prompts": 20, "min_prompts": 5, "n_warmup": 5, "thermal_floor_seconds": 60.0, "window_size": 5}}',
    );
    expect(measurementConfigHash(d)).toBe('adc3a93de2c0ee4d');
  });
  it('model: gpt2 under the v0.8.0 tag schema (no dataset_order)', () => {
    expect(measurementConfigHash(dumpOf(V1, 'tag'))).toBe('320b469ade3e32d5');
  });
  it('vLLM nested config with a preset', () => {
    expect(measurementConfigHash(dumpOf(V3))).toBe('98cfebf5af398242');
  });
  it('pytorch 4-bit with an int given to a float field', () => {
    expect(measurementConfigHash(dumpOf(V4))).toBe('e16fce120b3af697');
  });
  it('unicode model id, synthetic dataset, free-form passthrough, lora', () => {
    expect(measurementConfigHash(dumpOf(V5))).toBe('c53c576aad5dc016');
  });
  it('creative preset plus explicit min_p', () => {
    expect(measurementConfigHash(dumpOf(V6))).toBe('99094f5fc79a33c1');
  });
  it('study hash over the five configs in order', () => {
    expect(studyDesignHash([V1, V3, V4, V5, V6].map((y) => dumpOf(y)))).toBe('758113c464908240');
  });
});


const FIXTURE = path.resolve(import.meta.dirname, '../../../../../../shared/fixtures/llem/gpt2_pytorch_v2.0.json');
const noFixture = missingDependency('../shared/fixtures/llem/gpt2_pytorch_v2.0.json', existsSync(FIXTURE) ? null : `not found at ${FIXTURE}`);

describe.skipIf(noFixture)('contract §3.6 fixture vector (real llem 0.8.0 result file)', () => {
  it('re-canonicalised effective_config gives the measurement_config_hash stored in the file', () => {
    const result = loadJsonPy(readFileSync(FIXTURE, 'utf8')) as PyDict;
    const effective = result.get('effective_config') as PyDict;
    expect(measurementConfigHash(effective)).toBe('9944baab4dabe390');
    expect(result.get('measurement_config_hash')).toBe('9944baab4dabe390');
    // And the same config validated by our HEAD schema hashes identically.
    const r = validateModel(experimentSpec('head'), effective);
    expect(r.ok && measurementConfigHash(r.dump)).toBe('9944baab4dabe390');
  });
});
