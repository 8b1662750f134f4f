import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../contract/llem/canonicalJson';
import { PyDict, PyFloat, type PyValue } from '../../../contract/llem/pyValue';
import { resolveContractStudy } from '../../../core/llem/families/gitContract/resolveStudy';
import { emitYaml, exportExperimentYaml, exportResolvedStudyYaml, yamlFloat, yamlQuote } from '../../../core/llem/configWriter';
import { resolvePypi070Study } from '../../../core/llem/families/pypi070/resolveStudy';
import { CampaignError } from '../../../core/llem/types';
import { loadYaml11 } from '../../../core/llem/yaml11';

/** Equality that distinguishes int from float (what llem hashes). */
const typed = (v: PyValue): string => canonicalJson(tagFloats(v));
function tagFloats(v: PyValue): PyValue {
  if (v instanceof PyFloat) return `float:${Object.is(v.value, -0) ? '-0' : String(v.value)}`;
  if (Array.isArray(v)) return v.map(tagFloats);
  if (v instanceof PyDict) {
    const d = new PyDict();
    for (const [k, x] of v.entries()) d.set(k, tagFloats(x));
    return d;
  }
  return v;
}

describe('scalars PyYAML reads back unchanged', () => {
  const tricky = ['yes', 'No', 'on', '~', 'null', '', '1e-5', '017', '0o17', '1:30', '1_000', '.inf', '=', '<<', ' lead', 'a: b', '#x', '- x', '@a', '`b', '😀', '\u0085', '\u2028', 'tab\there', 'q"uote', 'back\\slash', '\u0007', '\ufeffbom', 'ünï'];
  for (const s of tricky) it(JSON.stringify(s), () => expect((loadYaml11(`a: ${yamlQuote(s)}`) as PyDict).get('a')).toBe(s));
  it('floats keep a dot, never an exponent, and round-trip bit-exactly', () => {
    expect(yamlFloat(1e-5)).toBe('0.00001');
    expect(yamlFloat(2)).toBe('2.0');
    expect(yamlFloat(1e16)).toBe('10000000000000000.0');
    expect(yamlFloat(-0)).toBe('-0.0');
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        const back = (loadYaml11(`a: ${yamlFloat(x)}`) as PyDict).get('a');
        return back instanceof PyFloat && Object.is(back.value, x);
      }),
      { numRuns: 2000 },
    );
  });
});

const pyValueArb: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER)),
    fc.double({ noNaN: true }).map((x) => new PyFloat(x)),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('yes', '1e-5', '017', '1:30', 'null', '', '~'),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), tie('v')), { maxLength: 4, selector: (t) => t[0] }).map((e) => PyDict.from(e)),
  ),
})).v;

describe('emitYaml round trip (parse(export(x)) == x, int/float kept)', () => {
  it('2000 random value trees', () => {
    fc.assert(
      fc.property(pyValueArb, (v) => typed(loadYaml11(emitYaml(v))) === typed(v)),
      { numRuns: 2000 },
    );
  });
  it('parse → export → parse is stable for a study with every kind of value', () => {
    const src = 'name: "x"\nmodel: gpt2\npassthrough_kwargs: {a: 1, b: 1.0, c: [yes, "yes", ~], d: {}}\nsweep:\n  n: [1, 2]\n  pytorch.batch_size: []\nexecution: {n_cycles: 2}\n';
    const once = loadYaml11(src);
    expect(typed(loadYaml11(emitYaml(once)))).toBe(typed(once));
  });
});

