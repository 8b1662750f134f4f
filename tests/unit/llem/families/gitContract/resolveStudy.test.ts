import { describe, expect, it } from 'vitest';
import { PyDict, PyFloat, type PyValue } from '../../../../../contract/llem/pyValue';
import { resolveContractStudy } from '../../../../../core/llem/families/gitContract/resolveStudy';
import { CampaignError, type StudyResolution } from '../../../../../core/llem/types';
import { loadYaml11 } from '../../../../../core/llem/yaml11';

type Profile = 'head' | 'v0.8' | 'v0.7';
const plan = (yaml: string, profile: Profile = 'head', extra: Parameters<typeof resolveContractStudy>[2] = {}): StudyResolution =>
  resolveContractStudy(profile, loadYaml11(yaml), extra);
const fails = (yaml: string, profile: Profile = 'head'): CampaignError => {
  try {
    plan(yaml, profile);
  } catch (e) {
    if (e instanceof CampaignError) return e;
    throw e;
  }
  throw new Error('expected a CampaignError');
};
const get = (d: PyValue | undefined, path: string): PyValue | undefined =>
  path.split('.').reduce<PyValue | undefined>((cur, k) => (cur instanceof PyDict ? cur.get(k) : undefined), d);
const str = (v: PyValue | undefined): string => (v instanceof PyFloat ? String(v.value) : String(v));
const col = (r: StudyResolution, path: string): string[] => r.valid.map((v) => str(get(v.dump, path)));
const codes = (r: StudyResolution): string[] => r.warnings.map((w) => w.code);

describe('sweep expansion (contract §2.5)', () => {
  it('odometer order: last dimension varies fastest; universal dims before scoped ones', () => {
    const r = plan('model: m\nsweep:\n  pytorch.batch_size: [1, 2]\n  precision: [fp16, bf16]\n');
    expect(r.valid.map((v) => `${str(get(v.dump, 'precision'))}/${str(get(v.dump, 'pytorch.batch_size'))}`)).toEqual([
      'fp16/1',
      'fp16/2',
      'bf16/1',
      'bf16/2',
    ]);
  });
  it('scoped dims only combine with their own backend; backends in order of first appearance', () => {
    const r = plan('model: m\nsweep:\n  vllm.engine.max_num_seqs: [8, 16]\n  n: [1, 2]\n  pytorch.batch_size: [4]\n');
    expect(col(r, 'backend')).toEqual(['vllm', 'vllm', 'vllm', 'vllm', 'pytorch', 'pytorch']);
    expect(col(r, 'n')).toEqual(['1', '1', '2', '2', '1', '2']);
    expect(col(r, 'vllm.engine.max_num_seqs').slice(0, 2)).toEqual(['8', '16']);
  });
  it('a list-valued fixed backend is the outer loop', () => {
    const r = plan('model: m\nbackend: [vllm, pytorch]\nsweep: {n: [1, 2]}\n');
    expect(col(r, 'backend')).toEqual(['vllm', 'vllm', 'pytorch', 'pytorch']);
  });
  it('3-segment keys nest once and deep-merge into the fixed section (fixed sub-keys survive)', () => {
    const r = plan('model: m\nbackend: vllm\nvllm: {engine: {enforce_eager: true}}\nsweep:\n  vllm.engine.block_size: [8, 16]\n');
    expect(col(r, 'vllm.engine.block_size')).toEqual(['8', '16']);
    expect(col(r, 'vllm.engine.enforce_eager')).toEqual(['true', 'true']);
  });
  it('4+-segment keys become a literal dotted key (and a warning)', () => {
    const r = plan('model: m\nsweep:\n  vllm.engine.attention.backend: [flash_attn]\n');
    const engine = get(r.valid[0]?.dump, 'vllm.engine') as PyDict;
    expect(engine.get('attention.backend')).toBe('flash_attn');
    expect(codes(r)).toContain('literal-dotted-key');
  });
  it('a universal mapping value replaces the whole section', () => {
    const r = plan('model: m\ndecoder: {top_k: 7}\nsweep:\n  decoder: [{temperature: 0.0}, {preset: creative}]\n');
    expect(col(r, 'decoder.top_k')).toEqual(['50', '50']);
    expect(col(r, 'decoder.temperature')).toEqual(['0', '0.8']);
  });
  it('an empty value list yields zero configs for that backend', () => {
    const r = plan('model: m\nsweep:\n  vllm.engine.max_num_seqs: []\n  pytorch.batch_size: [1]\n');
    expect(col(r, 'backend')).toEqual(['pytorch']);
  });
  it('a non-list value is a one-element list', () => {
    expect(col(plan('model: m\nsweep: {n: 7}\n'), 'n')).toEqual(['7']);
  });
});

