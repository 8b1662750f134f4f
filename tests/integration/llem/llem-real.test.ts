/**
 * Cross-check against the REAL llem (PyPI llenergymeasure, via tests/llem-oracle/oracle.py):
 * for generated and hand-written campaigns, llem Studio's `pypi-0.7.0` profile must give the
 * same accept/reject decision, the same unique configs (canonical text = measurement hash),
 * the same study_design_hash, the same run order and the same skipped points; and llem's own
 * loaders must accept the experiment and study YAML the app writes, with identical hashes.
 *
 * Skips (with the reason printed) when the llem venv is absent; fails instead under CI=true.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlemOracle, requireLlemOrSkip, type LlemStudy } from '../../helpers/llemOracle';
import { exportExperimentYaml, exportResolvedStudyYaml } from '../../../core/llem/configWriter';
import { type Pypi070Tuning, resolvePypi070Study } from '../../../core/llem/families/pypi070/resolveStudy';
import { PyRandom } from '../../../core/llem/mt19937';
import { applyCycles, orderKind } from '../../../core/llem/runOrder';
import { CampaignError, type StudyResolution } from '../../../core/llem/types';
import { loadYaml11 } from '../../../core/llem/yaml11';
import { PyDict } from '../../../contract/llem/pyValue';
import { pypiStudyArb, templatedSweepArb } from './pypiCampaignArb';

const skip = requireLlemOrSkip();
const RUNS = Number(process.env.LLEM_REAL_RUNS ?? 500);

type Mine = { ok: true; res: StudyResolution } | { ok: false; message: string };

function planMine(file: string, tuning: Pypi070Tuning = {}): Mine {
  try {
    return { ok: true, res: resolvePypi070Study(loadYaml11(readFileSync(file)), { file, readFile: (p) => readFileSync(p) }, tuning) };
  } catch (e) {
    if (e instanceof CampaignError || (e as Error).name === 'YamlLoadError') return { ok: false, message: (e as Error).message };
    throw e;
  }
}

function isStudyFile(file: string): boolean {
  try {
    const v = loadYaml11(readFileSync(file));
    return v instanceof PyDict && (v.has('sweep') || v.has('experiments'));
  } catch {
    return true;
  }
}

/** `llem run FILE` semantics: a study file goes to the study loader, anything else to the experiment loader. */
/**
 * The pinned oracle venv installs llem with --no-deps; llem's study finalisation imports numpy
 * for `sequential` order with n_cycles > 1 (study/server_session → harness/traffic). Such an
 * answer is an oracle-environment defect, not a verdict: counted and reported, fatal under CI.
 */
export const envDefects: string[] = [];

function isEnvDefect(o: { ok: boolean; error_type?: string; message?: string }): boolean {
  return !o.ok && o.error_type === 'ModuleNotFoundError';
}

async function checkFile(oracle: LlemOracle, file: string): Promise<{ diffs: string[]; accepted: boolean }> {
  const mine = planMine(file);
  if (isStudyFile(file)) {
    const o = await oracle.study(file);
    if (isEnvDefect(o)) {
      envDefects.push(`${file}: ${(o as { message: string }).message}`);
      if (process.env.CI === 'true') return { diffs: [`oracle venv is missing a module llem imports here: ${(o as { message: string }).message} — add it to scripts/setup-llem-venv.sh`], accepted: false };
      return { diffs: [], accepted: false };
    }
    return { diffs: compare(o, mine), accepted: o.ok };
  }
  const o = await oracle.experiment(file);
  if (!o.ok) return { diffs: mine.ok ? [`llem rejects the experiment (${o.error_type}: ${o.message.slice(0, 300)}) but llem Studio accepts`] : [], accepted: false };
  if (!mine.ok) return { diffs: [`llem accepts the experiment but llem Studio rejects: ${mine.message.slice(0, 300)}`], accepted: true };
  const m = mine.res.valid[0];
  return { diffs: m && m.hash === o.measurement_config_hash ? [] : [`experiment hash: llem ${o.measurement_config_hash}, ours ${m?.hash}
  llem: ${o.canonical}
  ours: ${m?.canonical}`], accepted: true };
}

