/**
 * Study/experiment resolution for the llem release on PyPI (`llenergymeasure==0.7.0`):
 * `config/loader.load_study_config` + `config/grid.expand_grid` + `config/sweep_expansion`
 * + `study/loading.finalise_study` (dormant-rule canonicalisation, resolved-hash dedup,
 * study hash, `apply_cycles`), with the `llem run` CLI defaults (3 cycles, shuffle).
 *
 * Copy/share semantics follow llem's Python (shallow `dict(...)` copies, `deep_merge` deep
 * copies) because llem's sampling-preset expansion mutates nested dicts in place and the
 * results depend on which points share them.
 */
import { canonicalJson } from '../../../../contract/llem/canonicalJson';
import { didYouMean } from '../../../../contract/llem/didYouMean';
import { type ModelDump, formatIssues, validateModel, type ValidationIssue } from '../../../../contract/llem/modelSpec';
import { ENGINES, ExperimentSpec, PYPI070_EXPERIMENT_FIELDS, RETIRED_HARNESS_KEY_MSG, SERVING_MODE_REQUIRED_MSG } from '../../../../contract/llem/pypi070/experimentConfig';
import { declaredDump, modelToJsonMode, resolvedHashText } from '../../../../contract/llem/pypi070/hashing';
import { applyDormantFixpoint, type DormantObservation } from '../../../../contract/llem/pypi070/rules';
import { ExecutionSpec070, OutputSpec070, PYPI070_STUDY_ONLY_KEYS } from '../../../../contract/llem/pypi070/studyConfig';
import { IdiomError, expandAxisIdiom } from './sweepIdioms';
import { PyDict, PyFloat, pyDeepCopy, pyDeepMerge, pyRepr, pyStr, pyTypeName, type PyValue } from '../../../../contract/llem/pyValue';
import { StudyHasher, sha256Hex, sha256HexBytes } from '../../hashing';
import { loadBase, type BaseFileRules } from '../../baseFile';
import type { ConfigFacts } from '../../estimate';
import { configFacts } from './estimateInputs';
import { applyCycles, orderKind, plannedRuns } from '../../runOrder';
import { type HashTexts, type PointPipeline, type ResolvedKey, type SweepBlock, type TemplateMode, type TemplatedSweep, templateSweep } from './templatedSweep';
import {
  CampaignError,
  LazyValidPoint,
  RegeneratedValidPoint,
  type PointSource,
  type RawPoint,
  revalidatingRegenerator,
  checkConfigCount,
  checkRunCount,
  type CampaignLimits,
  type EffectiveExecution,
  type PlanWarning,
  type PointOrigin,
  type ResolveOptions,
  type SkippedPoint,
  type StudyResolution,
  type ValidPoint,
} from '../../types';

const ENGINE_SET = new Set<string>(ENGINES);

function truthy(v: PyValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'number') return (v as { value: number }).value !== 0;
  return true;
}


/**
 * `deep_merge(base, overlay)` without copying untouched subtrees. A full deep copy is only
 * observable through later in-place mutation, and the only mutation is the sampling-preset
 * expansion (engine sections and their `sampling_params`), so those are un-shared explicitly by
 * `unshareMutables` — the result behaves exactly like llem's deep copy.
 */
function mergeCopy(base: PyDict, overlay: PyDict): PyDict {
  const out = base.clone();
  for (const [k, v] of overlay.entries()) {
    const existing = out.get(k);
    if (existing instanceof PyDict && v instanceof PyDict) out.set(k, mergeCopy(existing, v));
    else out.set(k, pyDeepCopy(v));
  }
  return out;
}

function unshareSection(section: PyDict): PyDict {
  const c = section.clone();
  const sp = c.get('sampling_params');
  if (sp instanceof PyDict) c.set('sampling_params', sp.clone());
  return c;
}

function unshareMutables(config: PyDict): PyDict {
  for (const e of ENGINES) {
    const sec = config.get(e);
    if (sec instanceof PyDict) config.set(e, unshareSection(sec));
  }
  return config;
}

/** llem `_unflatten({key: value})`: dotted keys become nested dicts (every dot nests). */
function unflattenOne(key: string, value: PyValue): PyDict {
  const result = new PyDict();
  const parts = key.split('.');
  let node = result;
  for (const part of parts.slice(0, -1)) {
    let next = node.get(part);
    if (!(next instanceof PyDict)) {
      next = new PyDict();
      node.set(part, next);
    }
    node = next;
  }
  node.set(parts[parts.length - 1] as string, value);
  return result;
}

/** `_route_key_value`: engine-prefixed keys merge into that section; other dotted keys unflatten. */
function routeKeyValue(config: PyDict, key: PyValue, value: PyValue, where: string): PyDict {
  if (typeof key !== 'string') throw new CampaignError(`${where}: key ${pyRepr(key)} is not a string; llem would crash on it. Quote the key.`, where);
  if (key.includes('.')) {
    const dot = key.indexOf('.');
    const prefix = key.slice(0, dot);
    const param = key.slice(dot + 1);
    if (ENGINE_SET.has(prefix)) {
      const existing = config.has(prefix) ? config.get(prefix) : new PyDict();
      if (!(existing instanceof PyDict)) {
        throw new CampaignError(`${where}: '${prefix}:' is ${pyStr(existing as PyValue)} in the fixed config, so llem cannot merge '${key}' into it (it would crash). Make '${prefix}:' a mapping or remove it.`, where);
      }
      config.set(prefix, unshareSection(mergeCopy(existing, unflattenOne(param, value))));
      return config;
    }
    return unshareMutables(mergeCopy(config, unflattenOne(key, value)));
  }
  config.set(key, value);
  return config;
}