describe("llem's surprising behaviours are reproduced and reported", () => {
  it('dotted key on a non-backend section with a scalar backend: configs with backend "decoder", all invalid', () => {
    // The only "backend" is 'decoder', so every point is invalid and llem exits 2.
    expect(fails('model: m\nsweep:\n  decoder.temperature: [0.5, 0.7]\n  n: [1]\n').message).toMatch(/nothing to run — all 2 generated/);
  });
  it('… (the same, with a valid sibling so the study resolves)', () => {
    const r = plan('model: m\nsweep:\n  decoder.temperature: [0.5]\n  pytorch.batch_size: [1]\n');
    expect(r.skipped.map((s) => s.label)).toEqual(['decoder, ?']); // precision is not in the raw point
    expect(r.skipped[0]?.reason).toMatch(/backend: Input should be 'pytorch', 'vllm' or 'tensorrt'/);
    expect(codes(r)).toContain('dotted-non-backend-key');
  });
  it('dotted non-backend key with a list backend is silently dropped (warned)', () => {
    const r = plan('model: m\nbackend: [pytorch]\nsweep:\n  decoder.temperature: [0.5, 0.7]\n');
    expect(r.valid).toHaveLength(1);
    expect(col(r, 'decoder.temperature')).toEqual(['1']);
    expect(r.warnings.find((w) => w.code === 'dotted-non-backend-key')?.message).toMatch(/silently dropped/);
  });
  it('dotted non-backend key works by accident when backend is also swept', () => {
    const r = plan('model: m\nsweep:\n  backend: [pytorch]\n  decoder.temperature: [0.5, 0.7]\n');
    expect(col(r, 'decoder.temperature')).toEqual(['0.5', '0.7']);
    expect(r.warnings.find((w) => w.code === 'dotted-non-backend-key')?.message).toMatch(/by accident/);
  });
  it('fixed model plus experiments: the fixed config runs as an extra experiment', () => {
    const r = plan('model: m\nexperiments:\n  - {n: 1}\n  - {n: 2}\n');
    expect(col(r, 'n')).toEqual(['100', '1', '2']);
    expect(codes(r)).toContain('fixed-config-added');
  });
  it('scoped keys of two backends with a scalar fixed backend: both backends run', () => {
    const r = plan('model: m\nbackend: pytorch\nsweep:\n  pytorch.batch_size: [1]\n  vllm.engine.max_num_seqs: [8]\n');
    expect(col(r, 'backend')).toEqual(['pytorch', 'vllm']);
    expect(codes(r)).toContain('fixed-backend-ignored');
  });
  it('duplicated configs are kept (llem HEAD) with a warning; dedupe is an explicit option', () => {
    const yaml = 'model: m\nsweep: {n: [1, 1, 2]}\nexecution: {n_cycles: 1, cycle_order: sequential}\n';
    const kept = plan(yaml);
    expect(kept.valid).toHaveLength(3);
    expect(codes(kept)).toContain('duplicate-configs');
    expect(kept.runs.map((r) => r.cycle)).toEqual([1, 2, 1]);
    const deduped = plan(yaml, 'head', { dedupe: true });
    expect(deduped.valid).toHaveLength(2);
    expect(deduped.deduplicated).toBe(1);
    expect(deduped.studyDesignHash).toBe(plan('model: m\nsweep: {n: [1, 2]}\nexecution: {n_cycles: 1, cycle_order: sequential}\n').studyDesignHash);
    expect(deduped.studyDesignHash).not.toBe(kept.studyDesignHash);
  });
  it('a list-valued fixed backend without a sweep is skipped', () => {
    const r = plan('model: m\nbackend: [pytorch, vllm]\nexperiments:\n  - {backend: pytorch}\n');
    expect(r.skipped).toHaveLength(1);
    expect(r.valid).toHaveLength(1);
  });
  it('v0.8 tag: the fixed backend section is shared, so every point gets the last value', () => {
    const yaml = 'model: m\npytorch: {batch_size: 1}\nsweep:\n  pytorch.num_beams: [1, 2, 3]\n';
    expect(col(plan(yaml, 'v0.8'), 'pytorch.num_beams')).toEqual(['3', '3', '3']);
    expect(codes(plan(yaml, 'v0.8'))).toContain('tag-shared-section');
    expect(col(plan(yaml, 'head'), 'pytorch.num_beams')).toEqual(['1', '2', '3']);
  });
  it('v0.8 tag: 3-segment keys are stored literally (invalid there)', () => {
    const r = plan('model: m\nsweep:\n  vllm.engine.max_num_seqs: [8]\n  pytorch.batch_size: [1]\n', 'v0.8');
    expect(r.skipped[0]?.reason).toMatch(/vllm -> engine.max_num_seqs: Extra inputs are not permitted/);
  });
});

