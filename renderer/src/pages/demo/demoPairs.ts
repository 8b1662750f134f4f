import type { ConfigView, ParamValue } from '../../../../contract/apiResults';

/**
 * Ready-made pairs for the Demo page: two stored configurations that differ in exactly one aspect (batching,
 * precision, quantization, engine, GPU, or any single setting), offered with a human title such as
 * "Batching: 1 vs 32". Pure: the page feeds it `results.aggregates` configurations; tests feed it plain data.
 *
 * An "aspect" may span several config paths when one choice writes several keys: an engine change rewrites that
 * engine's whole section (`transformers.*` → `vllm.*`), and 8-bit vs 4-bit flips two flags (`load_in_8bit`,
 * `load_in_4bit`). Everything else must be equal, so the audience sees the effect of one decision.
 */

export type PairConfig = Pick<ConfigView, 'groupKey' | 'model' | 'backend' | 'precision' | 'gpuName' | 'params' | 'metrics' | 'quality' | 'cycleValues' | 'resultIds'>;

export type PairKind = 'batching' | 'precision' | 'quantization' | 'engine' | 'gpu' | 'model' | 'setting';

export interface PairSide {
  groupKey: string;
  /** The cycle to replay: the one whose energy per output token is nearest the configuration's mean. */
  resultId: number;
  /** This side's value of the aspect, as a person reads it ("32", "bf16", "4-bit", "vllm"). */
  value: string;
  /** Pane title: "Batch size 32", "Precision bf16". */
  name: string;
  grade: ConfigView['quality']['grade'];
  jPerToken: number;
}

export interface DemoPair {
  /** Stable id: the two group keys in order. */
  id: string;
  kind: PairKind;
  /** "Batching: 1 vs 32" */
  title: string;
  /** What the two share, briefly: the model, the engine, and only the shared settings that vary in the store ("gpt2 · transformers · bf16"). */
  context: string;
  left: PairSide;
  right: PairSide;
  /** Left's energy per output token ÷ right's (> 1: right uses less). */
  factor: number;
}

const BATCH_LEAVES = new Set(['batch_size', 'max_num_seqs', 'max_batch_size']);
const PRECISION_LEAVES = new Set(['dtype', 'precision', 'torch_dtype']);
const QUANT_LEAVES = new Set(['load_in_8bit', 'load_in_4bit', 'quantization', 'quant_method', 'quantization_config']);
const ENGINE_PATHS = new Set(['engine', 'backend']);
const MODEL_PATHS = new Set(['model', 'model_name', 'task.model']);
const GPU_PATH = 'hardware.gpu';

const KIND_TITLES: Record<Exclude<PairKind, 'setting'>, string> = {
  batching: 'Batching',
  precision: 'Precision',
  quantization: 'Quantization',
  engine: 'Engine',
  gpu: 'GPU',
  model: 'Model',
};

/** The order a demo prefers: the effects an audience grasps (and that are large) first. */
const KIND_PRIORITY: PairKind[] = ['batching', 'quantization', 'precision', 'engine', 'model', 'gpu', 'setting'];

/** "float16", "torch.float16", "fp16" → "fp16"; unknown values are kept. */
export function precisionName(value: ParamValue): string {
  const s = String(value).replace(/^torch\./, '');
  const known: Record<string, string> = { float16: 'fp16', half: 'fp16', bfloat16: 'bf16', float32: 'fp32', float: 'fp32', float64: 'fp64' };
  return known[s] ?? s;
}
const PRECISION_ORDER = ['fp32', 'fp16', 'bf16', 'fp8', 'int8', 'int4'];

/** "/models/llama/gpt2", "openai-community/gpt2" → "gpt2": the model as an audience knows it, never a path. */
export function humanModelName(model: string): string {
  const trimmed = model.replace(/[\\/]+$/, '');
  return trimmed.split(/[\\/]/).pop() || model;
}

function leafOf(path: string): string {
  return path.split('.').pop() ?? path;
}

function aspectOf(path: string, engines: ReadonlySet<string>): PairKind | `setting:${string}` {
  if (ENGINE_PATHS.has(path)) return 'engine';
  if (engines.has(path.split('.')[0]!)) return 'engine';
  if (path === GPU_PATH) return 'gpu';
  if (MODEL_PATHS.has(path)) return 'model';
  const leaf = leafOf(path);
  if (BATCH_LEAVES.has(leaf)) return 'batching';
  if (QUANT_LEAVES.has(leaf) || path.includes('quantization')) return 'quantization';
  if (PRECISION_LEAVES.has(leaf)) return 'precision';
  return `setting:${path}`;
}

function same(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  return (a ?? null) === (b ?? null);
}

function quantizationValue(config: PairConfig, paths: readonly string[]): string {
  for (const path of paths) {
    const v = config.params[path];
    const leaf = leafOf(path);
    if (v === true && leaf === 'load_in_8bit') return '8-bit';
    if (v === true && leaf === 'load_in_4bit') return '4-bit';
    if (typeof v === 'string' && v !== '') return v;
  }
  return 'none';
}