function stripOtherEngineSections(config: PyDict, engine: PyValue): PyDict {
  const out = new PyDict();
  for (const [k, v] of config.entries()) {
    if (typeof k === 'string' && ENGINE_SET.has(k) && k !== engine) continue;
    out.set(k, v);
  }
  return out;
}

function isGroup(values: PyValue, key: string): boolean {
  if (!Array.isArray(values) || values.length === 0) return false;
  const dicts = values.filter((e) => e instanceof PyDict).length;
  if (dicts === 0) return false;
  if (dicts !== values.length) {
    throw new CampaignError(
      `sweep.${key}: Sweep entry mixes dicts and scalars. Group entries must all be dicts; independent axes must all be scalars.`,
      `sweep.${key}`,
    );
  }
  return true;
}

function expandGroupEntry(entry: PyDict, limits?: CampaignLimits): PyDict[] {
  const scalars = new PyDict();
  const gridKeys: PyValue[] = [];
  const gridValues: PyValue[][] = [];
  for (const [k, v] of entry.entries()) {
    if (Array.isArray(v) && v.length > 0 && !Array.isArray(v[0]) && !(v[0] instanceof PyDict)) {
      gridKeys.push(k as PyValue);
      gridValues.push(v);
    } else scalars.set(k, v);
  }
  if (gridKeys.length === 0) return [entry];
  checkConfigCount(gridValues.reduce((a, v) => a * v.length, 1), limits, 'a sweep group entry');
  const out: PyDict[] = [];
  for (const combo of product(gridValues)) {
    const variant = scalars.clone();
    gridKeys.forEach((k, i) => variant.set(k as string, combo[i] as PyValue));
    out.push(variant);
  }
  return out;
}

/** itertools.product (last iterable varies fastest). */
function* product<T>(lists: T[][]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array<number>(lists.length).fill(0);
  for (;;) {
    yield lists.map((l, i) => l[idx[i] as number] as T);
    let pos = lists.length - 1;
    while (pos >= 0) {
      idx[pos] = (idx[pos] as number) + 1;
      if ((idx[pos] as number) < (lists[pos] as T[]).length) break;
      idx[pos] = 0;
      pos--;
    }
    if (pos < 0) return;
  }
}

function groupEngineScope(key: string): string | null {
  const parts = key.split('.');
  return parts.length >= 2 && ENGINE_SET.has(parts[0] as string) ? (parts[0] as string) : null;
}

// Here `rebuildable` (PointSource) is false when points share mutable dicts that llem's in-place preset expansion
// may change during validation (a fixed engine section, sweep groups, engine-named plain keys), because then a
// config depends on the points validated before it.

/** Sweep points, and for a rebuildable sweep its engine blocks (what templated points are built from). */
interface SweepSource extends PointSource {
  blocks: SweepBlock[];
}

function arraySource(points: RawPoint[], rebuildable: boolean): SweepSource {
  return { count: points.length, at: (i) => points[i] as RawPoint, rebuildable, blocks: [] };
}

