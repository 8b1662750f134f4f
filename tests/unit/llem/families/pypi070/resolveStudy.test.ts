import { describe, expect, it } from 'vitest';
import { PyDict, PyFloat, type PyValue } from '../../../../../contract/llem/pyValue';
import { expandAxisIdiom, roundSig10 } from '../../../../../core/llem/families/pypi070/sweepIdioms';
import { normaliseForResolvedHash } from '../../../../../contract/llem/pypi070/hashing';
import { resolvePypi070Study } from '../../../../../core/llem/families/pypi070/resolveStudy';
import { CampaignError, type StudyResolution } from '../../../../../core/llem/types';
import { loadYaml11 } from '../../../../../core/llem/yaml11';
import { applyCycles } from '../../../../../core/llem/runOrder';

const plan = (yaml: string): StudyResolution => resolvePypi070Study(loadYaml11(yaml));
const fails = (yaml: string): string => {
  try {
    plan(yaml);
  } catch (e) {
    if (e instanceof CampaignError) return e.message;
    throw e;
  }
  throw new Error('expected a CampaignError');
};
const get = (d: PyValue | undefined, path: string): PyValue | undefined =>
  path.split('.').reduce<PyValue | undefined>((cur, k) => (cur instanceof PyDict ? cur.get(k) : undefined), d);
const str = (v: PyValue | undefined): string => (v instanceof PyFloat ? String(v.value) : String(v));
const col = (r: StudyResolution, path: string): string[] => r.valid.map((v) => str(get(v.dump, path)));
const MIN = 'task: {model: gpt2}\nserving_mode: offline\n';

// Vectors computed by the real llem 0.7.0 (docs/llem-pypi-release.md, "Own vectors").
describe('PyPI 0.7.0 vectors from the real llem', () => {
  it('minimal experiment hash and canonical text', () => {
    const r = plan(MIN);
    expect(r.kind).toBe('experiment');
    expect(r.valid[0]?.hash).toBe('a0767dbccba6fc45');
    expect(r.valid[0]?.canonical).toBe(
      '{"engine": "transformers", "measurement": {"baseline": {"cache_ttl_seconds": 7200.0, "drift_threshold": 0.1, "duration_seconds": 30.0, "enabled": true, "strategy": "validated", "validation_interval": 5}, "energy_sampler": "auto", "latency_profiling": false, "measurement_methodology": "total", "measurement_window": null, "steady_state_auto_detect": false, "warmup_discard_fraction": 0.1, "warmup_discard_seconds": null}, "offline": null, "passthrough_kwargs": null, "sampling_preset": null, "server": null, "serving_mode": "offline", "task": {"dataset": {"n_prompts": 100, "order": "interleaved", "source": "aienergyscore"}, "max_input_tokens": 256, "max_output_tokens": 256, "model": "gpt2", "random_seed": 42}, "tensorrt": null, "transformers": null, "vllm": null}',
    );
  });
  it('dtype sweep with CLI defaults: hash, per-config hashes, shuffled x3 order', () => {
    const r = plan(`${MIN}sweep: {transformers.engine_params.dtype: [float16, bfloat16]}\n`);
    expect(r.studyDesignHash).toBe('00b4f3171a90f3bf');
    expect(r.valid.map((v) => v.hash)).toEqual(['ddbd042071cae684', '53122933491ba17a']);
    expect(r.runs.map((x) => x.configIndex)).toEqual([1, 0, 0, 1, 1, 0]);
    expect(r.execution).toMatchObject({ nCycles: 3, order: 'shuffle', defaulted: { nCycles: true, order: true } });
  });
  it('two identical entries collapse by resolved-config dedup', () => {
    const r = plan(`${MIN}experiments: [{}, {}]\n`);
    expect(r.valid).toHaveLength(1);
    expect(r.deduplicated).toBe(1);
    expect(r.studyDesignHash).toBe('b7fbc062f271cd53');
    expect(r.runs.map((x) => x.configIndex)).toEqual([0, 0, 0]);
  });
});

describe('server mode: slo is excluded from the declared hash but kept in the study hash', () => {
  const yaml = `task: {model: gpt2}
serving_mode: server
engine: vllm
server:
  traffic: {rate: 2, arrival: gamma, burstiness: 1.5, concurrency_cap: 8, seed: 1, slo: {ttft_ms: 200, tpot_ms: 50}}
  warmup: {mode: fixed, duration_seconds: 60}
  cooldown_seconds: 10
sweep:
  server.traffic.rate: [1, 2, 4]
study_execution: {experiment_order: latin_square, n_cycles: 4}
`;
  it('study hash computed by the real llem 0.7.0', () => {
    const r = plan(yaml);
    expect(r.studyDesignHash).toBe('26867e8f6067c1c9');
    // Planning does not edit the configs: the validated dumps still carry slo.
    expect(get(r.valid[0]?.dump, 'server.traffic.slo')).toBeInstanceOf(PyDict);
    expect(r.valid[0]?.canonical).not.toMatch(/"slo"/);
    expect(r.studyDesignHash).toBe(plan(yaml).studyDesignHash);
  });
});

