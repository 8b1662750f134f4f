/**
 * Templated sweep points (core/llem/families/pypi070/templatedSweep.ts) against the point-by-point path:
 * the same plan — valid points (origin, hash, summary, estimate facts), skipped points and reasons,
 * warnings, study hash, run order, dedup count, errors — over hand-picked and generated campaigns.
 * Also the run-time checks that keep templates honest, on a small synthetic model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REQUIRED, type ModelSpec, validateModel } from '../../../../../contract/llem/modelSpec';
import { PyDict, PyFloat, type PyValue } from '../../../../../contract/llem/pyValue';
import { emitYaml } from '../../../../../core/llem/configWriter';
import { sha256Hex, sha256HexBytes, StudyHasher } from '../../../../../core/llem/hashing';
import { type PointPipeline, type SweepBlock, templateSweep } from '../../../../../core/llem/families/pypi070/templatedSweep';
import { TemplateKeys, scalarTokenEnd } from '../../../../../core/llem/families/pypi070/textTemplate';
import { resolvePypi070Study } from '../../../../../core/llem/families/pypi070/resolveStudy';
import type { RawPoint, ResolveOptions } from '../../../../../core/llem/types';
import { loadYaml11 } from '../../../../../core/llem/yaml11';
import { canonicalJson } from '../../../../../contract/llem/canonicalJson';

type Outcome = { ok: true; plan: unknown; templated: number } | { ok: false; error: string };

/** Everything a plan says, in comparable form. */
function outcome(yaml: string, mode: 'always' | 'off', opts: ResolveOptions = { collectFacts: true }): Outcome {
  const stats = { templatedPoints: 0 };
  try {
    const r = resolvePypi070Study(loadYaml11(yaml), opts, { templatedSweep: mode, stats });
    const plan = {
      // `canonical` is rebuilt point by point and checked against the planned hash (RegeneratedValidPoint).
      valid: r.valid.map((v) => ({ origin: v.origin, hash: v.hash, summary: v.summary, facts: v.facts, canonical: v.canonical })),
      skipped: r.skipped.map((s) => ({ origin: s.origin, label: s.label, reason: s.reason, ruleId: s.ruleId, issues: s.issues })),
      warnings: r.warnings,
      studyDesignHash: r.studyDesignHash,
      runs: r.runs,
      deduplicated: r.deduplicated,
      execution: r.execution,
    };
    return { ok: true, plan, templated: stats.templatedPoints };
  } catch (e) {
    return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Both paths agree; returns how many points were templated. */
function same(yaml: string, opts?: ResolveOptions): number {
  const slow = outcome(yaml, 'off', opts);
  const fast = outcome(yaml, 'always', opts);
  expect(fast.ok ? { ...fast, templated: 0 } : fast).toEqual(slow.ok ? { ...slow, templated: 0 } : slow);
  return fast.ok ? fast.templated : 0;
}

const MIN = 'task: {model: gpt2}\nserving_mode: offline\n';

describe('templated sweep points are the point-by-point points, byte for byte', () => {
  it('the benchmark shape (smaller), with and without estimate facts', () => {
    const yaml = `${MIN}sweep:\n  task.dataset.n_prompts: [1, 2, 3, 4, 5, 6]\n  task.max_output_tokens: [8, 16, 32, 64]\n  task.random_seed: [1, 2, 3]\nstudy_execution: {n_cycles: 2, experiment_order: shuffle}\n`;
    expect(same(yaml)).toBe(72);
    expect(same(yaml, {})).toBe(72);
    // The canonical text each hash stands for is rebuilt point by point and checked against the hash.
    const r = resolvePypi070Study(loadYaml11(yaml), {}, { templatedSweep: 'always' });
    for (const v of r.valid) expect(sha256Hex(v.canonical).slice(0, 16)).toBe(v.hash);
  });

  it('invalid swept values are skipped with llem’s reasons (also when the first point is invalid)', () => {
    const yaml = `${MIN}sweep:\n  task.dataset.n_prompts: [0, 5, -1, "12", 10.0, 7.5, abc, true, null]\n  task.max_output_tokens: [null, 16, 0, "x"]\n  task.dataset.order: [grouped, random, interleaved]\n`;
    expect(same(yaml)).toBeGreaterThan(0);
  });

  it('coerced values that resolve alike are de-duplicated alike (and kept when dedup is off)', () => {
    const sweep = 'sweep:\n  task.max_output_tokens: [16, 16.0, "16", 32]\n  task.random_seed: [1, 1.0, 2]\n';
    expect(same(`${MIN}${sweep}`)).toBeGreaterThan(0);
    expect(same(`${MIN}${sweep}study_execution: {deduplicate_equivalent: false}\n`)).toBeGreaterThan(0);
    expect(same(`${MIN}${sweep}study_execution: {deduplicate_equivalent: false}\n`, { dedupe: true, collectFacts: true })).toBeGreaterThan(0);
  });

  it('non-ASCII swept strings (the resolved text keeps them as UTF-8)', () => {
    expect(same(`${MIN}sweep:\n  task.model: [gpt2, "ünïcødé/😀", "org/模型"]\n  task.dataset.source: ["a\\tb", "é.jsonl"]\n`)).toBe(6);
  });

  it('offline warmup fields, float fields given ints, free-form values with NaN', () => {
    const yaml = `${MIN}passthrough_kwargs: {x: .nan, y: [1, 2.0]}\nsweep:\n  offline.warmup.n_prompts: [1, 3, 0]\n  offline.warmup.thermal_floor_seconds: [30, 45.5, 10]\n  task.max_input_tokens: [null, 64]\n`;
    expect(same(yaml)).toBeGreaterThan(0);
  });

  it('server mode with an slo (study text differs from the declared text)', () => {
    const yaml = `task: {model: gpt2}\nserving_mode: server\nengine: vllm\nserver: {traffic: {rate: 2, slo: {ttft_ms: 100}}}\nsweep:\n  task.max_output_tokens: [8, 16, 24]\n  task.random_seed: [1, 2]\n`;
    expect(same(yaml)).toBe(6);
  });

  it('several engine blocks, presets, explicit experiments equal to sweep points', () => {
    const yaml = `${MIN}engine: [transformers, vllm]\nsampling_preset: creative\nsweep:\n  task.max_output_tokens: [8, 16]\n  task.random_seed: [1, 2]\nexperiments:\n  - {task: {model: gpt2, max_output_tokens: 8, random_seed: 1}}\n  - {task: {model: other}}\n`;
    same(yaml);
    const sweepOnly = `${MIN}engine: [transformers, vllm]\nsampling_preset: creative\nsweep:\n  task.max_output_tokens: [8, 16]\n  task.random_seed: [1, 2]\n`;
    expect(same(sweepOnly)).toBe(8);
  });

  it('an explicit experiment equal to a templated point is de-duplicated against it', () => {
    const yaml = `${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  task.random_seed: [1, 2]\nexperiments:\n  - {task: {model: gpt2, max_output_tokens: 8.0, random_seed: 1}}\n  - {task: {model: gpt2, max_output_tokens: 9}}\n`;
    expect(same(yaml)).toBe(4);
    expect(resolvePypi070Study(loadYaml11(yaml), {}, { templatedSweep: 'always' }).deduplicated).toBe(1);
  });

  it('blocks the checks refuse stay point by point: engine sections, measurement, sampling presets, plain keys', () => {
    expect(same(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  transformers.engine_params.dtype: [float16, bfloat16]\n`)).toBe(0);
    expect(same(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  measurement.baseline.duration_seconds: [10, 20]\n`)).toBe(0);
    expect(same(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  sampling_preset: [creative, standard]\n`)).toBe(0);
    expect(same(`${MIN}sweep:\n  task.max_output_tokens: [8, 16]\n  server.cooldown_seconds: [1, 2]\n`)).toBe(0);
    expect(same(`${MIN}sweep:\n  task: [8, 16]\n  task.random_seed: [1, 2]\n`)).toBe(0);
    expect(same(`${MIN}sweep:\n  task.nope: [8, 16]\n`)).toBe(0);
  });

  it('configs llem cannot hash fail the same way', () => {
    same(`${MIN}passthrough_kwargs: {d: 2024-01-01}\nsweep:\n  task.max_output_tokens: [8, 16]\n`);
    same(`${MIN}passthrough_kwargs: {1: a, b: c}\nsweep:\n  task.max_output_tokens: [8, 16]\n`);
  });

  it('mixed serving modes and all-invalid sweeps fail the same way', () => {
    same(`${MIN}sweep:\n  task.max_output_tokens: [0, -1]\n  task.random_seed: [1, 2]\n`);
    same(`task: {model: gpt2}\nsweep:\n  task.max_output_tokens: [8, 16]\n  serving_mode: [offline, server]\n`);
  });
});

// --- generated campaigns ---------------------------------------------------------------------

const fl = (x: number): PyFloat => new PyFloat(x);
const leafValues: Record<string, fc.Arbitrary<PyValue>> = {
  'task.model': fc.constantFrom<PyValue>('gpt2', 'Qwen/Qwen2.5-0.5B', 'ünïcødé/😀', '', 3),
  'task.dataset.n_prompts': fc.oneof(fc.integer({ min: -2, max: 300 }), fc.constantFrom<PyValue>(fl(10), fl(2.5), '12', true, null)),
  'task.dataset.order': fc.constantFrom<PyValue>('interleaved', 'grouped', 'shuffled', 'random'),
  'task.dataset.source': fc.constantFrom<PyValue>('aienergyscore', 'x.jsonl', ''),
  'task.max_input_tokens': fc.oneof(fc.integer({ min: -1, max: 512 }), fc.constantFrom<PyValue>(null, fl(64))),
  'task.max_output_tokens': fc.oneof(fc.integer({ min: -1, max: 512 }), fc.constantFrom<PyValue>(null, fl(64), '32')),
  'task.random_seed': fc.oneof(fc.integer({ min: -5, max: 2 ** 40 }), fc.constantFrom<PyValue>(fl(3), 'x')),
  'offline.warmup.n_prompts': fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant<PyValue>(fl(2))),
  'offline.warmup.thermal_floor_seconds': fc.constantFrom<PyValue>(30, fl(45.5), 10, fl(1e20)),
  'offline.warmup.enabled': fc.constantFrom<PyValue>(true, false, 'yes', 2),
  // Keys the checks refuse (engine sections, validated sections, plain keys): mixed into some blocks.
  'transformers.engine_params.dtype': fc.constantFrom<PyValue>('float16', 'bfloat16'),
  'vllm.engine_params.max_num_seqs': fc.constantFrom<PyValue>(8, 0, 64),
  'measurement.energy_sampler': fc.constantFrom<PyValue>('auto', null, 'nvml'),
  sampling_preset: fc.constantFrom<PyValue>('creative', 'deterministic'),
};
const separableKeys = Object.keys(leafValues).filter((k) => k.startsWith('task.') || k.startsWith('offline.'));
const otherKeys = Object.keys(leafValues).filter((k) => !separableKeys.includes(k));

const axis = (key: string): fc.Arbitrary<[string, PyValue]> =>
  fc.uniqueArray(leafValues[key] as fc.Arbitrary<PyValue>, { minLength: 1, maxLength: 5, selector: (v) => canonicalJson(v, { defaultStr: true }) }).map((vs) => [key, vs]);

const campaign = fc
  .record({
    model: fc.constantFrom('gpt2', 'org/model-v2'),
    dataset: fc.option(fc.constantFrom<PyValue>(PyDict.from([['n_prompts', 10]]), PyDict.from([['order', 'grouped']])), { nil: undefined }),
    engine: fc.option(fc.constantFrom<PyValue>('transformers', 'vllm', 'tensorrt', ['vllm', 'transformers']), { nil: undefined }),
    preset: fc.option(fc.constantFrom('creative', 'deterministic'), { nil: undefined }),
    server: fc.boolean(),
    slo: fc.boolean(),
    passthrough: fc.option(fc.constantFrom<PyValue>(PyDict.from([['x', fl(NaN)]]), PyDict.from([['a', [1, fl(2)]]])), { nil: undefined }),
    axes: fc.uniqueArray(fc.constantFrom(...separableKeys), { minLength: 1, maxLength: 3 }).chain((keys) => fc.tuple(...keys.map(axis))),
    other: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...otherKeys).chain(axis) }),
    experiments: fc.option(fc.constantFrom<PyValue[]>([PyDict.from([['task', PyDict.from([['model', 'gpt2']])]])], [PyDict.from([])]), { freq: 4, nil: undefined }),
    execution: fc.option(
      fc.record({ dedup: fc.boolean(), order: fc.constantFrom('sequential', 'shuffle', 'reverse') }).map((e) =>
        PyDict.from([
          ['deduplicate_equivalent', e.dedup],
          ['experiment_order', e.order],
          ['n_cycles', 2],
        ]),
      ),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const s = new PyDict();
    const task = PyDict.from([['model', r.model]]);
    if (r.dataset) task.set('dataset', r.dataset);
    s.set('task', task);
    if (r.server) {
      s.set('serving_mode', 'server');
      s.set('engine', 'vllm');
      const traffic = PyDict.from([['rate', 2]]);
      if (r.slo) traffic.set('slo', PyDict.from([['ttft_ms', 100]]));
      s.set('server', PyDict.from([['traffic', traffic]]));
    } else {
      s.set('serving_mode', 'offline');
      if (r.engine !== undefined) s.set('engine', r.engine);
    }
    if (r.preset) s.set('sampling_preset', r.preset);
    if (r.passthrough) s.set('passthrough_kwargs', r.passthrough);
    // offline.* is refused in server mode (every point invalid): keep those few for the error path only.
    const sweep = PyDict.from(r.server && r.slo ? r.axes : r.axes.filter(([k]) => !(r.server && k.startsWith('offline.'))));
    if (sweep.size === 0) sweep.set('task.random_seed', [1, 2]);
    if (r.other) sweep.set(r.other[0], r.other[1]);
    s.set('sweep', sweep);
    if (r.experiments) s.set('experiments', r.experiments);
    if (r.execution) s.set('study_execution', r.execution);
    return emitYaml(s);
  });

describe('generated campaigns', () => {
  const runs = Number(process.env.TEMPLATED_RUNS ?? 1500);
  it(`${runs} campaigns: templated and point-by-point plans are identical`, () => {
    let templated = 0;
    let campaigns = 0;
    fc.assert(
      fc.property(campaign, (yaml) => {
        const n = same(yaml);
        templated += n;
        if (n > 0) campaigns++;
      }),
      { numRuns: runs, seed: Number(process.env.TEMPLATED_SEED ?? 20260701) },
    );
    // The comparison is not vacuous: most campaigns have templated points.
    expect(campaigns).toBeGreaterThan(runs * 0.5);
    expect(templated).toBeGreaterThan(runs * 3);
  });
});

// --- the run-time checks, on a small synthetic model ----------------------------------------------

const Inner: ModelSpec = {
  name: 'Inner',
  extra: 'forbid',
  fields: [
    { name: 'x', type: { k: 'int' }, default: 0 },
    { name: 'y', type: { k: 'int', ge: 0 }, default: 0 },
  ],
};
const rootSpec = (after: ModelSpec['after'] = []): ModelSpec => ({
  name: 'Root',
  extra: 'forbid',
  after,
  fields: [
    { name: 'a', type: { k: 'model', model: Inner }, default: REQUIRED },
    { name: 'b', type: { k: 'int' }, default: 1 },
  ],
});

function synthetic(spec: ModelSpec, describe: PointPipeline<string>['describe'] = (d) => String(d.get('b'))) {
  const xs: PyValue[] = [0, 1, 2, 3, 4, 5];
  const ys: PyValue[] = [0, 1, -1, 2];
  const block: SweepBlock = { first: 0, count: xs.length * ys.length, dimKeys: ['a.x', 'a.y'], dimValues: [xs, ys] };
  const at = (i: number): RawPoint => ({
    raw: PyDict.from([
      ['a', PyDict.from([['x', xs[Math.floor(i / ys.length)] as PyValue], ['y', ys[i % ys.length] as PyValue]])],
      ['b', 1],
    ]),
    origin: { kind: 'sweep', position: i },
  });
  const pipeline: PointPipeline<string> = {
    spec,
    finish: (d) => d,
    texts: (d) => ({ declared: canonicalJson(d), study: canonicalJson(d), resolved: canonicalJson(d, { compact: true }) }),
    describe,
  };
  return { block, at, pipeline };
}

describe('run-time checks of templatedSweep', () => {
  it('templated texts are the rendered texts; points with an invalid value are left alone', () => {
    const { block, at, pipeline } = synthetic(rootSpec());
    const t = templateSweep([block], at, pipeline, 'always');
    expect(t).not.toBeNull();
    let templated = 0;
    const keys = new Set<unknown>();
    for (let i = 0; i < block.count; i++) {
      const p = t?.point(i) ?? null;
      if (i % 4 === 2) {
        expect(p).toBeNull(); // y = -1 is invalid
        continue;
      }
      templated++;
      const r = at(i);
      const dump = validateModel(pipeline.spec, r.raw);
      if (!dump.ok || !p) throw new Error('expected a valid point');
      expect(sha256HexBytes(p.declared)).toBe(sha256Hex(canonicalJson(dump.dump)));
      // The resolved text is not hashed: its key is read back from the text the point-by-point path renders.
      expect(t?.resolvedKey(canonicalJson(dump.dump, { compact: true }))).toBe(p.resolvedKey);
      keys.add(p.resolvedKey);
      expect(p.origin).toEqual(r.origin);
    }
    expect(templated).toBe(18);
    expect(keys.size).toBe(18);
    // A text of another shape gets its SHA-256 instead.
    expect(t?.resolvedKey('{"a":{"x":0,"y":0,"z":1},"b":1}')).toBe(sha256Hex('{"a":{"x":0,"y":0,"z":1},"b":1}'));
  });

  it('a model validator that reads a swept section turns templates off for the block', () => {
    const reads = rootSpec([(d) => ((d.get('a') as PyDict).get('x') === 5 ? 'x may not be 5' : null)]);
    const { block, at, pipeline } = synthetic(reads);
    expect(templateSweep([block], at, pipeline, 'always')).toBeNull();
    // One that only looks at another field does not.
    const other = rootSpec([(d) => (d.get('b') === 2 ? 'b may not be 2' : null)]);
    const s = synthetic(other);
    expect(templateSweep([s.block], s.at, s.pipeline, 'always')).not.toBeNull();
  });

  it('a description that reads a leaf only for some values stops being memoised, and stays right', () => {
    const describe = (d: PyDict): string => {
      const a = d.get('a') as PyDict;
      return a.get('x') === 3 ? `x3 y${String(a.get('y'))}` : `x${String(a.get('x'))}`;
    };
    const { block, at, pipeline } = synthetic(rootSpec(), describe);
    const t = templateSweep([block], at, pipeline, 'always');
    for (let i = 0; i < block.count; i++) {
      const p = t?.point(i);
      if (!p) continue;
      const x = Math.floor(i / 4);
      const y = [0, 1, -1, 2][i % 4];
      expect(p.description).toBe(x === 3 ? `x3 y${y}` : `x${x}`);
    }
  });

  it('template keys read texts back unambiguously, whatever the leaf strings hold', () => {
    const tricky = ['"a"', '"a\\",\\"b\\":\\"c"', '"}"', '"\\\\"', '"\\"x"', '1', '-1.5e+20', 'null', '"NaN"'];
    const split = { pieces: ['{"p":', ',"q":', '}'], holes: [0, 1] };
    const keys = TemplateKeys.build(split, [tricky, tricky]);
    if (!keys) throw new Error('expected keys');
    const seen = new Map<string, number>();
    tricky.forEach((x, i) =>
      tricky.forEach((y, j) => {
        const text = `{"p":${x},"q":${y}}`;
        expect(keys.parse(text)).toBe(keys.keyOf([i, j]));
        seen.set(text, keys.keyOf([i, j]));
      }),
    );
    expect(new Set(seen.values()).size).toBe(seen.size);
    expect(keys.parse('{"p":"a","q":2}')).toBeNull(); // a leaf text the template never had
    expect(keys.parse('{"p":"a","q":1} ')).toBeNull();
    // A piece that a token could run on into makes keys unsafe: refused.
    expect(TemplateKeys.build({ pieces: ['[', '0]'], holes: [0] }, [['1', '10']])).toBeNull();
    expect(TemplateKeys.build(split, [['1,2'], ['1']])).toBeNull();
    expect(scalarTokenEnd('"a\\"b",1', 0)).toBe(6);
  });

  it('the study hasher hashes strings and bytes as one stream', () => {
    const texts = ['{"a": 1}', 'ünï 😀', 'x'.repeat(70_000), '', '{"b": 2}'];
    const viaStrings = new StudyHasher();
    const mixed = new StudyHasher();
    texts.forEach((t, i) => {
      viaStrings.add(t);
      if (i % 2) mixed.addBytes(Buffer.from(t, 'utf8'));
      else mixed.add(t);
    });
    const expected = sha256Hex(`[${texts.join(', ')}]`).slice(0, 16);
    expect(viaStrings.digest16()).toBe(expected);
    expect(mixed.digest16()).toBe(expected);
  });
});