/** sweep_expansion._expand_sweep */
function expandSweep(sweep: PyValue, fixed: PyDict, synthesizeBaseline: boolean, warnings: PlanWarning[], limits?: CampaignLimits): SweepSource {
  const sharesEngineSection = ENGINES.some((en) => fixed.get(en) instanceof PyDict);
  if (!truthy(sweep)) {
    if (!synthesizeBaseline) return arraySource([], true);
    const task = fixed.get('task');
    if (task instanceof PyDict && truthy(task.get('model'))) {
      const engine = fixed.has('engine') ? (fixed.get('engine') as PyValue) : 'transformers';
      return arraySource([{ raw: stripOtherEngineSections(fixed.clone(), engine), origin: { kind: 'fixed', position: 0 } }], !sharesEngineSection);
    }
    return arraySource([], true);
  }
  if (!(sweep instanceof PyDict)) throw new CampaignError(`sweep: must be a mapping (got ${pyTypeName(sweep)})`, 'sweep');

  const universalDims = new Map<string, PyValue[]>();
  const scopedDims = new Map<string, Map<string, PyValue[]>>();
  const groups = new Map<string, PyDict[]>();
  for (const [k, raw] of sweep.entries()) {
    if (typeof k !== 'string') throw new CampaignError(`sweep: key ${pyRepr(k as PyValue)} is not a string; llem would crash on it. Quote the key.`, 'sweep');
    if (isGroup(raw, k)) {
      groups.set(k, (raw as PyDict[]).flatMap((entry) => expandGroupEntry(entry, limits)));
      continue;
    }
    let values: PyValue[];
    if (raw instanceof PyDict) {
      try {
        values = expandAxisIdiom(raw);
      } catch (e) {
        if (e instanceof IdiomError) throw new CampaignError(`sweep axis '${k}': ${e.message}`, `sweep.${k}`);
        throw e;
      }
    } else values = Array.isArray(raw) ? raw : [raw];
    const scope = groupEngineScope(k);
    if (scope !== null) {
      const m = scopedDims.get(scope) ?? new Map<string, PyValue[]>();
      m.set(k, values);
      scopedDims.set(scope, m);
    } else universalDims.set(k, values);
  }
  const axisKeys = new Set<string>([...universalDims.keys(), ...[...scopedDims.values()].flatMap((m) => [...m.keys()])]);
  const collisions = [...groups.keys()].filter((g) => axisKeys.has(g)).sort();
  if (collisions.length) {
    throw new CampaignError(
      `Sweep group name(s) collide with independent axis key(s): ${collisions.join(', ')}. Use abstract names for groups (e.g. 'transformers.compilation' not 'transformers.torch_compile').`,
      'sweep',
    );
  }
  const universalGroups = new Map<string, PyDict[]>();
  const scopedGroups = new Map<string, Map<string, PyDict[]>>();
  for (const [name, variants] of groups) {
    const scope = groupEngineScope(name);
    if (scope) {
      const m = scopedGroups.get(scope) ?? new Map<string, PyDict[]>();
      m.set(name, variants);
      scopedGroups.set(scope, m);
    } else universalGroups.set(name, variants);
  }

  const fixedEngine = fixed.has('engine') ? (fixed.get('engine') as PyValue) : 'transformers';
  let engines: PyValue[];
  if (Array.isArray(fixedEngine)) engines = [...fixedEngine];
  else if (scopedDims.size > 0 || scopedGroups.size > 0) {
    const scope = new Set<string>([...scopedDims.keys(), ...scopedGroups.keys()]);
    if (fixed.has('engine')) {
      if (typeof fixedEngine !== 'string') {
        throw new CampaignError(`engine: ${pyStr(fixedEngine)} cannot be combined with engine-scoped sweep keys (llem would crash sorting the engines).`, 'engine');
      }
      if (!scope.has(fixedEngine)) {
        warnings.push({
          code: 'fixed-engine-added',
          path: 'engine',
          message: `engine: ${fixedEngine} is fixed while the sweep scopes keys to ${[...scope].join(', ')}; llem adds a baseline run for ${fixedEngine} in addition to the scoped engines.`,
        });
      }
      scope.add(fixedEngine);
    }
    engines = [...scope].sort();
  } else engines = [fixedEngine];

  let total = 0;
  for (const engine of engines) {
    const ek = typeof engine === 'string' ? engine : null;
    const dims = [...universalDims.values(), ...((ek !== null ? scopedDims.get(ek)?.values() : undefined) ?? [])];
    const grp = [...universalGroups.values(), ...((ek !== null ? scopedGroups.get(ek)?.values() : undefined) ?? [])];
    total += dims.reduce((a, v) => a * v.length, 1) * grp.reduce((a, v) => a * v.length, 1);
  }
  checkConfigCount(total, limits);

  interface Block {
    engine: PyValue;
    engineKey: string | null;
    base: PyDict;
    dimKeys: string[];
    dimValues: PyValue[][];
    groupLists: PyDict[][];
    axisCount: number;
    count: number;
  }
  const blocks: Block[] = [];
  for (const engine of engines) {
    const engineKey = typeof engine === 'string' ? engine : null;
    const applicable = new Map<string, PyDict[]>(universalGroups);
    for (const [n, v] of (engineKey !== null ? scopedGroups.get(engineKey) : undefined) ?? []) applicable.set(n, v);
    const engineScoped = (engineKey !== null ? scopedDims.get(engineKey) : undefined) ?? new Map<string, PyValue[]>();
    const dimKeys = [...universalDims.keys(), ...engineScoped.keys()];
    const dimValues = [...universalDims.values(), ...engineScoped.values()];
    const groupLists = [...applicable.values()];
    const base = stripOtherEngineSections(fixed.clone(), engine);
    base.set('engine', engine);
    // itertools.product: an empty list anywhere means no combination at all.
    const axisCount = dimValues.reduce((a, v) => a * v.length, 1);
    const groupCount = groupLists.reduce((a, v) => a * v.length, 1);
    blocks.push({ engine, engineKey, base, dimKeys, dimValues, groupLists, axisCount, count: axisCount * groupCount });
  }
  const count = blocks.reduce((a, b) => a + b.count, 0);
  /** Mixed-radix digits of `n` over `lists` (last list varies fastest, like itertools.product). */
  const digits = (n: number, lists: readonly unknown[][]): number[] => {
    const out = new Array<number>(lists.length);
    for (let d = lists.length - 1; d >= 0; d--) {
      const len = (lists[d] as unknown[]).length;
      out[d] = n % len;
      n = Math.floor(n / len);
    }
    return out;
  };
  // Point i: its engine block, then group combination (outer loop) and axis combination (inner loop) there.
  const at = (i: number): RawPoint => {
    let k = 0;
    let local = i;
    while (local >= (blocks[k] as Block).count) local -= (blocks[k++] as Block).count;
    const blk = blocks[k] as Block;
    const axis = digits(local % blk.axisCount, blk.dimValues);
    const group = digits(Math.floor(local / blk.axisCount), blk.groupLists);
    let c = blk.base.clone();
    blk.dimKeys.forEach((key, d) => {
      c = routeKeyValue(c, key, (blk.dimValues[d] as PyValue[])[axis[d] as number] as PyValue, `sweep.${key}`);
    });
    blk.groupLists.forEach((variants, g) => {
      const variant = variants[group[g] as number] as PyDict;
      if (variant.size === 0) return;
      for (const [key, v] of variant.entries()) c = routeKeyValue(c, key as PyValue, v, 'sweep group');
    });
    return { raw: c, origin: { kind: 'sweep', position: i, ...(blk.engineKey !== null ? { backend: blk.engineKey } : {}) } };
  };
  const rebuildable = !sharesEngineSection && groups.size === 0 && ![...universalDims.keys()].some((key) => ENGINE_SET.has(key));
  if (!rebuildable) {
    // Shared mutable dicts: generate every point first, exactly as llem does, before anything is validated.
    return arraySource(
      Array.from({ length: count }, (_, i) => at(i)),
      false,
    );
  }
  // Routing errors depend only on the block's fixed config here: surface them now, before explicit entries are read.
  let first = 0;
  const sweepBlocks: SweepBlock[] = [];
  for (const blk of blocks) {
    if (blk.count > 0) at(first);
    sweepBlocks.push({ first, count: blk.count, dimKeys: blk.dimKeys, dimValues: blk.dimValues });
    first += blk.count;
  }
  return { count, at, rebuildable, blocks: sweepBlocks };
}