describe('experiment export', () => {
  const vectors = [
    'model: gpt2',
    'model: Qwen/Qwen2.5-0.5B\nbackend: vllm\nn: 50\nprecision: fp16\ndecoder: {preset: deterministic}\nvllm: {engine: {gpu_memory_utilization: 0.85, block_size: 16, attention: {backend: flash_attn}}, sampling: {presence_penalty: 0.5, max_tokens: 64}}',
    'model: meta-llama/Llama-3.1-8B\npytorch: {batch_size: 4, load_in_4bit: true, bnb_4bit_compute_dtype: bfloat16, length_penalty: 1}\nwarmup: {thermal_floor_seconds: 30}\nbaseline: {enabled: false}\nenergy: {backend: null}\noutput_dir: /tmp/out',
    'model: "ünïcødé/😀"\ndataset: {n: 10, input_len: 64}\npassthrough_kwargs: {x: [1, 2, "a\\"b\\n"]}\nlora: {adapter_id: foo/bar}',
    'model: gpt2\ndecoder: {preset: creative, min_p: 0.05}',
    'model: gpt2\ndecoder: {preset: creative, temperature: 1.0}',
  ];
  for (const [i, y] of vectors.entries()) {
    it(`contract vector ${i + 1}: exported YAML re-hashes identically (minimal and full)`, () => {
      const h = (text: string): string => resolveContractStudy('head', loadYaml11(text)).valid[0]?.hash ?? '';
      const raw = loadYaml11(y) as PyDict;
      expect(h(exportExperimentYaml(raw, 'head'))).toBe(h(y));
      expect(h(exportExperimentYaml(raw, 'head', { minimal: false }))).toBe(h(y));
    });
  }
  it('a field the profile lacks is an error naming it, never dropped', () => {
    const raw = loadYaml11('model: gpt2\ndataset_order: grouped') as PyDict;
    expect(() => exportExperimentYaml(raw, 'v0.8')).toThrow(/has no field 'dataset_order'/);
    expect(() => exportExperimentYaml(loadYaml11('model: gpt2\nbackend: vllm\nvllm: {max_num_seqs: 4}') as PyDict, 'head')).toThrow(/ignores vllm.max_num_seqs/);
    expect(() => exportExperimentYaml(raw, 'pypi-0.7.0')).toThrow(CampaignError);
  });
  it('non-string keys in free-form sections are refused', () => {
    expect(() => exportExperimentYaml(loadYaml11('model: m\npytorch: {max_memory: {0: 10GiB}}') as PyDict, 'head')).toThrow(/not a string/);
  });
  it('PyPI: exported experiments re-hash identically', () => {
    const y = 'task: {model: gpt2, max_output_tokens: 32}\nserving_mode: offline\nengine: vllm\nsampling_preset: creative\nvllm: {engine_params: {gpu_memory_utilization: 1, offload_params: [a]}, sampling_params: {top_p: 1}}\nserver: null\n';
    const h = (text: string): string => resolvePypi070Study(loadYaml11(text)).valid[0]?.hash ?? '';
    expect(h(exportExperimentYaml(loadYaml11(y) as PyDict, 'pypi-0.7.0'))).toBe(h(y));
  });
});

describe('study export', () => {
  it('a resolved HEAD study (duplicates kept) re-plans to the same hash and order', () => {
    const src = 'name: s\nmodel: gpt2\nsweep: {n: [1, 1, 2], precision: [fp16, bf16]}\nexecution: {n_cycles: 2, cycle_order: shuffled, experiment_gap_seconds: 3}\n';
    const a = resolveContractStudy('head', loadYaml11(src));
    const b = resolveContractStudy('head', loadYaml11(exportResolvedStudyYaml(a)));
    expect(b.studyDesignHash).toBe(a.studyDesignHash);
    expect(b.runs).toEqual(a.runs);
    expect(b.execution.experimentGapSeconds).toBe(3);
    expect(b.warnings.map((w) => w.code)).not.toContain('fixed-config-added');
  });
  it('exports use the profile spelling of execution settings', () => {
    const a = resolveContractStudy('v0.7', loadYaml11('model: m\nsweep: {n: [1]}\nexecution: {config_gap_seconds: 2}\n'));
    expect(exportResolvedStudyYaml(a)).toMatch(/"config_gap_seconds": 2.0/);
    const p = resolvePypi070Study(loadYaml11('study_name: s\nserving_mode: offline\ntask: {model: gpt2}\nsweep: {transformers.engine_params.dtype: [float16, bfloat16]}\nstudy_execution: {n_cycles: 2, experiment_order: interleave}\n'));
    const written = exportResolvedStudyYaml(p);
    expect(written).toMatch(/^"study_execution":/m);
    expect(written).toMatch(/"experiment_order": "interleave"/);
    expect(written).not.toMatch(/^"execution":|"cycle_order"/m);
  });
});