/** Differences between llem's answer and ours, as readable strings (empty = identical). */
function compare(o: Awaited<ReturnType<LlemOracle['study']>>, mine: Mine): string[] {
  if (!o.ok) return mine.ok ? [`llem rejects (${o.error_type}: ${o.message.slice(0, 300)}) but llem Studio accepts`] : [];
  if (!mine.ok) return [`llem accepts but llem Studio rejects: ${mine.message.slice(0, 300)}`];
  const s = o as LlemStudy;
  const r = mine.res;
  const diffs: string[] = [];
  if (s.experiments.length !== r.valid.length) diffs.push(`unique configs: llem ${s.experiments.length}, ours ${r.valid.length}`);
  s.experiments.forEach((e, i) => {
    const m = r.valid[i];
    if (m && e.canonical !== m.canonical) diffs.push(`config ${i}:\n  llem: ${e.canonical}\n  ours: ${m.canonical}`);
    if (m && e.measurement_config_hash !== m.hash) diffs.push(`config ${i} hash: llem ${e.measurement_config_hash}, ours ${m.hash}`);
  });
  if (s.study_design_hash !== r.studyDesignHash) diffs.push(`study_design_hash: llem ${s.study_design_hash}, ours ${r.studyDesignHash}`);
  const order = r.runs.map((x) => x.configIndex);
  if (JSON.stringify(s.execution_order) !== JSON.stringify(order)) diffs.push(`order: llem ${JSON.stringify(s.execution_order)}, ours ${JSON.stringify(order)}`);
  const sk = s.skipped.map((x) => `${x.label}|${x.rule_id ?? ''}`);
  const mk = r.skipped.map((x) => `${x.label}|${x.ruleId ?? ''}`);
  if (JSON.stringify(sk) !== JSON.stringify(mk)) diffs.push(`skipped: llem ${JSON.stringify(sk)}, ours ${JSON.stringify(mk)}`);
  return diffs;
}