/** SkippedConfig.short_label: `<engine>, <engine_params.dtype or ?>`. */
function shortLabel(raw: PyDict): string {
  const engine = raw.has('engine') ? (raw.get('engine') as PyValue) : 'unknown';
  const section = typeof engine === 'string' ? raw.get(engine) : undefined;
  const ep = section instanceof PyDict ? section.get('engine_params') : undefined;
  const dtype = ep instanceof PyDict ? (ep.has('dtype') ? (ep.get('dtype') as PyValue) : '?') : '?';
  return `${pyStr(engine)}, ${pyStr(dtype)}`;
}

/**
 * Approximation of llem's `format_experiment_header` for the manifest summary, plus the batch bound: runs that
 * differ only in batch size (the commonest sweep) must not read the same in the run list.
 */
function summaryOf(dump: PyDict): string {
  const task = dump.get('task');
  const model = task instanceof PyDict ? String(task.get('model') ?? '') : '';
  const short = model.split('/').pop() ?? model;
  const engine = String(dump.get('engine'));
  const section = dump.get(engine);
  const ep = section instanceof PyDict ? section.get('engine_params') : null;
  const dtype = ep instanceof PyDict ? ep.get('dtype') : null;
  const exec = section instanceof PyDict ? section.get('llem_execution') : null;
  const batch = exec instanceof PyDict ? exec.get('batch_size') : null;
  const seqs = ep instanceof PyDict ? ep.get('max_num_seqs') : null;
  const parts = [short, engine];
  if (dtype !== null && dtype !== undefined && dtype !== 'auto') parts.push(`dtype=${pyStr(dtype)}`);
  if (batch !== null && batch !== undefined) parts.push(`batch=${pyStr(batch)}`);
  if (seqs !== null && seqs !== undefined) parts.push(`max_num_seqs=${pyStr(seqs)}`);
  return parts.join(' / ');
}

interface Validated {
  origin: PointOrigin;
  raw: PyDict;
  dump: ModelDump;
}

function validateOne(p: RawPoint): Validated | { skipped: SkippedPoint } {
  let r;
  try {
    r = validateModel(ExperimentSpec, p.raw);
  } catch (e) {
    return { skipped: { origin: p.origin, raw: p.raw, label: shortLabel(p.raw), reason: (e as Error).message, issues: [] } };
  }
  if (r.ok) return { origin: p.origin, raw: p.raw, dump: r.dump };
  const ruleIssue = r.issues.find((i) => i.type === 'value_error' && /^Value error, \[[a-z0-9_]+\]/.test(i.msg));
  const ruleId = ruleIssue ? /\[([a-z0-9_]+)\]/.exec(ruleIssue.msg)?.[1] : undefined;
  return {
    skipped: {
      origin: p.origin,
      raw: p.raw,
      label: shortLabel(p.raw),
      reason: formatIssues(r.issues),
      issues: r.issues,
      ...(ruleId ? { ruleId } : {}),
    },
  };
}

function validateAll(points: RawPoint[]): { valid: Validated[]; skipped: SkippedPoint[] } {
  const valid: Validated[] = [];
  const skipped: SkippedPoint[] = [];
  for (const p of points) {
    const checked = validateOne(p);
    if ('skipped' in checked) skipped.push(checked.skipped);
    else valid.push(checked);
  }
  return { valid, skipped };
}

/** The declared-hash text (slo excluded) and the study-hash text (json mode, slo kept). */
function declaredTexts(dump: ModelDump, position: number): { declared: string; study: string } {
  try {
    const declared = canonicalJson(declaredDump(dump));
    const server = dump.get('server');
    const study = server === null || server === undefined ? declared : canonicalJson(modelToJsonMode(dump));
    return { declared, study };
  } catch (e) {
    throw new CampaignError(`llem cannot hash config #${position + 1}: ${(e as Error).message}`);
  }
}