describe('study pipeline (contract §2.3–2.8)', () => {
  const files: Record<string, string> = {
    '/s/base.yaml': 'model: base-model\nn: 9\ndecoder: {top_k: 3, temperature: 0.5}\nsweep: {ignored: [1]}\nname: dropped\n',
    '/s/sub/b2.yaml': '',
  };
  const readFile = (p: string): string => {
    const t = files[p];
    if (t === undefined) throw new Error('ENOENT');
    return t;
  };
  it('base: relative to the study file; study keys replace base keys wholesale', () => {
    const r = plan('base: base.yaml\ndecoder: {temperature: 0.9}\nsweep: {precision: [fp16]}\n', 'head', { file: '/s/study.yaml', readFile });
    expect(col(r, 'model')).toEqual(['base-model']);
    expect(col(r, 'n')).toEqual(['9']);
    expect(col(r, 'decoder.top_k')).toEqual(['50']);
    expect(col(r, 'decoder.temperature')).toEqual(['0.9']);
  });
  it('an empty base file is {}; a missing one is an error naming the resolved path', () => {
    expect(plan('base: sub/b2.yaml\nmodel: m\nsweep: {n: [1]}\n', 'head', { file: '/s/study.yaml', readFile }).valid).toHaveLength(1);
    expect(() => plan('base: nope.yaml\nmodel: m\nsweep: {n: [1]}\n', 'head', { file: '/s/study.yaml', readFile })).toThrow(/base: file not found: \/s\/nope.yaml/);
  });
  it('explicit entries shallow-merge over the fixed config (nested mappings replaced)', () => {
    const r = plan('decoder: {top_k: 3}\nexperiments:\n  - {model: a, decoder: {temperature: 0.1}}\n');
    expect(col(r, 'decoder.top_k')).toEqual(['50']);
  });
  it('no experiments at all, all invalid, bad execution: clear errors', () => {
    expect(fails('sweep: {}\n').message).toMatch(/Study produced no experiments/);
    expect(fails('model: m\nsweep: {n: [0, -1]}\n').message).toMatch(/nothing to run — all 2 generated config\(s\) are invalid/);
    const e = fails('model: m\nsweep: {n: [1]}\nexecution: {n_cycles: 0, colour: red}\n');
    expect(e.message).toMatch(/execution -> n_cycles: Input should be greater than or equal to 1/);
    expect(e.message).toMatch(/execution -> colour: Extra inputs are not permitted/);
  });
  it('v0.7 names the gap field config_gap_seconds and has no study mode (warned)', () => {
    const r = plan('model: m\nsweep: {n: [1]}\nexecution: {config_gap_seconds: 5}\n', 'v0.7');
    expect(r.execution.experimentGapSeconds).toBe(5);
    expect(codes(r)).toContain('no-study-mode');
    expect(fails('model: m\nsweep: {n: [1]}\nexecution: {experiment_gap_seconds: 5}\n', 'v0.7').message).toMatch(/experiment_gap_seconds/);
    expect(fails('model: m\nsweep: {n: [1]}\nexecution: {skip_preflight: true}\n', 'v0.8').message).toMatch(/skip_preflight/);
  });
  it('execution overrides (like --cycles/--order/--no-gaps) beat the YAML', () => {
    const r = plan('model: m\nsweep: {n: [1, 2]}\nexecution: {n_cycles: 5, experiment_gap_seconds: 9}\n', 'head', {
      executionOverrides: { nCycles: 1, order: 'interleaved', noGaps: true },
    });
    expect(r.runs).toHaveLength(2);
    expect(r.execution).toMatchObject({ nCycles: 1, order: 'interleaved', experimentGapSeconds: 0 });
  });
  it('sweep / experiments / entries of the wrong type are errors with the path', () => {
    expect(fails('model: m\nsweep: [1, 2]\n').path).toBe('sweep');
    expect(fails('model: m\nexperiments: {a: 1}\n').path).toBe('experiments');
    expect(fails('model: m\nexperiments: [1]\n').path).toBe('experiments[0]');
  });
});

