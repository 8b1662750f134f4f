import { describe, expect, it } from 'vitest';
import { validateModel, type ModelSpec } from '../../../contract/llem/modelSpec';
import { PyDict, PyFloat, type PyValue } from '../../../contract/llem/pyValue';
import { experimentSpec } from '../../../contract/llem/experimentConfig';

const M: ModelSpec = {
  name: 'M',
  extra: 'forbid',
  fields: [
    { name: 'i', type: { k: 'int', ge: 0 }, default: 0 },
    { name: 'f', type: { k: 'float' }, default: new PyFloat(0) },
    { name: 'b', type: { k: 'bool' }, default: false },
    { name: 's', type: { k: 'str' }, default: '' },
    { name: 'l', type: { k: 'opt', inner: { k: 'lit', values: [8, 16, 32] } }, default: null },
    { name: 'u', type: { k: 'opt', inner: { k: 'union', options: [{ k: 'bool' }, { k: 'lit', values: ['never'] }] } }, default: null },
  ],
};

function one(field: string, v: PyValue): { ok: true; value: PyValue } | { ok: false; type: string } {
  const r = validateModel(M, PyDict.fromObject({ [field]: v }));
  return r.ok ? { ok: true, value: r.dump.get(field) as PyValue } : { ok: false, type: r.issues[0]?.type ?? '?' };
}