describe('sweep grammar of 0.7.0', () => {
  it('dotted non-engine keys unflatten into the fixed section', () => {
    const r = plan(`${MIN}sweep: {task.dataset.n_prompts: [5, 20]}\n`);
    expect(col(r, 'task.dataset.n_prompts')).toEqual(['5', '20']);
    expect(col(r, 'task.model')).toEqual(['gpt2', 'gpt2']);
  });
  it('groups are unions of variants, crossed with axes (groups outer, axes inner)', () => {
    const r = plan(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  transformers.compile:\n    - {transformers.llem_execution.torch_compile: true, transformers.llem_execution.torch_compile_mode: [default, max-autotune]}\n    - {}\n`);
    expect(r.valid.map((v) => `${str(get(v.dump, 'transformers.llem_execution.torch_compile_mode'))}/${str(get(v.dump, 'task.max_output_tokens'))}`)).toEqual([
      'default/8',
      'default/16',
      'max-autotune/8',
      'max-autotune/16',
      'undefined/8',
      'undefined/16',
    ]);
  });
  it('engine-scoped axes plus a fixed engine: engines sorted, the fixed one added (warned)', () => {
    const r = plan(`${MIN}engine: vllm\nsweep: {transformers.engine_params.dtype: [float16]}\n`);
    expect(col(r, 'engine')).toEqual(['transformers', 'vllm']);
    expect(r.warnings.map((w) => w.code)).toContain('fixed-engine-added');
  });
  it('mixed dict/scalar sweep entries are an error', () => {
    expect(fails(`${MIN}sweep: {x: [{a: 1}, 2]}\n`)).toMatch(/mixes dicts and scalars/);
  });
  it('a literal mapping axis that is not an idiom is an error naming the axis', () => {
    expect(fails(`${MIN}sweep: {task.dataset: {source: x}}\n`)).toMatch(/sweep axis 'task.dataset'.*not a recognised range shorthand/);
  });
  it('no experiments with a fixed model and no sweep is one baseline; with experiments it is not added', () => {
    expect(plan(`${MIN}sweep: {}\n`).valid).toHaveLength(1);
    const r = plan(`${MIN}experiments: [{task: {model: a}}]\n`);
    expect(col(r, 'task.model')).toEqual(['a']);
  });
  it('mixed serving modes are refused', () => {
    expect(fails(`${MIN}sweep: {serving_mode: [offline, server]}\nengine: vllm\nserver: {traffic: {rate: 1}}\nexperiments: [{serving_mode: server}, {server: null}]\n`)).toMatch(/mixes serving_mode/);
  });
  it('engine rules reject points and report the rule id', () => {
    const r = plan(`${MIN}sweep: {transformers.engine_params.load_in_4bit: [true, false]}\ntransformers: {engine_params: {load_in_8bit: true}}\n`);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]?.ruleId).toBe('transformers_bnb_load_in_4bit_xor_load_in_8bit');
    expect(r.skipped[0]?.label).toBe('transformers, ?');
  });
  it('sampling presets write into a shared engine section (llem mutates it in place): warned', () => {
    const r = plan(`${MIN}transformers: {sampling_params: {top_k: 5}}\nsweep: {sampling_preset: [creative, deterministic]}\n`);
    expect(col(r, 'transformers.sampling_params.temperature')).toEqual(['0.8']);
    expect(r.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['preset-leak', 'llem-dedup']));
  });
  it('study-level keys are validated (study_execution extra keys, output)', () => {
    expect(fails(`${MIN}sweep: {task.max_output_tokens: [8]}\nstudy_execution: {cycle_order: shuffled}\n`)).toMatch(/study_execution -> cycle_order: Extra inputs are not permitted/);
    expect(fails(`${MIN}sweep: {task.max_output_tokens: [8]}\noutput: {dir: x}\n`)).toMatch(/output -> dir/);
  });
  it('experiment files: serving_mode required, harness retired, did-you-mean', () => {
    expect(fails('task: {model: gpt2}\n')).toMatch(/serving_mode is required/);
    expect(fails(`${MIN}harness: {}\n`)).toMatch(/'harness:' section was removed/);
    expect(fails(`${MIN}engin: vllm\n`)).toBe("Unknown field 'engin' - did you mean 'engine'?");
  });
});

describe('sweep idioms', () => {
  const idiom = (yaml: string): unknown[] =>
    expandAxisIdiom(loadYaml11(yaml) as PyDict).map((v) => (v instanceof PyFloat ? `f${v.value}` : typeof v === 'bigint' ? v.toString() : v));
  it('linear: int steps stay ints, otherwise rounded floats', () => {
    expect(idiom('{min: 1, max: 10, num: 4}')).toEqual([1, 4, 7, 10]);
    expect(idiom('{min: 0, max: 1, num: 4}')).toEqual(['f0', 'f0.3333333333', 'f0.6666666667', 'f1']);
    expect(idiom('{min: 0.1, max: 0.3, num: 3}')).toEqual(['f0.1', 'f0.2', 'f0.3']);
  });
  it('log and pow2', () => {
    expect(idiom('{log: {min: 1, max: 100, num: 3}}')).toEqual([1, 10, 100]);
    expect(idiom('{pow2: {min: 3, max: 70}}')).toEqual([4, 8, 16, 32, 64]);
    expect(idiom('{pow2: {min: 0.2, max: 1}}')).toEqual(['f0.25', 'f0.5', 'f1']);
  });
  it('bad shapes are refused with llem wording', () => {
    expect(() => idiom('{min: 1, max: 0, num: 3}')).toThrow(/must not exceed max/);
    expect(() => idiom('{log: {min: 0, max: 1, num: 3}}')).toThrow(/requires min > 0/);
    expect(() => idiom('{a: 1}')).toThrow(/not a recognised range shorthand/);
    expect(() => idiom('{min: 1, max: 2, num: 1}')).toThrow(/'num' must be an integer >= 2/);
  });
  it('10-significant-digit rounding breaks exact ties to even like Python', () => {
    expect(roundSig10(1234567890.5)).toBe(1234567890);
    expect(roundSig10(1234567891.5)).toBe(1234567892);
    expect(roundSig10(0.1 + 0.2)).toBe(0.3);
  });
});

describe('resolved-hash normalisation (domain/hashing._normalise)', () => {
  const n = (x: number): unknown => {
    const v = normaliseForResolvedHash(new PyFloat(x));
    return v instanceof PyFloat ? `f${v.value}` : v;
  };
  it('integral floats fold to int; others round to 12 significant digits; NaN/inf become strings', () => {
    expect(n(1.0)).toBe(1);
    expect(n(0.1 + 0.2)).toBe('f0.3');
    expect(n(NaN)).toBe('NaN');
    expect(n(-Infinity)).toBe('-Infinity');
    expect(n(1.0000000000001)).toBe(1);
  });
});

describe('PyPI orders', () => {
  it('reverse alternates direction per cycle; latin square is a Williams design', () => {
    expect(applyCycles(3, 3, 'reverse', '0', null)).toEqual([0, 1, 2, 2, 1, 0, 0, 1, 2]);
    expect(applyCycles(4, 4, 'latin_square', '0', null)).toEqual([0, 1, 3, 2, 1, 2, 0, 3, 2, 3, 1, 0, 3, 0, 2, 1]);
    expect(applyCycles(3, 2, 'latin_square', '0', null)).toEqual([0, 1, 2, 1, 2, 0]);
  });
});

describe('compact plans (PyPI 0.7.0): independent points are rebuilt on demand', () => {
  const kinds = (r: StudyResolution): string[] => [...new Set(r.valid.map((v) => v.constructor.name))];

  it('a sweep of independent points keeps no configs, and each rebuild matches its hash', () => {
    const r = plan(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  transformers.engine_params.dtype: [float16, bfloat16]\nexperiments:\n  - {task: {model: other}}\n`);
    expect(kinds(r)).toEqual(['RegeneratedValidPoint']);
    expect(col(r, 'task.max_output_tokens')).toEqual(['8', '8', '16', '16', '256']);
    expect(col(r, 'transformers.engine_params.dtype').slice(0, 4)).toEqual(['float16', 'bfloat16', 'float16', 'bfloat16']);
    expect(col(r, 'task.model')).toEqual(['gpt2', 'gpt2', 'gpt2', 'gpt2', 'other']);
  });

  it('points that share mutable dicts (fixed engine section, sweep groups) keep the configs llem validated in order', () => {
    const fixedSection = plan(`${MIN}transformers: {sampling_params: {top_k: 5}}\nsweep: {sampling_preset: [creative, deterministic]}\n`);
    expect(kinds(fixedSection)).toEqual(['LazyValidPoint']);
    const groups = plan(`${MIN}sweep:\n  cfg:\n    - {task.max_output_tokens: 8}\n    - {task.max_output_tokens: 16}\n`);
    expect(kinds(groups)).toEqual(['LazyValidPoint']);
    expect(col(groups, 'task.max_output_tokens')).toEqual(['8', '16']);
  });
});
