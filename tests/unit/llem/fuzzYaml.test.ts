/**
 * 12,000 hostile or broken llem files through the whole planner (YAML → resolution → hash →
 * order → estimate → CLI JSON), for every profile: wrong types, huge lists, deep nesting, alias
 * bombs, invalid UTF-8, enormous numbers, mutated real studies. Each must either plan or fail
 * with a CampaignError / YamlLoadError whose message says what and where — never crash, never
 * hang (bounded by the loader/resolver limits), never print `undefined` or `[object Object]`.
 */
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../../contract/llem/planCliJson';
import { PyDict, PyFloat, type PyValue } from '../../../contract/llem/pyValue';
import { emitYaml } from '../../../core/llem/configWriter';
import { planStudyFromText } from '../../../core/llem/studyPlanner';
import { CampaignError, type ProfileId } from '../../../core/llem/types';
import { YamlLoadError } from '../../../core/llem/yaml11';

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  'name: s\nmodel: gpt2\nn: 5\nsweep:\n  precision: [fp16, bf16]\n  pytorch.batch_size: [1, 4]\n  vllm.engine.block_size: [8, 16]\nexecution: {n_cycles: 2, cycle_order: shuffled, shuffle_seed: 7}\n',
  'model: gpt2\nbackend: [pytorch, vllm]\ndecoder: {preset: creative}\nexperiments:\n  - {n: 3}\n  - {precision: fp32, lora: {adapter_id: x}}\n',
  'task: {model: gpt2, dataset: {n_prompts: 10}}\nserving_mode: offline\nsweep:\n  transformers.engine_params.dtype: [float16, bfloat16]\n  vllm.engine_params.max_num_seqs: {pow2: {min: 8, max: 64}}\n  g: [{task.max_output_tokens: [8, 16]}, {}]\nstudy_execution: {n_cycles: 2, experiment_order: latin_square}\n',
  'task: {model: gpt2}\nserving_mode: server\nengine: vllm\nserver: {traffic: {rate: 2}}\nsweep: {server.traffic.rate: {min: 1, max: 3, num: 3}}\n',
  'model: gpt2\npassthrough_kwargs: {a: 1, b: [1.0, yes]}\n',
];

const KEYS = ['model', 'n', 'backend', 'sweep', 'experiments', 'execution', 'study_execution', 'decoder', 'pytorch', 'vllm', 'task', 'engine', 'serving_mode', 'base', 'name', 'precision', 'passthrough_kwargs'];

function randomTree(r: () => number, depth: number): PyValue {
  const k = Math.floor(r() * 10);
  if (depth > 4 || k < 4) {
    const pick = [
      null,
      true,
      Math.floor(r() * 2000) - 1000,
      new PyFloat((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)),
      'x',
      'yes',
      '1e-5',
      '',
      10n ** 40n,
      new PyFloat(Infinity),
      new PyFloat(NaN),
    ];
    return pick[Math.floor(r() * pick.length)] as PyValue;
  }
  if (k < 7) return Array.from({ length: Math.floor(r() * 5) }, () => randomTree(r, depth + 1));
  const d = new PyDict();
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) d.set(r() < 0.7 ? (KEYS[Math.floor(r() * KEYS.length)] as string) : `k${i}.x${i}`, randomTree(r, depth + 1));
  return d;
}

function mutate(r: () => number, text: string): string {
  let t = text;
  const edits = 1 + Math.floor(r() * 6);
  const alphabet = ['[', ']', '{', '}', ':', ',', '-', ' ', '\n', '&a', '*a', '!!int', '"', "'", '#', '0x', '1e5', '~', 'yes', '<<: *a', '\t', '%', '|', '>', '?'];
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(r() * (t.length + 1));
    const op = r();
    if (op < 0.4) t = t.slice(0, pos) + (alphabet[Math.floor(r() * alphabet.length)] as string) + t.slice(pos);
    else if (op < 0.7) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(r() * 5));
    else t = t.slice(0, pos) + t.slice(Math.floor(r() * t.length)).slice(0, 20) + t.slice(pos);
  }
  return t;
}

function deepNesting(r: () => number): string {
  const depth = 50 + Math.floor(r() * 1200);
  const open = r() < 0.5 ? '[' : '{a: ';
  const close = open === '[' ? ']' : '}';
  return `model: m\nsweep:\n  n: ${open.repeat(depth)}1${close.repeat(depth)}\n`;
}

