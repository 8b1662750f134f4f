/**
 * fast-check generator of llem 0.7.0 (PyPI) study files for the cross-check against the real
 * llem: fixed fields, engine sections, presets, sweep axes (lists, idioms, dotted keys, groups),
 * explicit experiments, server mode, study_execution — mixing valid and invalid values and
 * YAML 1.1 quirks.
 */
import fc from 'fast-check';
import { PyDict, PyFloat, type PyValue } from '../../../contract/llem/pyValue';
import { emitYaml } from '../../../core/llem/configWriter';

const d = (entries: [string, PyValue][]): PyDict => PyDict.from(entries);
const fl = (x: number): PyFloat => new PyFloat(x);
/** Mostly absent (3 in 4), like an optional YAML key. */
const rarely = <T>(a: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight, arbitrary: a });
/** A valid value usually, an invalid one now and then. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 10, arbitrary: good }, { weight: 1, arbitrary: bad });

const models = fc.constantFrom('gpt2', 'Qwen/Qwen2.5-0.5B', 'meta-llama/Llama-3.1-8B', 'ünïcødé/😀', 'org/model-v2');
const engine = fc.constantFrom('transformers', 'vllm', 'tensorrt');

const outTokens = fc.oneof(fc.constantFrom<PyValue>(16, 64, 128, null, fl(64.0), '32'), fc.integer({ min: -1, max: 300 }));

const task = fc
  .record({
    model: models,
    n: fc.option(mostly<PyValue>(fc.integer({ min: 1, max: 200 }), fc.constantFrom<PyValue>(0, fl(10.0), '12')), { nil: undefined }),
    out: fc.option(outTokens, { nil: undefined }),
    seed: fc.option(fc.integer({ min: -5, max: 2 ** 40 }), { nil: undefined }),
    order: fc.option(mostly<string>(fc.constantFrom('interleaved', 'grouped', 'shuffled'), fc.constant('random')), { nil: undefined }),
  })
  .map(({ model, n, out, seed, order }) => {
    const t = d([['model', model]]);
    if (n !== undefined || order !== undefined) {
      const ds = new PyDict();
      if (n !== undefined) ds.set('n_prompts', n);
      if (order !== undefined) ds.set('order', order);
      t.set('dataset', ds);
    }
    if (out !== undefined) t.set('max_output_tokens', out);
    if (seed !== undefined) t.set('random_seed', seed);
    return t;
  });

const transformersSection = fc
  .record({
    dtype: fc.option(fc.constantFrom('float16', 'bfloat16', 'float32'), { nil: undefined }),
    attn: fc.option(fc.constantFrom('sdpa', 'flash_attention_2', 'eager'), { nil: undefined }),
    temp: fc.option(fc.constantFrom<PyValue>(fl(0.0), fl(0.7), 1, fl(1.3)), { nil: undefined }),
    doSample: fc.option(fc.boolean(), { nil: undefined }),
    topK: fc.option(mostly(fc.integer({ min: 0, max: 60 }), fc.constant(-1)), { nil: undefined }),
    batch: fc.option(mostly(fc.integer({ min: 1, max: 8 }), fc.constant(0)), { nil: undefined }),
    compile: fc.option(fc.constantFrom<PyValue>(true, false, null), { nil: undefined }),
    extra: fc.option(fc.constantFrom<PyValue>(fl(1.5), 3, 'x'), { nil: undefined }),
  })
  .map((r) => {
    const s = new PyDict();
    const ep = new PyDict();
    if (r.dtype) ep.set('dtype', r.dtype);
    if (r.attn) ep.set('attn_implementation', r.attn);
    if (r.extra !== undefined) ep.set('low_cpu_mem_usage', r.extra);
    if (ep.size) s.set('engine_params', ep);
    const sp = new PyDict();
    if (r.temp !== undefined) sp.set('temperature', r.temp);
    if (r.doSample !== undefined) sp.set('do_sample', r.doSample);
    if (r.topK !== undefined) sp.set('top_k', r.topK);
    if (sp.size) s.set('sampling_params', sp);
    const ex = new PyDict();
    if (r.batch !== undefined) ex.set('batch_size', r.batch);
    if (r.compile !== undefined) ex.set('torch_compile', r.compile);
    if (ex.size) s.set('llem_execution', ex);
    return s;
  });

const vllmSection = fc
  .record({
    gmu: fc.option(fc.constantFrom<PyValue>(fl(0.5), fl(0.9), 1, fl(1.2), 0), { nil: undefined }),
    seqs: fc.option(fc.integer({ min: 0, max: 512 }), { nil: undefined }),
    temp: fc.option(fc.constantFrom<PyValue>(fl(0.0), fl(0.8)), { nil: undefined }),
    topP: fc.option(fc.constantFrom<PyValue>(fl(0.5), fl(1.0), 2), { nil: undefined }),
    seed: fc.option(fc.constantFrom<PyValue>(-1, 0, 7), { nil: undefined }),
  })
  .map((r) => {
    const s = new PyDict();
    const ep = new PyDict();
    if (r.gmu !== undefined) ep.set('gpu_memory_utilization', r.gmu);
    if (r.seqs !== undefined) ep.set('max_num_seqs', r.seqs);
    if (r.seed !== undefined) ep.set('seed', r.seed);
    if (ep.size) s.set('engine_params', ep);
    const sp = new PyDict();
    if (r.temp !== undefined) sp.set('temperature', r.temp);
    if (r.topP !== undefined) sp.set('top_p', r.topP);
    if (sp.size) s.set('sampling_params', sp);
    return s;
  });

const axis = fc.oneof(
  fc.constant<[string, PyValue]>(['task.max_output_tokens', [16, 32]]),
  fc.constant<[string, PyValue]>(['task.dataset.n_prompts', [5, 10, 10]]),
  fc.constant<[string, PyValue]>(['sampling_preset', ['creative', 'deterministic', 'standard']]),
  fc.constant<[string, PyValue]>(['sampling_preset', 'factual']),
  fc.constant<[string, PyValue]>(['transformers.engine_params.dtype', ['float16', 'bfloat16']]),
  fc.constant<[string, PyValue]>(['transformers.sampling_params.temperature', [fl(0.0), fl(0.5), 1]]),
  fc.constant<[string, PyValue]>(['transformers.sampling_params.do_sample', [true, false]]),
  fc.constant<[string, PyValue]>(['transformers.sampling_params.top_p', [fl(0.9), fl(1.0)]]),
  fc.constant<[string, PyValue]>(['transformers.llem_execution.batch_size', [1, 4, 0]]),
  fc.constant<[string, PyValue]>(['vllm.engine_params.max_num_seqs', d([['pow2', d([['min', 8], ['max', 64]])]])]),
  fc.constant<[string, PyValue]>(['vllm.engine_params.gpu_memory_utilization', d([['min', fl(0.5)], ['max', fl(0.9)], ['num', 3]])]),
  fc.constant<[string, PyValue]>(['vllm.sampling_params.temperature', [fl(0.0), fl(0.7)]]),
  fc.constant<[string, PyValue]>(['vllm.engine_params.seed', [-1, 3]]),
  fc.constant<[string, PyValue]>(['tensorrt.engine_params.max_batch_size', d([['log', d([['min', 1], ['max', 100], ['num', 4]])]])]),
  fc.constant<[string, PyValue]>(['measurement.energy_sampler', ['auto', null, 'nvml']]),
  fc.constant<[string, PyValue]>(['task.random_seed', d([['min', 1], ['max', 10], ['num', 4]])]),
  fc.constant<[string, PyValue]>(['engine', ['transformers', 'vllm']]),
  fc.constant<[string, PyValue]>([
    'transformers.compile',
    [
      d([
        ['transformers.llem_execution.torch_compile', true],
        ['transformers.llem_execution.torch_compile_mode', ['default', 'reduce-overhead']],
      ]),
      d([]),
    ],
  ]),
  fc.constant<[string, PyValue]>(['decoding', [d([['sampling_preset', 'creative']]), d([['task.max_output_tokens', 8]])]]),
);

const execution = fc
  .record({
    n: fc.option(mostly(fc.integer({ min: 1, max: 3 }), fc.constant(0)), { nil: undefined }),
    order: fc.option(mostly(fc.constantFrom('sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'), fc.constant('shuffled')), { nil: undefined }),
    seed: fc.option(fc.oneof(fc.integer({ min: -3, max: 100 }), fc.constant(2 ** 40 + 3)), { nil: undefined }),
    dedup: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => {
    const e = new PyDict();
    if (r.n !== undefined) e.set('n_cycles', r.n);
    if (r.order !== undefined) e.set('experiment_order', r.order);
    if (r.seed !== undefined) e.set('shuffle_seed', r.seed);
    if (r.dedup !== undefined) e.set('deduplicate_equivalent', r.dedup);
    return e;
  });

export const pypiStudyArb = fc
  .record({
    task,
    engine: fc.option(fc.oneof(engine, fc.constant<PyValue>(['vllm', 'transformers'])), { nil: undefined }),
    preset: fc.option(fc.constantFrom('creative', 'deterministic'), { nil: undefined }),
    transformers: fc.option(transformersSection, { nil: undefined }),
    vllm: fc.option(vllmSection, { nil: undefined }),
    axes: fc.uniqueArray(axis, { maxLength: 4, selector: (a) => a[0] }),
    experiments: fc.option(
      fc.array(
        fc.record({
          out: fc.option(outTokens, { nil: undefined }),
          engine: fc.option(engine, { nil: undefined }),
          temp: fc.option(fc.constantFrom<PyValue>(fl(0.0), fl(0.2)), { nil: undefined }),
        }),
        { minLength: 0, maxLength: 3 },
      ),
      { nil: undefined },
    ),
    execution: fc.option(execution, { nil: undefined }),
    servingMode: mostly<PyValue | undefined>(fc.constant('offline'), fc.constant(undefined)),
    quirks: fc.subarray(['yes-bool', 'exp-string', 'hex-int']),
    server: rarely(
      fc.record({
        rate: fc.constantFrom<PyValue>(1, fl(2.5), 0),
        slo: fc.boolean(),
        warmup: fc.constantFrom<string | undefined>('composite', 'fixed', undefined),
        sweepRate: fc.boolean(),
      }),
    ),
  })
  .map((r) => {
    const s = new PyDict();
    s.set('study_name', 'gen');
    s.set('task', r.task);
    if (r.servingMode !== undefined) s.set('serving_mode', r.servingMode);
    if (r.engine !== undefined) s.set('engine', r.engine);
    if (r.preset !== undefined) s.set('sampling_preset', r.preset);
    if (r.transformers !== undefined) s.set('transformers', r.transformers);
    if (r.vllm !== undefined) s.set('vllm', r.vllm);
    if (r.axes.length) s.set('sweep', PyDict.from(r.axes));
    if (r.experiments !== undefined) {
      s.set(
        'experiments',
        r.experiments.map((e) => {
          const x = new PyDict();
          if (e.out !== undefined) x.set('task', d([['model', 'gpt2'], ['max_output_tokens', e.out]]));
          if (e.engine !== undefined) x.set('engine', e.engine);
          if (e.temp !== undefined) x.set('transformers', d([['sampling_params', d([['temperature', e.temp]])]]));
          return x;
        }),
      );
    }
    if (r.execution !== undefined) s.set('study_execution', r.execution);
    if (r.server) {
      // Server mode: vLLM with a traffic spec (transformers has no server mode in 0.7.0).
      s.set('serving_mode', 'server');
      s.set('engine', 'vllm');
      s.delete('transformers');
      const traffic = d([['rate', r.server.rate]]);
      if (r.server.slo) traffic.set('slo', d([['ttft_ms', 100], ['percentile', fl(0.9)]]));
      const server = d([['traffic', traffic]]);
      if (r.server.warmup) server.set('warmup', d([['mode', r.server.warmup]]));
      s.set('server', server);
      if (r.server.sweepRate) {
        const sweep = (s.get('sweep') as PyDict | undefined) ?? new PyDict();
        sweep.set('server.traffic.rate', [1, 2]);
        s.set('sweep', sweep);
      }
    }
    let text = emitYaml(s);
    // YAML 1.1 quirks PyYAML resolves differently from YAML 1.2 parsers.
    if (r.quirks.includes('yes-bool')) text += 'measurement:\n  latency_profiling: yes\n';
    if (r.quirks.includes('exp-string') && !r.server) text += 'offline:\n  warmup:\n    cv_threshold: 1e-1\n';
    if (r.quirks.includes('hex-int')) text += 'passthrough_kwargs:\n  hex: 0x1F\n  oct: 017\n  sexa: 1:30\n  f: 1.0e+3\n';
    return text;
  });

/**
 * Sweeps the templated path takes (task.* and offline.* axes, several values each, valid and invalid),
 * over varied fixed configs: engines, presets, server mode with an slo, free-form values, dedup settings.
 */