describe('experiment files (no sweep / experiments)', () => {
  it('one run, study hash "" (llem records none), unknown keys → did you mean', () => {
    const r = plan('model: gpt2\nversion: 3\n');
    expect(r.kind).toBe('experiment');
    expect(r.studyDesignHash).toBe('');
    expect(r.runs).toHaveLength(1);
    expect(r.valid[0]?.hash).toBe('adc3a93de2c0ee4d');
    expect(fails('model: gpt2\nprecison: fp16\nwarmpu: {}\n').message).toBe(
      "Unknown field 'precison' — did you mean 'precision'?\nUnknown field 'warmpu' — did you mean 'warmup'?",
    );
    expect(fails('model: gpt2\nname: x\n').message).toMatch(/Unknown field 'name'/);
  });
});

describe('compact plans: valid configs are rebuilt on demand, not kept', () => {
  const yaml = 'model: m\nsweep:\n  precision: [fp16, bf16, fp32]\n  pytorch.batch_size: [1, 4]\nexperiments:\n  - {model: other, n: 7}\n';

  it('every rebuilt config hashes to its planned hash (checked on each access), in expansion order', () => {
    const compact = plan(yaml);
    expect(compact.valid.map((v) => v.constructor.name)).toEqual(Array(7).fill('RegeneratedValidPoint'));
    expect(col(compact, 'precision')).toEqual(['fp16', 'fp16', 'bf16', 'bf16', 'fp32', 'fp32', 'bf16']);
    expect(col(compact, 'pytorch.batch_size')).toEqual(['1', '4', '1', '4', '1', '4', 'undefined']);
    expect(col(compact, 'n')).toEqual(['100', '100', '100', '100', '100', '100', '7']);
    expect(compact.valid[6]!.canonical).toContain('"model": "other"');
    // The tags share sections while generating (llem's bug), so their points cannot be rebuilt one by one.
    expect(plan(yaml, 'v0.8').valid.map((v) => v.constructor.name)).toEqual(Array(7).fill('LazyValidPoint'));
  });

  it('refuses to hand out a config that no longer matches its hash', () => {
    const parsed = loadYaml11('model: m\ndecoder: {temperature: 0.5}\nsweep:\n  n: [1, 2]\n');
    const r = resolveContractStudy('head', parsed, {});
    // Mutating the parsed document after planning changes what a rebuild sees: the guard must catch it.
    ((parsed as PyDict).get('decoder') as PyDict).set('temperature', new PyFloat(0.9));
    expect(() => r.valid[0]!.dump).toThrow(/rebuilt with hash .* planned as/);
  });
});