// Expectations measured with pydantic 2.14 (lax mode), see docs/campaign-model.md.
describe('Pydantic lax coercion', () => {
  it('int fields', () => {
    expect(one('i', true)).toEqual({ ok: true, value: 1 });
    expect(one('i', new PyFloat(5))).toEqual({ ok: true, value: 5 });
    expect(one('i', new PyFloat(5.5))).toEqual({ ok: false, type: 'int_from_float' });
    expect(one('i', '5')).toEqual({ ok: true, value: 5 });
    expect(one('i', ' 5 ')).toEqual({ ok: true, value: 5 });
    expect(one('i', '5.0')).toEqual({ ok: true, value: 5 });
    expect(one('i', '1_000')).toEqual({ ok: true, value: 1000 });
    expect(one('i', '5.')).toEqual({ ok: false, type: 'int_parsing' });
    expect(one('i', '1e3')).toEqual({ ok: false, type: 'int_parsing' });
    expect(one('i', '0x10')).toEqual({ ok: false, type: 'int_parsing' });
    expect(one('i', new PyFloat(Infinity))).toEqual({ ok: false, type: 'finite_number' });
    expect(one('i', -1)).toEqual({ ok: false, type: 'greater_than_equal' });
    expect(one('i', 10n ** 30n)).toEqual({ ok: true, value: 10n ** 30n });
  });
  it('float fields become Python floats', () => {
    const r = one('f', 1);
    expect(r.ok && r.value instanceof PyFloat && r.value.value === 1).toBe(true);
    expect(one('f', true)).toEqual({ ok: true, value: new PyFloat(1) });
    expect(one('f', '1e3')).toEqual({ ok: true, value: new PyFloat(1000) });
    expect(one('f', '1_000.5')).toEqual({ ok: true, value: new PyFloat(1000.5) });
    expect(one('f', 'inf')).toEqual({ ok: true, value: new PyFloat(Infinity) });
    expect(one('f', '1,5')).toEqual({ ok: false, type: 'float_parsing' });
    expect(one('f', null)).toEqual({ ok: false, type: 'float_type' });
  });
  it('bool fields', () => {
    expect(one('b', 1)).toEqual({ ok: true, value: true });
    expect(one('b', new PyFloat(0))).toEqual({ ok: true, value: false });
    expect(one('b', 2)).toEqual({ ok: false, type: 'bool_parsing' });
    expect(one('b', 'yes')).toEqual({ ok: true, value: true });
    expect(one('b', 'Y')).toEqual({ ok: true, value: true });
    expect(one('b', 'off')).toEqual({ ok: true, value: false });
    expect(one('b', 'true ')).toEqual({ ok: false, type: 'bool_parsing' });
  });
  it('str fields do not accept numbers or bools', () => {
    expect(one('s', 5)).toEqual({ ok: false, type: 'string_type' });
    expect(one('s', true)).toEqual({ ok: false, type: 'string_type' });
  });
  it('int literals accept integral floats but not strings or bools', () => {
    expect(one('l', new PyFloat(16))).toEqual({ ok: true, value: 16 });
    expect(one('l', '16')).toEqual({ ok: false, type: 'literal_error' });
    expect(one('l', true)).toEqual({ ok: false, type: 'literal_error' });
  });
  it('bool | Literal["never"] smart union', () => {
    expect(one('u', 'never')).toEqual({ ok: true, value: 'never' });
    expect(one('u', 'yes')).toEqual({ ok: true, value: true });
    expect(one('u', 1)).toEqual({ ok: true, value: true });
    expect(one('u', 'Never').ok).toBe(false);
  });
  it('extra keys are forbidden with the key in the location', () => {
    const r = validateModel(M, PyDict.fromObject({ zz: 1 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ loc: ['zz'], type: 'extra_forbidden' });
  });
  it('a non-mapping model input is a model_type error', () => {
    const r = validateModel(M, [1, 2]);
    expect(r.ok ? null : r.issues[0]?.type).toBe('model_type');
  });
});

describe('ExperimentConfig (HEAD) cross-field rules give the field path and plain words', () => {
  const check = (yaml: Record<string, PyValue>): string[] => {
    const r = validateModel(experimentSpec('head'), PyDict.fromObject(yaml));
    return r.ok ? [] : r.issues.map((i) => `${i.loc.join('.')}: ${i.msg}`);
  };
  const sec = (o: Record<string, PyValue>): PyDict => PyDict.fromObject(o);
  it('pytorch section needs backend pytorch', () => {
    expect(check({ model: 'm', backend: 'vllm', pytorch: sec({}) })[0]).toMatch(/pytorch: config section provided but backend='vllm'/);
  });
  it('passthrough_kwargs keys must not be top-level fields', () => {
    expect(check({ model: 'm', passthrough_kwargs: sec({ n: 5 }) })[0]).toMatch(/collide.*'n'/);
  });
  it('4-bit and 8-bit are exclusive; compile options need torch_compile; bnb needs 4-bit; cache_implementation needs cache', () => {
    expect(check({ model: 'm', pytorch: sec({ load_in_4bit: true, load_in_8bit: true }) })[0]).toMatch(/pytorch.*mutually exclusive/);
    expect(check({ model: 'm', pytorch: sec({ torch_compile_mode: 'x' }) })[0]).toMatch(/torch_compile: true/);
    expect(check({ model: 'm', pytorch: sec({ bnb_4bit_quant_type: 'nf4' }) })[0]).toMatch(/load_in_4bit/);
    expect(check({ model: 'm', pytorch: sec({ cache_implementation: 'static', use_cache: false }) })[0]).toMatch(/use_cache/);
  });
  it('lora needs exactly one source', () => {
    expect(check({ model: 'm', lora: sec({}) })[0]).toMatch(/lora: exactly one/);
    expect(check({ model: 'm', lora: sec({ adapter_id: 'a', adapter_path: 'b' }) })[0]).toMatch(/exactly one/);
  });
  it('vllm rules: speculative tokens, kv bytes vs utilisation, sampling vs beam search', () => {
    expect(check({ model: 'm', backend: 'vllm', vllm: sec({ engine: sec({ speculative_model: 'x' }) }) })[0]).toMatch(/num_speculative_tokens/);
    expect(check({ model: 'm', backend: 'vllm', vllm: sec({ engine: sec({ kv_cache_memory_bytes: 1, gpu_memory_utilization: new PyFloat(0.5) }) }) })[0]).toMatch(/mutually exclusive/);
    expect(check({ model: 'm', backend: 'vllm', vllm: sec({ sampling: sec({}), beam_search: sec({}) }) })[0]).toMatch(/sampling and beam_search/);
  });
  it('ranges name the path', () => {
    expect(check({ model: 'm', decoder: sec({ temperature: 3 }) })).toEqual(['decoder.temperature: Input should be less than or equal to 2']);
    expect(check({ model: 'm', vllm: sec({}), backend: 'vllm' })).toEqual([]);
    expect(check({ model: 'm', backend: 'vllm', vllm: sec({ engine: sec({ gpu_memory_utilization: 1 }) }) })).toEqual([
      'vllm.engine.gpu_memory_utilization: Input should be less than 1',
    ]);
  });
  it('decoder preset expands before validation and explicit keys win', () => {
    const r = validateModel(experimentSpec('head'), PyDict.fromObject({ model: 'm', decoder: sec({ preset: 'creative', top_p: new PyFloat(0.5) }) }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      const d = r.dump.get('decoder') as PyDict;
      expect((d.get('temperature') as PyFloat).value).toBe(0.8);
      expect((d.get('top_p') as PyFloat).value).toBe(0.5);
      expect((d.get('repetition_penalty') as PyFloat).value).toBe(1.1);
      expect(d.get('preset')).toBe('creative');
    }
  });
  it('tag schema: no dataset_order, backend sections forbid extra keys, flat vllm', () => {
    const r1 = validateModel(experimentSpec('tag'), PyDict.fromObject({ model: 'm', dataset_order: 'grouped' }));
    expect(r1.ok).toBe(false);
    const r2 = validateModel(experimentSpec('tag'), PyDict.fromObject({ model: 'm', pytorch: sec({ foo: 1 }) }));
    expect(r2.ok ? '' : r2.issues[0]?.loc.join('.')).toBe('pytorch.foo');
    const r3 = validateModel(experimentSpec('tag'), PyDict.fromObject({ model: 'm', backend: 'vllm', vllm: sec({ gpu_memory_utilization: 1 }) }));
    expect(r3.ok).toBe(true);
    const r4 = validateModel(experimentSpec('head'), PyDict.fromObject({ model: 'm', pytorch: sec({ foo: 1 }) }));
    expect(r4.ok).toBe(true);
  });
});