function aliasBomb(r: () => number): string {
  const width = 2 + Math.floor(r() * 7);
  const depth = 3 + Math.floor(r() * 8);
  const lines = ['model: m', 'x0: &a0 [1, 2]'];
  for (let i = 1; i <= depth; i++) lines.push(`x${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push(`sweep: {n: *a${depth}}`);
  return lines.join('\n');
}

function enormousNumbers(r: () => number): string {
  const big = ['1' + '0'.repeat(400), '-' + '9'.repeat(300), '1.0e+400', '-1.0e+400', '0x' + 'f'.repeat(200), '1' + ':59'.repeat(100), '.nan', '-0'];
  const b = (): string => big[Math.floor(r() * big.length)] as string;
  return `model: m\nn: ${b()}\nrandom_seed: ${b()}\ndecoder: {temperature: ${b()}}\nsweep: {max_output_tokens: [${b()}, 16]}\nexecution: {n_cycles: ${r() < 0.3 ? b() : '2'}, shuffle_seed: ${b()}, cycle_order: shuffled}\ntask: {model: m}\nstudy_execution: {n_cycles: ${b()}}\n`;
}

function hugeLists(r: () => number): string {
  const dims = 1 + Math.floor(r() * 4);
  const len = [10, 100, 600, 2500][Math.floor(r() * 4)] as number;
  const list = `[${Array.from({ length: len }, (_, i) => i + 1).join(', ')}]`;
  const sweep = Array.from({ length: dims }, (_, i) => `  ${['n', 'max_output_tokens', 'max_input_tokens', 'random_seed'][i]}: ${list}`).join('\n');
  return `model: m\nsweep:\n${sweep}\nexecution: {n_cycles: 1}\n`;
}

function randomBytes(r: () => number): Uint8Array {
  const n = Math.floor(r() * 200);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.7 ? 0x20 + Math.floor(r() * 95) : Math.floor(r() * 256);
  return out;
}

function wrongTypes(r: () => number): string {
  const d = new PyDict();
  d.set(r() < 0.5 ? 'model' : 'task', r() < 0.5 ? 'gpt2' : randomTree(r, 3));
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) d.set(KEYS[Math.floor(r() * KEYS.length)] as string, randomTree(r, 1));
  return emitYaml(d);
}

type Input = { kind: string; data: string | Uint8Array };

function makeInput(r: () => number): Input {
  const x = r();
  if (x < 0.35) return { kind: 'mutated', data: mutate(r, CORPUS[Math.floor(r() * CORPUS.length)] as string) };
  if (x < 0.55) return { kind: 'wrong-types', data: wrongTypes(r) };
  if (x < 0.65) return { kind: 'bytes', data: randomBytes(r) };
  if (x < 0.72) return { kind: 'deep', data: deepNesting(r) };
  if (x < 0.78) return { kind: 'alias-bomb', data: aliasBomb(r) };
  if (x < 0.86) return { kind: 'enormous-numbers', data: enormousNumbers(r) };
  if (x < 0.9) return { kind: 'huge-lists', data: hugeLists(r) };
  return { kind: 'corpus', data: CORPUS[Math.floor(r() * CORPUS.length)] as string };
}

const PROFILES: ProfileId[] = ['head', 'v0.8', 'v0.7', 'pypi-0.7.0'];
const N = Number(process.env.FUZZ_N ?? 12_000);

describe('fuzzed llem files', () => {
  it(`${N} inputs: a plan or a clear error, never a crash`, () => {
    const r = rng(0x11e5);
    const outcomes = new Map<string, number>();
    let slowest = { ms: 0, kind: '' };
    const timeByKind = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const input = makeInput(r);
      const profile = PROFILES[i % PROFILES.length] as ProfileId;
      const t0 = performance.now();
      let outcome: string;
      try {
        const plan = planStudyFromText(input.data, {
          profile,
          file: 'fuzz.yaml',
          // Tighter than the defaults so hostile inputs are refused in milliseconds; the
          // default bounds are exercised by the unit tests of the loader and the resolvers.
          limits: { maxConfigs: 5_000, maxRuns: 50_000 },
          yamlLimits: { maxNodes: 50_000, maxBytes: 1 << 20 },
          readFile: () => {
            throw new Error('ENOENT');
          },
        });
        planJsonSchema.parse(plan.json);
        expect(plan.json.runs.length).toBe(plan.resolution.runs.length);
        outcome = 'planned';
      } catch (e) {
        if (!(e instanceof CampaignError || e instanceof YamlLoadError)) {
          throw new Error(`input #${i} (${input.kind}, ${profile}) crashed: ${(e as Error).stack}\n${typeof input.data === 'string' ? input.data.slice(0, 500) : '<bytes>'}`, { cause: e });
        }
        const msg = e.message;
        if (msg.length < 8 || /(?<!found )undefined|\[object Object\]|NaN configs/.test(msg)) {
          throw new Error(`input #${i} (${input.kind}): unclear error message: ${msg}`, { cause: e });
        }
        outcome = e instanceof YamlLoadError ? 'yaml-error' : 'campaign-error';
      }
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { ms, kind: input.kind };
      timeByKind.set(input.kind, (timeByKind.get(input.kind) ?? 0) + ms);
      const key = `${input.kind}:${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.log(`fuzz outcomes (${N}): ${[...outcomes.entries()].sort().map(([k, v]) => `${k}=${v}`).join(' ')}; slowest ${slowest.ms.toFixed(0)} ms (${slowest.kind}); ms by kind ${[...timeByKind.entries()].map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ')}`);
    // Every category was exercised and the planner produced both plans and errors.
    for (const kind of ['mutated', 'wrong-types', 'bytes', 'deep', 'alias-bomb', 'enormous-numbers', 'huge-lists', 'corpus']) {
      expect([...outcomes.keys()].some((k) => k.startsWith(`${kind}:`)), kind).toBe(true);
    }
    expect([...outcomes.keys()].some((k) => k.endsWith(':planned'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.endsWith(':yaml-error'))).toBe(true);
  }, 120_000);

  it('errors carry a location: YAML errors a line, config errors a field path', () => {
    const e1 = (() => {
      try {
        planStudyFromText('model: m\nsweep: {n: [1, 2}\n', { file: 'x.yaml' });
      } catch (e) {
        return e as YamlLoadError;
      }
      return null;
    })();
    expect(e1?.line).toBeGreaterThan(0);
    const e2 = (() => {
      try {
        planStudyFromText('model: m\nsweep: {n: [1]}\nexecution: {n_cycles: 0}\n', { file: 'x.yaml' });
      } catch (e) {
        return e as CampaignError;
      }
      return null;
    })();
    expect(e2?.path).toBe('execution');
    expect(e2?.message).toMatch(/execution -> n_cycles/);
  });
});