const renderDeclared = (d: PyDict): string => canonicalJson(declaredDump(d as ModelDump));

/** What a streamed point keeps besides its hashes. */
interface PointDescription {
  mode: string;
  summary: string;
  /** Estimate inputs with an empty hash (the point's own is filled in). */
  facts?: ConfigFacts;
}

/** The point-by-point stages after generation, for templated points (pypi070/templatedSweep.ts). */
function pipeline(collectFacts: boolean): PointPipeline<PointDescription> {
  return {
    spec: ExperimentSpec,
    finish: (dump) => applyDormantFixpoint(dump, []),
    texts: (dump): HashTexts => ({ ...declaredTexts(dump, 0), resolved: resolvedHashText(dump) }),
    describe: (dump) => ({
      mode: String(dump.get('serving_mode')),
      summary: summaryOf(dump),
      ...(collectFacts ? { facts: configFacts('pypi-0.7.0', dump, '') } : {}),
    }),
  };
}

function toValidPoint(v: Validated, hasher?: StudyHasher, collectFacts = false): ValidPoint {
  const { declared, study } = declaredTexts(v.dump, v.origin.position);
  hasher?.add(study);
  const hash = sha256Hex(declared).slice(0, 16);
  return new LazyValidPoint(v.origin, v.dump, v.dump, hash, summaryOf(v.dump), renderDeclared, collectFacts ? configFacts('pypi-0.7.0', v.dump, hash) : undefined);
}

function validationFailure(issues: ValidationIssue[], prefix: string[] = []): CampaignError {
  const shifted = issues.map((i) => ({ ...i, loc: [...prefix, ...i.loc] }));
  return new CampaignError(`Config validation failed (${shifted.length} error${shifted.length === 1 ? '' : 's'}):\n${formatIssues(shifted)}`, prefix.join('.') || undefined, shifted);
}

/** How a PyPI 0.7.0 study reads its `base:` file (llem: `if not data` means no base). */
const BASE_RULES: BaseFileRules = { studyOnlyKeys: PYPI070_STUDY_ONLY_KEYS, isEmpty: (parsed) => !truthy(parsed), typeName: pyTypeName };

function resolveExperiment(raw: PyDict): StudyResolution {
  if (raw.has('harness')) throw new CampaignError(RETIRED_HARNESS_KEY_MSG, 'harness');
  if (!raw.has('serving_mode')) throw new CampaignError(SERVING_MODE_REQUIRED_MSG, 'serving_mode');
  const unknown = [...raw.keys()].filter((k) => !(typeof k === 'string' && PYPI070_EXPERIMENT_FIELDS.includes(k))).map(String).sort();
  if (unknown.length) {
    throw new CampaignError(
      unknown
        .map((k) => {
          const s = didYouMean(k, PYPI070_EXPERIMENT_FIELDS);
          return `Unknown field '${k}'${s ? ` - did you mean '${s}'?` : ''}`;
        })
        .join('\n'),
      unknown[0],
    );
  }
  const r = validateModel(ExperimentSpec, raw);
  if (!r.ok) throw validationFailure(r.issues);
  const point = toValidPoint({ origin: { kind: 'experiment-file', position: 0 }, raw, dump: r.dump });
  return {
    profile: 'pypi-0.7.0',
    kind: 'experiment',
    name: null,
    execution: { nCycles: 1, order: 'sequential', experimentGapSeconds: null, cycleGapSeconds: null, shuffleSeed: null, defaulted: { nCycles: false, order: false } },
    valid: [point],
    skipped: [],
    warnings: [],
    studyDesignHash: '',
    runs: [{ index: 0, cycle: 1, configIndex: 0 }],
    deduplicated: 0,
    metadata: {},
  };
}

function floatOrNull(v: PyValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  return (v as { value: number }).value;
}

interface Finalised {
  valid: ValidPoint[];
  skipped: SkippedPoint[];
  studyDesignHash: string;
  /** Valid configs before de-duplication, and how many distinct resolved configs they hold. */
  resolvedTotal: number;
  resolvedDistinct: number;
  removed: number;
  observations: DormantObservation[];
  /** Valid points that came from templates (pypi070/templatedSweep.ts). */
  templatedPoints?: number;
}

interface FinaliseOptions {
  dedupe: boolean;
  collectFacts: boolean;
}

function nothingToRun(total: number, skipped: SkippedPoint[]): CampaignError {
  const first = skipped.slice(0, 5).map((s) => (s.ruleId ? `rule ${s.ruleId}` : s.reason).slice(0, 120)).join('; ');
  return new CampaignError(`nothing to run - all ${total} generated config(s) are invalid. First failures: ${first}`);
}

function mostlyInvalid(total: number, skipped: number): PlanWarning | null {
  return skipped / total > 0.5
    ? { code: 'mostly-invalid', message: `Most of your sweep is invalid (${skipped}/${total} configs skipped). Check your config combinations.` }
    : null;
}