describe.skipIf(skip)('llem Studio vs the real llem (PyPI llenergymeasure)', () => {
  let oracle: LlemOracle;
  let dir: string;
  let counter = 0;
  const write = (text: string, name = `c${counter++}.yaml`): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  beforeAll(async () => {
    const o = await LlemOracle.start();
    if (!o) throw new Error(`llem oracle unavailable: ${LlemOracle.lastUnavailableReason}`);
    oracle = o;
    dir = mkdtempSync(path.join(tmpdir(), 'llem-real-'));
    const v = await oracle.version();
    if (v.ok) console.log(`real llem under test: ${v.version_line} (Python ${v.python}, venv ${oracle.venvDir})`);
  }, 60_000);

  afterAll(async () => {
    await oracle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the llem version it tests', async () => {
    const v = await oracle.version();
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.version_line).toBe('llem v0.7.0');
  });

  const corpus: Record<string, string> = {
    'every offline section': `study_name: corpus-offline
task:
  model: "Qwen/Qwen2.5-0.5B"
  dataset: {source: aienergyscore, n_prompts: 20, order: shuffled}
  max_input_tokens: 128
  max_output_tokens: 32
  random_seed: 7
serving_mode: offline
measurement:
  baseline: {enabled: true, duration_seconds: 10, strategy: fresh, cache_ttl_seconds: 600, validation_interval: 2, drift_threshold: 0.2}
  energy_sampler: nvml
  latency_profiling: true
  measurement_methodology: windowed
  measurement_window: [1, 5.5]
offline:
  warmup: {enabled: true, n_prompts: 3, thermal_floor_seconds: 30, convergence_detection: true, cv_threshold: 0.1, max_prompts: 10, window_size: 4, min_prompts: 2}
passthrough_kwargs: {trust_remote_code: true, x: [1, 2.0, "three"]}
sweep:
  transformers.engine_params.dtype: [float16, bfloat16]
  transformers.llem_execution.batch_size: [1, 8]
study_execution: {n_cycles: 2, experiment_order: interleave, experiment_gap_seconds: 5, cycle_gap_seconds: 30}
`,
    'vllm engine + sampling + compilation/speculative': `task: {model: "meta-llama/Llama-3.1-8B", max_output_tokens: 64}
serving_mode: offline
engine: vllm
vllm:
  engine_params:
    dtype: bfloat16
    gpu_memory_utilization: 0.85
    kv_cache_dtype: fp8
    enable_prefix_caching: true
    compilation_config: {mode: 3, cudagraph_capture_sizes: [1, 2, 4]}
    speculative_config: {method: ngram, num_speculative_tokens: 4, prompt_lookup_max: 4}
    attention: {backend: FLASH_ATTN}
  sampling_params: {temperature: 0.7, top_p: 0.9, presence_penalty: 0.5}
sweep:
  vllm.engine_params.max_num_seqs: {pow2: {min: 16, max: 256}}
study_execution: {experiment_order: reverse, n_cycles: 3}
`,
    'server mode with traffic sweep and slo': `task: {model: gpt2}
serving_mode: server
engine: vllm
server:
  traffic: {rate: 2, arrival: gamma, burstiness: 1.5, concurrency_cap: 8, seed: 1, slo: {ttft_ms: 200, tpot_ms: 50}}
  warmup: {mode: fixed, duration_seconds: 60}
  cooldown_seconds: 10
sweep:
  server.traffic.rate: [1, 2, 4]
study_execution: {experiment_order: latin_square, n_cycles: 4}
`,
    'tensorrt + explicit experiments + base-less groups': `task: {model: gpt2}
serving_mode: offline
engine: tensorrt
tensorrt: {engine_params: {max_batch_size: 8, backend: pytorch}}
sweep:
  tensorrt.precision: [{tensorrt.engine_params.dtype: float16}, {tensorrt.engine_params.dtype: bfloat16}]
experiments:
  - {engine: transformers, transformers: {engine_params: {dtype: float32}}}
  - {task: {model: gpt2, max_output_tokens: 8}}
`,
    'dormant sampling fields dedup (greedy)': `task: {model: gpt2}
serving_mode: offline
sweep:
  transformers.sampling_params.do_sample: [false]
  transformers.sampling_params.temperature: [0.1, 0.5, 0.9]
  transformers.sampling_params.top_p: [0.5, 0.95]
`,
    'invalid points skipped by engine rules': `task: {model: gpt2}
serving_mode: offline
sweep:
  transformers.engine_params.load_in_4bit: [true, false]
  transformers.engine_params.load_in_8bit: [true, false]
  transformers.sampling_params.top_k: [-1, 5]
`,
    'experiment entries deep-merge and strip foreign sections': `task: {model: gpt2, max_output_tokens: 16}
serving_mode: offline
transformers: {sampling_params: {temperature: 0.3}}
vllm: {engine_params: {max_num_seqs: 4}}
experiments:
  - {engine: vllm}
  - {transformers: {sampling_params: {top_k: 3}}}
  - {engine: vllm, transformers: {engine_params: {dtype: float16}}}
`,
  };

  for (const [name, text] of Object.entries(corpus)) {
    it(`hand-written campaign: ${name}`, async () => {
      const f = write(text);
      const r = await checkFile(oracle, f);
      expect(r.diffs).toEqual([]);
      expect(r.accepted).toBe(true);
    });
  }

  it(`${RUNS} generated campaigns: same configs, hashes, order and skipped points as llem`, async () => {
    const failures: string[] = [];
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(pypiStudyArb, async (text) => {
        const f = write(text);
        const { diffs, accepted: ok } = await checkFile(oracle, f);
        if (ok) accepted++;
        if (diffs.length) failures.push(`--- ${f}\n${text}\n${diffs.join('\n')}`);
        return diffs.length === 0;
      }),
      { numRuns: RUNS, seed: Number(process.env.LLEM_REAL_SEED ?? 20260515), endOnFailure: true },
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message.slice(0, 2000)}\n${failures.slice(0, 3).join('\n')}`);
    });
    console.log(`generated campaigns: ${RUNS}, accepted by llem: ${accepted}`);
    if (envDefects.length) {
      console.warn(
        `WARNING: ${envDefects.length} campaign(s) not cross-checked: the llem oracle venv lacks a module llem imports (e.g. numpy for sequential order with n_cycles > 1); fix scripts/setup-llem-venv.sh. First: ${envDefects[0]}`,
      );
    }
    expect(accepted).toBeGreaterThan(RUNS / 4);
  }, 600_000);

  it('templated sweep points (pypi070/templatedSweep.ts): same configs, hashes, order and skipped points as llem', async () => {
    const failures: string[] = [];
    let templated = 0;
    await fc.assert(
      fc.asyncProperty(templatedSweepArb, async (text) => {
        const f = write(text);
        const stats = { templatedPoints: 0 };
        const o = await oracle.study(f);
        if (isEnvDefect(o)) return true;
        const diffs = compare(o, planMine(f, { templatedSweep: 'always', stats }));
        templated += stats.templatedPoints;
        if (diffs.length) failures.push(`--- ${f}\n${text}\n${diffs.join('\n')}`);
        return diffs.length === 0;
      }),
      { numRuns: 80, seed: Number(process.env.LLEM_REAL_SEED ?? 20260702), endOnFailure: true },
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message.slice(0, 2000)}\n${failures.slice(0, 3).join('\n')}`);
    });
    expect(templated).toBeGreaterThan(400); // not vacuous: most of these points are templated
  }, 600_000);

  it('MT19937 shuffles match CPython for 300 random seeds (negative, > 2^32) and lengths', async () => {
    const cases = fc.sample(fc.tuple(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER })), fc.integer({ min: 0, max: 300 })), { numRuns: 300, seed: 5 });
    for (const [seed, n] of cases) {
      const o = await oracle.shuffle(seed, n);
      if (!o.ok) throw new Error(o.message);
      const xs = Array.from({ length: n }, (_, i) => i);
      new PyRandom(seed).shuffle(xs);
      expect(xs, `seed ${seed}, n ${n}`).toEqual(o.order);
    }
  });

  it("every cycle order matches llem's apply_cycles (200 random cases)", async () => {
    const cases = fc.sample(
      fc.record({
        n: fc.integer({ min: 0, max: 12 }),
        nCycles: fc.integer({ min: 1, max: 5 }),
        order: fc.constantFrom('sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'),
        hash: fc.stringMatching(/^[0-9a-f]{16}$/),
        seed: fc.option(fc.integer({ min: -1000, max: 2 ** 40 }), { nil: null }),
      }),
      { numRuns: 200, seed: 9 },
    );
    for (const c of cases) {
      const o = await oracle.order({ n: c.n, nCycles: c.nCycles, order: c.order, studyDesignHash: c.hash, shuffleSeed: c.seed });
      if (!o.ok) throw new Error(o.message);
      expect(applyCycles(c.n, c.nCycles, orderKind(c.order), c.hash, c.seed), JSON.stringify(c)).toEqual(o.order);
    }
  });

  it('llem accepts every experiment YAML the app writes, with the same measurement hash', async () => {
    const studies = fc.sample(pypiStudyArb, { numRuns: 120, seed: 7 });
    let checked = 0;
    for (const text of studies) {
      const f = write(text);
      const mine = planMine(f);
      if (!mine.ok) continue;
      for (const v of mine.res.valid.slice(0, 3)) {
        const yaml = exportExperimentYaml(v.raw, 'pypi-0.7.0');
        const o = await oracle.experiment(write(yaml));
        if (!o.ok) throw new Error(`llem rejected an exported experiment: ${o.message}\n${yaml}`);
        // The exported experiment is the declared config; llem's study runs its dormant-canonical form.
        const direct = resolvePypi070Study(loadYaml11(yaml));
        expect(o.measurement_config_hash).toBe(direct.valid[0]?.hash);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  }, 300_000);

  it('llem reads back the study YAML the app writes with the same study hash and order', async () => {
    const studies = fc.sample(pypiStudyArb, { numRuns: 120, seed: 11 });
    let checked = 0;
    for (const text of studies) {
      const mine = planMine(write(text));
      if (!mine.ok) continue;
      const exported = exportResolvedStudyYaml(mine.res);
      const o = await oracle.study(write(exported));
      if (isEnvDefect(o) && process.env.CI !== 'true') continue;
      if (!o.ok) throw new Error(`llem rejected an exported study: ${o.message}\n${exported}`);
      expect(o.study_design_hash).toBe(mine.res.studyDesignHash);
      expect(o.execution_order).toEqual(mine.res.runs.map((r) => r.configIndex));
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  }, 300_000);
});
