import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { experimentSpec } from '../../../contract/llem/experimentConfig';
import { validateModel } from '../../../contract/llem/modelSpec';
import { ExperimentSpec as Pypi070Spec } from '../../../contract/llem/pypi070/experimentConfig';
import { fromPlain, toPlain } from '../../../contract/llem/pyValue';
import { experimentConfigZod, pypi070ExperimentConfigZod, studyConfigZod } from '../../../contract/llem/zodFromSpec';

const num = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 0.05, 0.5, 1, 1.5, 2, 2.5, 30, 60, 120, 130, 0.01, 1e-3, -1) },
  { weight: 1, arbitrary: fc.constantFrom('5', ' 7 ', '0.5', 'yes', 'x', true, false, null) },
);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const obj = (r: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));

const headConfig = fc
  .record({
    model: fc.constantFrom('gpt2', 'gpt2', 'org/m', '', 5),
    backend: maybe(fc.constantFrom('pytorch', 'vllm', 'tensorrt', 'jax')),
    n: maybe(num),
    precision: maybe(fc.constantFrom('fp16', 'bf16', 'fp32', 'int8')),
    dataset: maybe(fc.oneof(fc.constant('aienergyscore'), fc.record({ n: num, input_len: maybe(num) }).map(obj))),
    decoder: maybe(fc.record({ temperature: maybe(num), top_k: maybe(num), preset: maybe(fc.constantFrom('creative', 'deterministic', 'bogus')), do_sample: maybe(num) }).map(obj)),
    warmup: maybe(fc.record({ thermal_floor_seconds: maybe(num), window_size: maybe(num), extra: maybe(fc.constant(1)) }).map(obj)),
    baseline: maybe(fc.record({ duration_seconds: maybe(num), enabled: maybe(num) }).map(obj)),
    pytorch: maybe(fc.record({ batch_size: maybe(num), load_in_4bit: maybe(fc.boolean()), load_in_8bit: maybe(fc.boolean()), torch_compile_mode: maybe(fc.constant('x')), custom: maybe(num) }).map(obj)),
    vllm: maybe(fc.record({ engine: maybe(fc.record({ gpu_memory_utilization: maybe(num), block_size: maybe(fc.constantFrom(8, 16, 12, 16.0)) }).map(obj)), sampling: maybe(fc.constant({})), beam_search: maybe(fc.constant({})) }).map(obj)),
    lora: maybe(fc.record({ adapter_id: maybe(fc.constant('a')), adapter_path: maybe(fc.constant('p')) }).map(obj)),
    passthrough_kwargs: maybe(fc.dictionary(fc.constantFrom('n', 'x', 'model', 'y'), fc.integer())),
    bogus: maybe(fc.constant(1)),
  })
  .map(obj);

describe('zod schemas agree with the hash-grade validator', () => {
  it('HEAD ExperimentConfig: same accept/reject and same values on 3000 random configs', () => {
    const schema = experimentConfigZod('head');
    const spec = experimentSpec('head');
    let accepted = 0;
    fc.assert(
      fc.property(headConfig, (plain) => {
        const exact = validateModel(spec, fromPlain(plain));
        const z = schema.safeParse(plain);
        if (exact.ok !== z.success) return false;
        if (exact.ok && z.success) {
          accepted++;
          expect(z.data).toEqual(toPlain(exact.dump));
        }
        return true;
      }),
      { numRuns: 3000, seed: 42 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
  it('issues carry the field path and a plain message', () => {
    const r = experimentConfigZod('head').safeParse({ model: 'm', decoder: { temperature: 3 }, pytorch: { load_in_4bit: true, load_in_8bit: true } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain('decoder.temperature: Input should be less than or equal to 2');
    }
    const r2 = experimentConfigZod('head').safeParse({ model: 'm', pytorch: { load_in_4bit: true, load_in_8bit: true } });
    expect(r2.success ? '' : r2.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('|')).toMatch(/pytorch: pytorch: load_in_4bit and load_in_8bit are mutually exclusive/);
  });
  it('defaults and descriptions are available to the UI', () => {
    const r = experimentConfigZod('head').safeParse({ model: 'gpt2' });
    expect(r.success && (r.data as Record<string, unknown>).n).toBe(100);
  });
  it('PyPI 0.7.0 ExperimentConfig: same decisions on a few hand-picked configs', () => {
    const cases: unknown[] = [
      { task: { model: 'gpt2' }, serving_mode: 'offline' },
      { task: { model: 'gpt2' } },
      { task: { model: 'gpt2' }, serving_mode: 'offline', engine: 'vllm', vllm: { engine_params: { gpu_memory_utilization: 1.5 } } },
      { task: { model: 'gpt2' }, serving_mode: 'offline', transformers: { engine_params: { load_in_4bit: true, load_in_8bit: true } } },
      { task: { model: 'gpt2' }, serving_mode: 'offline', sampling_preset: 'creative' },
      { task: { model: 'gpt2' }, serving_mode: 'server', engine: 'vllm', server: { traffic: { rate: 2 } } },
    ];
    for (const c of cases) expect(pypi070ExperimentConfigZod().safeParse(c).success, JSON.stringify(c)).toBe(validateModel(Pypi070Spec, fromPlain(c)).ok);
  });
  it('study schemas check study-level keys per profile', () => {
    expect(studyConfigZod('head').safeParse({ model: 'm', sweep: { n: [1] }, execution: { n_cycles: 2, cycle_order: 'shuffled' } }).success).toBe(true);
    const bad = studyConfigZod('head').safeParse({ sweep: {}, execution: { cycle_order: 'shuffle' } });
    expect(bad.success ? '' : bad.error.issues.map((i) => i.path.join('.')).join()).toBe('execution.cycle_order');
    expect(studyConfigZod('v0.7').safeParse({ execution: { experiment_gap_seconds: 1 } }).success).toBe(false);
    expect(studyConfigZod('pypi-0.7.0').safeParse({ study_execution: { experiment_order: 'latin_square', deduplicate_equivalent: false } }).success).toBe(true);
  });
});