function mixedModes(modes: Set<string>): CampaignError | null {
  if (modes.size <= 1) return null;
  return new CampaignError(
    `This study mixes serving_mode values (${[...modes].sort().join(', ')}), but a single study must use exactly one serving_mode at this release. Mixed-mode studies (a study spanning both offline and server) arrive in a later release. Split the study so every experiment shares one serving_mode: run one study per serving_mode.`,
  );
}

/**
 * llem's own stage order over materialised points — every point validated before any is finalised — for
 * studies whose points share mutable dicts (see PointSource.rebuildable). Valid points keep their configs.
 */
function finaliseEager(all: RawPoint[], mergedFixed: PyDict, options: FinaliseOptions, warnings: PlanWarning[]): Finalised {
  // Sampling presets write into shared engine sections (llem mutates in place): detect the leak.
  const sharedSections = ENGINES.map((en) => mergedFixed.get(en)).filter((s): s is PyDict => s instanceof PyDict);
  const before = sharedSections.map((s) => safeText(s));
  const { valid: validAll, skipped } = validateAll(all);
  sharedSections.forEach((s, i) => {
    if (safeText(s) !== before[i]) {
      warnings.push({
        code: 'preset-leak',
        message:
          'sampling_preset values were written into the engine section shared by several sweep points (llem expands presets in place), so later points inherit earlier presets\' sampling values. Put the sampling values in the sweep, or avoid a fixed engine section together with a swept sampling_preset.',
      });
    }
  });
  if (validAll.length === 0) throw nothingToRun(all.length, skipped);
  const invalidWarning = mostlyInvalid(all.length, skipped.length);
  if (invalidWarning) warnings.push(invalidWarning);
  const modesError = mixedModes(new Set(validAll.map((v) => String(v.dump.get('serving_mode')))));
  if (modesError) throw modesError;

  // finalise_study: dormant canonicalisation + resolved-hash dedup (study/library_resolution.py)
  const observations: DormantObservation[] = [];
  const canon = validAll.map((v) => ({ ...v, dump: applyDormantFixpoint(v.dump, observations) }));
  // Equal resolved texts ⇔ equal resolved hashes; hash them so 100k texts need not be kept.
  const resolved = canon.map((c) => sha256Hex(resolvedHashText(c.dump)));
  let selected = canon;
  if (options.dedupe) {
    const seen = new Set<string>();
    selected = canon.filter((c, i) => {
      const h = resolved[i] as string;
      if (seen.has(h)) return false;
      seen.add(h);
      return true;
    });
  }
  const hasher = new StudyHasher();
  const valid = selected.map((c) => toValidPoint(c, hasher, options.collectFacts));
  return {
    valid,
    skipped,
    studyDesignHash: hasher.digest16(),
    resolvedTotal: canon.length,
    resolvedDistinct: new Set(resolved).size,
    removed: canon.length - selected.length,
    observations,
  };
}

/**
 * The same stages, one point at a time, for points that are independent of each other (nothing shared is
 * mutated, so validating one never changes another): nothing but hashes and summaries is kept per point,
 * and each config is rebuilt on demand (RegeneratedValidPoint). Errors surface in llem's stage order.
 */
function finaliseStreaming(
  total: number,
  pointAt: (position: number) => RawPoint,
  templated: TemplatedSweep<PointDescription> | null,
  options: FinaliseOptions,
  warnings: PlanWarning[],
): Finalised {
  const valid: ValidPoint[] = [];
  const skipped: SkippedPoint[] = [];
  const observations: DormantObservation[] = [];
  const modes = new Set<string>();
  // Equal resolved texts ⇔ equal keys: SHA-256 hex, or template keys for templated points (pypi070/templatedSweep.ts).
  const resolvedSeen = new Set<ResolvedKey>();
  const hasher = new StudyHasher();
  const summaries = new Map<string, string>();
  const regen = revalidatingRegenerator(ExperimentSpec, pointAt, renderDeclared, (d) => applyDormantFixpoint(d as ModelDump, []));
  let validCount = 0;
  let templatedPoints = 0;
  let removed = 0;
  let hashError: CampaignError | null = null;
  /** llem's resolved-config dedup: false when an equal config came before (and dedup is on). */
  const admit = (resolved: ResolvedKey): boolean => {
    if (resolvedSeen.has(resolved) && options.dedupe) {
      removed++;
      return false;
    }
    resolvedSeen.add(resolved);
    return true;
  };
  for (let position = 0; position < total; position++) {
    // A templated point: the same config and texts as below, as bytes spliced from its block's templates.
    const t = templated?.point(position) ?? null;
    if (t) {
      validCount++;
      templatedPoints++;
      modes.add(t.description.mode);
      if (!admit(t.resolvedKey) || hashError) continue;
      hasher.addBytes(t.study);
      const hash = sha256HexBytes(t.declared).slice(0, 16);
      const { facts } = t.description;
      const summary = summaries.get(t.description.summary) ?? (summaries.set(t.description.summary, t.description.summary), t.description.summary);
      valid.push(new RegeneratedValidPoint(t.origin, hash, summary, regen, facts ? { ...facts, hash } : undefined));
      continue;
    }
    const p = pointAt(position);
    const checked = validateOne(p);
    if ('skipped' in checked) {
      skipped.push(checked.skipped);
      continue;
    }
    validCount++;
    modes.add(String(checked.dump.get('serving_mode')));
    const dump = applyDormantFixpoint(checked.dump, observations);
    const resolvedText = resolvedHashText(dump);
    if (!admit(templated ? templated.resolvedKey(resolvedText) : sha256Hex(resolvedText)) || hashError) continue;
    let texts: { declared: string; study: string };
    try {
      texts = declaredTexts(dump, position);
    } catch (e) {
      // llem fails here only after checking every config's mode: report it after those checks.
      if (!(e instanceof CampaignError)) throw e;
      hashError = e;
      continue;
    }
    hasher.add(texts.study);
    const hash = sha256Hex(texts.declared).slice(0, 16);
    let summary = summaryOf(dump);
    summary = summaries.get(summary) ?? (summaries.set(summary, summary), summary);
    valid.push(new RegeneratedValidPoint(p.origin, hash, summary, regen, options.collectFacts ? configFacts('pypi-0.7.0', dump, hash) : undefined));
  }
  if (validCount === 0) throw nothingToRun(total, skipped);
  const modesError = mixedModes(modes);
  if (modesError) throw modesError;
  if (hashError) throw hashError;
  const invalidWarning = mostlyInvalid(total, skipped.length);
  if (invalidWarning) warnings.push(invalidWarning);
  return { valid, skipped, studyDesignHash: hasher.digest16(), resolvedTotal: validCount, resolvedDistinct: resolvedSeen.size, removed, observations, templatedPoints };
}