export const templatedSweepArb = fc
  .record({
    task,
    engine: fc.option(fc.oneof(engine, fc.constant<PyValue>(['vllm', 'transformers'])), { nil: undefined }),
    preset: fc.option(fc.constantFrom('creative', 'deterministic'), { nil: undefined }),
    server: fc.boolean(),
    axes: fc.uniqueArray(
      fc.constantFrom<[string, PyValue[]]>(
        ['task.max_output_tokens', [16, 32, fl(64.0), '8', 0]],
        ['task.dataset.n_prompts', [5, 10, 10, -1]],
        ['task.random_seed', [1, 2, fl(3.0)]],
        ['task.max_input_tokens', [null, 64, 128]],
        ['task.dataset.order', ['grouped', 'shuffled', 'random']],
        ['task.model', ['gpt2', 'ünïcødé/😀', 'org/model-v2']],
        ['offline.warmup.n_prompts', [1, 3, 0]],
        ['offline.warmup.thermal_floor_seconds', [30, fl(45.5)]],
      ),
      { minLength: 2, maxLength: 3, selector: (a) => a[0] },
    ),
    passthrough: fc.option(fc.constantFrom<PyValue>(d([['x', fl(NaN)]]), d([['a', [1, fl(2.0)]]])), { nil: undefined }),
    dedup: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((r) => {
    const s = new PyDict();
    s.set('study_name', 'templated');
    s.set('task', r.task);
    if (r.server) {
      s.set('serving_mode', 'server');
      s.set('engine', 'vllm');
      s.set('server', d([['traffic', d([['rate', 2], ['slo', d([['ttft_ms', 100]])]])]]));
    } else {
      s.set('serving_mode', 'offline');
      if (r.engine !== undefined) s.set('engine', r.engine);
    }
    if (r.preset !== undefined) s.set('sampling_preset', r.preset);
    if (r.passthrough !== undefined) s.set('passthrough_kwargs', r.passthrough);
    s.set('sweep', PyDict.from(r.axes.filter(([k]) => !(r.server && k.startsWith('offline.')))));
    const exec = d([['n_cycles', 2]]);
    if (r.dedup !== undefined) exec.set('deduplicate_equivalent', r.dedup);
    s.set('study_execution', exec);
    return emitYaml(s);
  });