function displayValue(kind: PairKind, config: PairConfig, paths: readonly string[]): string {
  if (kind === 'quantization') return quantizationValue(config, paths);
  const enginePath = paths.find((p) => ENGINE_PATHS.has(p));
  const v = config.params[enginePath ?? paths[0]!] ?? null;
  if (v === null) return 'unset';
  if (kind === 'precision') return precisionName(v);
  if (kind === 'model') return humanModelName(String(v));
  return String(v);
}

function sideName(kind: PairKind, settingLabel: string, value: string): string {
  switch (kind) {
    case 'batching':
      return `Batch size ${value}`;
    case 'precision':
      return `Precision ${value}`;
    case 'quantization':
      return value === 'none' ? 'No quantization' : `${value} quantization`;
    case 'engine':
      return `Engine ${value}`;
    case 'gpu':
    case 'model':
      return value;
    default:
      return `${settingLabel} ${value}`;
  }
}

function orderRank(kind: PairKind, value: string): number | string {
  if (kind === 'batching') return Number(value);
  if (kind === 'precision') {
    const i = PRECISION_ORDER.indexOf(value);
    return i < 0 ? PRECISION_ORDER.length : i;
  }
  if (kind === 'quantization') return ['none', '8-bit', '4-bit'].indexOf(value);
  return value;
}

function compareRank(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** The cycle nearest the configuration's mean energy per output token (a typical run, not an outlier). */
export function representativeResult(config: PairConfig): number | null {
  const mean = config.metrics.jPerOutputToken?.mean ?? null;
  const cycles = config.cycleValues.filter((c) => c.jPerOutputToken !== null);
  if (mean !== null && cycles.length > 0) {
    return cycles.reduce((best, c) => (Math.abs(c.jPerOutputToken! - mean) < Math.abs(best.jPerOutputToken! - mean) ? c : best)).resultId;
  }
  return config.resultIds[0] ?? null;
}

function humanSetting(path: string): string {
  const words = leafOf(path).replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const GRADE_RANK = { A: 0, B: 1, C: 2 } as const;

/** Every pair of configurations that differ in exactly one aspect, best first (see `rankPairs`). */
export function findDemoPairs(configs: readonly PairConfig[]): DemoPair[] {
  const seen = new Set<string>();
  const usable = configs.filter((c) => {
    if (!((c.metrics.jPerOutputToken?.mean ?? 0) > 0) || representativeResult(c) === null || seen.has(c.groupKey)) return false;
    seen.add(c.groupKey);
    return true;
  });
  const found: Built[] = [];
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      const built = pairOf(usable[i]!, usable[j]!);
      // Never one run (or one configuration) against itself: there is nothing to compare.
      if (built && built.pair.left.resultId !== built.pair.right.resultId) found.push(built);
    }
  }
  // The context line tells apart pairs with the same title ("Batching: 1 vs 32" with fp16, and with bf16): it names
  // only the settings that differ between those pairs, never the many every run shares.
  const byTitle = new Map<string, Built[]>();
  for (const b of found) byTitle.set(b.pair.title, [...(byTitle.get(b.pair.title) ?? []), b]);
  const pairs = found.map((b) => ({ ...b.pair, context: pairContext(b.pair.kind, b.first, b.differing, varyingPaths(byTitle.get(b.pair.title)!.map((s) => s.first))) }));
  return rankPairs(pairs);
}

interface Built {
  pair: DemoPair;
  /** The left side's configuration and the paths the two differ in. */
  first: PairConfig;
  differing: string[];
}

/** The config paths whose value is not the same in every configuration: the only settings worth naming on stage. */
export function varyingPaths(configs: readonly PairConfig[]): Set<string> {
  const paths = new Set(configs.flatMap((c) => Object.keys(c.params)));
  return new Set([...paths].filter((p) => configs.some((c) => !same(c.params[p], configs[0]!.params[p]))));
}

/**
 * The line under a pair's title: the model (an audience asks "which model?"), the engine unless it is what differs,
 * and of the settings in `varying` (those that differ between pairs with the same title) the ones an audience knows
 * by name (batch size, precision, quantization, GPU). Settings every run shares (prompt counts, sampler, seeds…) are
 * never named: the page sweep saw 25 of them under one title.
 */
export function pairContext(kind: PairKind, config: PairConfig, differing: readonly string[], varying: ReadonlySet<string>): string {
  const shared = [humanModelName(config.model), ...(kind === 'engine' ? [] : [config.backend])];
  const settings = [...varying].filter((p) => !differing.includes(p) && !MODEL_PATHS.has(p) && !ENGINE_PATHS.has(p) && !aspectOf(p, new Set()).startsWith('setting:')).sort();
  return [...new Set([...shared, ...settings.flatMap((p) => contextValue(p, config.params[p] ?? null))])].join(' · ');
}