/** Internal switches, for tests that compare the two ways of computing the same plan. */
export interface Pypi070Tuning {
  /** Templated sweep points (default `auto`: where they pay off); `off` forces the point-by-point path. */
  templatedSweep?: TemplateMode;
  /** Filled in: how many valid points were templated. */
  stats?: { templatedPoints: number };
}

/** Resolve a parsed llem 0.7.0 (PyPI) file. Throws CampaignError where llem exits 2. */
export function resolvePypi070Study(parsed: PyValue, opts: ResolveOptions = {}, tuning: Pypi070Tuning = {}): StudyResolution {
  if (!(parsed instanceof PyDict)) throw new CampaignError(`Config must be a mapping (got ${pyTypeName(parsed)})`);
  const isStudy = parsed.has('sweep') || parsed.has('experiments');
  let raw = parsed.clone();
  if (!isStudy) {
    raw.delete('version');
    return resolveExperiment(raw);
  }
  const warnings: PlanWarning[] = [];

  // CLI effective defaults (cli/_study_defaults.py), deep-merged like llem does.
  const yamlExecRaw = raw.get('study_execution');
  const yamlExec = truthy(yamlExecRaw) ? (yamlExecRaw as PyValue) : new PyDict();
  const has = (k: string): boolean => (yamlExec instanceof PyDict ? yamlExec.has(k) : Array.isArray(yamlExec) ? yamlExec.includes(k) : typeof yamlExec === 'string' ? yamlExec.includes(k) : false);
  const ov = opts.executionOverrides ?? {};
  const execOverrides = new PyDict();
  const nDefaulted = !has('n_cycles');
  const orderDefaulted = !has('experiment_order');
  if (nDefaulted) execOverrides.set('n_cycles', 3);
  if (orderDefaulted) execOverrides.set('experiment_order', 'shuffle');
  if (ov.nCycles !== undefined) execOverrides.set('n_cycles', ov.nCycles);
  if (ov.order !== undefined) execOverrides.set('experiment_order', ov.order);
  if (execOverrides.size > 0) raw = pyDeepMerge(raw, new PyDict().set('study_execution', execOverrides));
  raw.delete('version');

  const studyName = raw.get('study_name');
  if (studyName !== undefined && studyName !== null && typeof studyName !== 'string') {
    throw validationFailure([{ loc: ['study_name'], type: 'string_type', msg: 'Input should be a valid string' }]);
  }
  const metadata: Record<string, PyValue> = {};
  for (const key of ['runners', 'images']) {
    const v = raw.get(key);
    if (!truthy(v)) continue;
    if (!(v instanceof PyDict) || [...v.entries()].some(([k, x]) => typeof k !== 'string' || typeof x !== 'string')) {
      throw validationFailure([{ loc: [key], type: 'dict_type', msg: 'Input should be a mapping of engine name to string' }]);
    }
    metadata[key] = v;
  }
  const outputRaw = raw.get('output');
  const output = validateModel(OutputSpec070, truthy(outputRaw) ? (outputRaw as PyValue) : new PyDict());
  if (!output.ok) throw validationFailure(output.issues, ['output']);
  metadata.output = output.dump;
  const execRaw = raw.get('study_execution');
  const exec = validateModel(ExecutionSpec070, truthy(execRaw) ? (execRaw as PyValue) : new PyDict());
  if (!exec.ok) throw validationFailure(exec.issues, ['study_execution']);
  const e = exec.dump;

  // expand_grid
  const baseDict = raw.has('base') && raw.get('base') !== null ? loadBase(raw.get('base') as PyValue, opts, BASE_RULES) : new PyDict();
  const mergedFixed = baseDict.clone();
  for (const [k, v] of raw.entries()) if (!(typeof k === 'string' && PYPI070_STUDY_ONLY_KEYS.has(k))) mergedFixed.set(k, v);
  const entriesRaw = raw.get('experiments');
  const entries: PyValue[] = truthy(entriesRaw) ? (entriesRaw as PyValue[]) : [];
  if (truthy(entriesRaw) && !Array.isArray(entriesRaw)) {
    throw new CampaignError(`experiments: must be a list of mappings (got ${pyTypeName(entriesRaw)}); llem would crash on it`, 'experiments');
  }
  const sweep = expandSweep(raw.has('sweep') ? (raw.get('sweep') as PyValue) : new PyDict(), mergedFixed, entries.length === 0, warnings, opts.limits);
  const explicitPoints: RawPoint[] = entries.map((entry, i) => {
    if (!(entry instanceof PyDict)) throw new CampaignError(`experiments[${i}]: each entry must be a mapping (got ${pyTypeName(entry)})`, `experiments[${i}]`);
    const merged = pyDeepMerge(mergedFixed, entry);
    const engine = merged.has('engine') ? merged.get('engine') : mergedFixed.has('engine') ? mergedFixed.get('engine') : 'transformers';
    for (const key of ENGINES) if (key !== engine && merged.has(key) && !entry.has(key)) merged.delete(key);
    return { raw: merged, origin: { kind: 'explicit', position: sweep.count + i, entryIndex: i } };
  });
  const allCount = sweep.count + explicitPoints.length;
  checkConfigCount(allCount, opts.limits, 'the study');
  if (allCount === 0) throw new CampaignError("Study produced no experiments. Add a 'sweep:' block, 'experiments:' list, or inline 'model:' field.");
  const pointAt = (position: number): RawPoint => (position < sweep.count ? sweep.at(position) : (explicitPoints[position - sweep.count] as RawPoint));

  const llemDedupes = e.get('deduplicate_equivalent') === true;
  const finalised = sweep.rebuildable
    ? finaliseStreaming(
        allCount,
        pointAt,
        templateSweep(sweep.blocks, sweep.at, pipeline(opts.collectFacts ?? false), tuning.templatedSweep),
        { dedupe: llemDedupes || (opts.dedupe ?? false), collectFacts: opts.collectFacts ?? false },
        warnings,
      )
    : finaliseEager(
        Array.from({ length: allCount }, (_, i) => pointAt(i)),
        mergedFixed,
        { dedupe: llemDedupes || (opts.dedupe ?? false), collectFacts: opts.collectFacts ?? false },
        warnings,
      );
  const { valid, skipped, studyDesignHash, resolvedTotal, resolvedDistinct, removed, observations } = finalised;
  if (tuning.stats) tuning.stats.templatedPoints = finalised.templatedPoints ?? 0;
  if (removed > 0) {
    warnings.push({
      code: 'llem-dedup',
      message: `${removed} of ${resolvedTotal} valid configs resolve to the same effective config as an earlier one; llem runs ${valid.length} unique config(s)${llemDedupes ? '' : ' (de-duplicated at your request)'}.`,
    });
  } else if (!llemDedupes && resolvedDistinct < resolvedTotal) {
    warnings.push({
      code: 'duplicate-configs',
      message: `${resolvedTotal - resolvedDistinct} config(s) are equivalent to earlier ones and deduplicate_equivalent is false, so llem runs every copy; choose "de-duplicate" to keep one of each.`,
    });
  }
  const seenObs = new Set<string>();
  for (const o of observations) {
    const key = `${o.ruleId}|${o.fieldPath}`;
    if (seenObs.has(key)) continue;
    seenObs.add(key);
    warnings.push({ code: 'dormant-normalised', path: o.fieldPath, message: `${o.fieldPath} has no effect here (rule ${o.ruleId}); llem drops it before hashing and de-duplication.` });
  }
  const nCycles = e.get('n_cycles') as number;
  const order = e.get('experiment_order') as string;
  const seedV = e.get('shuffle_seed');
  const settings = e.clone();
  if (ov.noGaps) {
    settings.set('experiment_gap_seconds', new PyFloat(0));
    settings.set('cycle_gap_seconds', new PyFloat(0));
  }
  const execution: EffectiveExecution = {
    settings,
    nCycles,
    order,
    experimentGapSeconds: ov.noGaps ? 0 : floatOrNull(e.get('experiment_gap_seconds')),
    cycleGapSeconds: ov.noGaps ? 0 : floatOrNull(e.get('cycle_gap_seconds')),
    shuffleSeed: seedV === null || seedV === undefined ? null : (seedV as number | bigint),
    defaulted: { nCycles: nDefaulted && ov.nCycles === undefined, order: orderDefaulted && ov.order === undefined },
  };
  checkRunCount(valid.length, nCycles, opts.limits);
  const seq = applyCycles(valid.length, nCycles, orderKind(order), studyDesignHash, execution.shuffleSeed);
  return {
    profile: 'pypi-0.7.0',
    kind: 'study',
    name: typeof studyName === 'string' ? studyName : null,
    execution,
    valid,
    skipped,
    warnings,
    studyDesignHash,
    runs: plannedRuns(
      seq,
      valid.map((v) => v.hash),
    ),
    deduplicated: removed,
    metadata,
  };
}

function safeText(d: PyDict): string {
  try {
    return canonicalJson(d, { defaultStr: true });
  } catch {
    return String(d.size);
  }
}