function pairOf(a: PairConfig, b: PairConfig): Built | null {
  if (a.groupKey === b.groupKey) return null;
  const paths = [...new Set([...Object.keys(a.params), ...Object.keys(b.params)])];
  const differing = paths.filter((p) => !same(a.params[p], b.params[p]));
  if (differing.length === 0) return null;
  // An engine change takes its engines' own sections with it.
  const enginePath = differing.find((p) => ENGINE_PATHS.has(p));
  const engines = new Set<string>(enginePath ? [String(a.params[enginePath]), String(b.params[enginePath])] : []);
  const aspects = new Set(differing.map((p) => aspectOf(p, engines)));
  if (aspects.size !== 1) return null;
  const aspect = [...aspects][0]!;
  const kind: PairKind = aspect.startsWith('setting:') ? 'setting' : (aspect as PairKind);
  const settingLabel = humanSetting(differing[0]!);
  let [first, second] = [a, b];
  let [va, vb] = [displayValue(kind, a, differing), displayValue(kind, b, differing)];
  if (va === vb) return null;
  if (compareRank(orderRank(kind, va), orderRank(kind, vb)) > 0) {
    [first, second] = [b, a];
    [va, vb] = [vb, va];
  }
  const side = (c: PairConfig, value: string): PairSide => ({
    groupKey: c.groupKey,
    resultId: representativeResult(c)!,
    value,
    name: sideName(kind, settingLabel, value),
    grade: c.quality.grade,
    jPerToken: c.metrics.jPerOutputToken!.mean!,
  });
  const left = side(first, va);
  const right = side(second, vb);
  const pair: DemoPair = {
    id: `${left.groupKey}|${right.groupKey}`,
    kind,
    title: `${kind === 'setting' ? settingLabel : KIND_TITLES[kind]}: ${va} vs ${vb}`,
    context: '',
    left,
    right,
    factor: left.jPerToken / right.jPerToken,
  };
  return { pair, first, differing };
}

/** How a shared setting reads in a pair's context line ("bf16", "batch size 1", "8-bit"); unset and false say nothing. */
function contextValue(path: string, v: ParamValue): string[] {
  if (v === null || v === false) return [];
  const leaf = leafOf(path);
  if (v === true) return leaf === 'load_in_8bit' ? ['8-bit'] : leaf === 'load_in_4bit' ? ['4-bit'] : [humanSetting(path).toLowerCase()];
  if (PRECISION_LEAVES.has(leaf)) return [precisionName(v)];
  if (BATCH_LEAVES.has(leaf)) return [`batch size ${v}`];
  if (MODEL_PATHS.has(path)) return [humanModelName(String(v))];
  if (path === GPU_PATH || ENGINE_PATHS.has(path)) return [String(v)];
  return [`${humanSetting(path).toLowerCase()} ${String(v)}`];
}

/**
 * Best first: the kinds an audience grasps first (batching, quantization, precision, engine…), then pairs whose
 * weaker side has the better quality grade, then the larger effect (a factor far from 1 either way).
 */
export function rankPairs(pairs: readonly DemoPair[]): DemoPair[] {
  const worstGrade = (p: DemoPair) => Math.max(p.left.grade ? GRADE_RANK[p.left.grade] : 3, p.right.grade ? GRADE_RANK[p.right.grade] : 3);
  const effect = (p: DemoPair) => Math.abs(Math.log(p.factor));
  return [...pairs].sort(
    (x, y) =>
      KIND_PRIORITY.indexOf(x.kind) - KIND_PRIORITY.indexOf(y.kind) ||
      worstGrade(x) - worstGrade(y) ||
      effect(y) - effect(x) ||
      x.title.localeCompare(y.title),
  );
}

/**
 * The pair to show by itself: the best one whose both replayed runs are among `resultIds` (the runs a sample load just
 * added), else the best one of all; null when there is none.
 */
export function bestPair(pairs: readonly DemoPair[], resultIds: ReadonlySet<number> | null): DemoPair | null {
  if (resultIds) {
    const among = pairs.find((p) => resultIds.has(p.left.resultId) && resultIds.has(p.right.resultId));
    if (among) return among;
  }
  return pairs[0] ?? null;
}

/** The pair after `currentId` in the list (wrapping round); the first when `currentId` is not in it. */
export function nextPair(pairs: readonly DemoPair[], currentId: string | null): DemoPair | null {
  if (pairs.length === 0) return null;
  const i = pairs.findIndex((p) => p.id === currentId);
  return pairs[(i + 1) % pairs.length] ?? null;
}

/** "Batch size 32 uses 10.2× less energy per output token than batch size 1." */
export function pairSentence(pair: DemoPair, ratio: number): string {
  const lower = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);
  return ratio >= 1
    ? `${pair.right.name} uses ${ratio.toFixed(1)}× less energy per output token than ${lower(pair.left.name)}.`
    : `${pair.left.name} uses ${(1 / ratio).toFixed(1)}× less energy per output token than ${lower(pair.right.name)}.`;
}
