/**
 * Study/experiment resolution for the contract's llem generations (`head`, `v0.8`, `v0.7`):
 * the exact pipeline of contract §2.3–2.9, including llem's surprising behaviours, each of
 * which is reproduced (so hashes and orders match llem) and reported as a PlanWarning.
 */
import { canonicalJson } from '../../../../contract/llem/canonicalJson';
import { didYouMean } from '../../../../contract/llem/didYouMean';
import { BACKENDS, experimentSpec, type ContractSchemaGeneration } from '../../../../contract/llem/experimentConfig';
import { formatIssues, validateModel, type ValidationIssue } from '../../../../contract/llem/modelSpec';
import { PyDict, PyFloat, pyDeepMerge, pyRepr, pyStr, type PyKey, type PyValue } from '../../../../contract/llem/pyValue';
import {
  CONTRACT_STUDY_ONLY_KEYS,
  experimentGapField,
  validateExecution,
  type ContractProfileId,
} from '../../../../contract/llem/studyConfig';
import { StudyHasher, sha256Hex } from '../../hashing';
import { loadBase, type BaseFileRules } from '../../baseFile';
import { configFacts } from './estimateInputs';
import { applyCycles, orderKind, plannedRuns } from '../../runOrder';
import {
  CampaignError,
  LazyValidPoint,
  RegeneratedValidPoint,
  type PointRegenerator,
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

const BACKEND_SET = new Set<string>(BACKENDS);

export function schemaGeneration(profile: ContractProfileId): ContractSchemaGeneration {
  return profile === 'head' ? 'head' : 'tag';
}

export { pyStr };


/**
 * Validate raw points in expansion order; hash each valid one and feed the study hash in the
 * same pass. Points stream through (a 100k sweep never holds 100k raw configs at once); with a
 * regenerator, valid points keep only hash + summary and rebuild their config on demand, otherwise
 * (the tags' shared-section expansion, experiment files) they keep the validated config.
 * With `dedupe`, a point whose hash was already seen is dropped (counted in `removed`).
 */
function validatePoints(
  points: Iterable<RawPoint>,
  gen: ContractSchemaGeneration,
  options: { dedupe?: boolean; regen?: PointRegenerator | null; profile?: ContractProfileId; collectFacts?: boolean } = {},
): { valid: ValidPoint[]; skipped: SkippedPoint[]; studyHash: string; removed: number; duplicates: number; total: number } {
  const spec = experimentSpec(gen);
  const valid: ValidPoint[] = [];
  const skipped: SkippedPoint[] = [];
  const hasher = new StudyHasher();
  const seen = new Set<string>();
  const summaries = new Map<string, string>();
  const regen = options.regen ?? null;
  let removed = 0;
  let duplicates = 0;
  let total = 0;
  for (const p of points) {
    total++;
    const r = validateModel(spec, p.raw);
    if (r.ok) {
      const text = canonicalJsonOrThrow(r.dump, p.origin);
      const hash = sha256Hex(text).slice(0, 16);
      if (seen.has(hash)) {
        duplicates++;
        if (options.dedupe) {
          removed++;
          continue;
        }
      }
      seen.add(hash);
      hasher.add(text);
      // Interned: a sweep repeats a handful of distinct summaries 100k times.
      let summary = contractSummary(r.dump);
      summary = summaries.get(summary) ?? (summaries.set(summary, summary), summary);
      const facts = options.collectFacts && options.profile ? configFacts(options.profile, r.dump, hash) : undefined;
      valid.push(
        regen
          ? new RegeneratedValidPoint(p.origin, hash, summary, regen, facts)
          : new LazyValidPoint(p.origin, r.dump, r.dump, hash, summary, (d) => canonicalJson(d), facts),
      );
    } else {
      skipped.push({
        origin: p.origin,
        raw: p.raw,
        label: `${p.raw.has('backend') ? pyStr(p.raw.get('backend')) : 'unknown'}, ${p.raw.has('precision') ? pyStr(p.raw.get('precision')) : '?'}`,
        reason: formatIssues(r.issues),
        issues: r.issues,
      });
    }
  }
  return { valid, skipped, studyHash: hasher.digest16(), removed, duplicates, total };
}

function canonicalJsonOrThrow(dump: PyDict, origin: PointOrigin): string {
  try {
    return canonicalJson(dump);
  } catch (e) {
    throw new CampaignError(
      `llem cannot hash config #${origin.position + 1}: ${(e as Error).message}. llem would crash here; use string keys and plain values in free-form sections.`,
    );
  }
}

/** llem manifest `config_summary`: `<backend> / <model slug, ≤30 chars> / <precision>`. */
export function contractSummary(dump: PyDict): string {
  const model = String(dump.get('model') ?? '');
  const slug = (model.split('/').pop() ?? model).slice(0, 30);
  return `${pyStr(dump.get('backend'))} / ${slug} / ${pyStr(dump.get('precision'))}`;
}

/** A value's kind in the contract family's messages (`a list`, `a mapping`, `null`). */
function describeKind(v: PyValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof PyDict) return 'a mapping';
  return `a ${typeof v === 'object' ? 'value' : typeof v}`;
}


interface SweepDim {
  key: string;
  values: PyValue[];
  /** For scoped dims: the key below the backend section (`batch_size`, `engine.block_size`). */
  rest?: string;
}

function scopedUpdate(rest: string, value: PyValue, gen: ContractSchemaGeneration): PyDict {
  const d = new PyDict();
  if (gen === 'head') {
    const dot = rest.indexOf('.');
    if (dot >= 0) {
      // 3 segments nest once; 4+ keep the remainder as a literal dotted key (§2.5).
      d.set(rest.slice(0, dot), new PyDict().set(rest.slice(dot + 1), value));
      return d;
    }
  }
  // v0.7/v0.8 tags store everything after the backend as one literal key (§9.19).
  d.set(rest, value);
  return d;
}

/**
 * Expand `sweep:` into raw configs (contract §2.5). Mutates nothing it was given, except that the
 * `tag` generation deliberately shares the fixed backend section between points (llem's bug).
 */

function expandSweep(sweep: PyDict, mergedFixed: PyDict, gen: ContractSchemaGeneration, warnings: PlanWarning[], limits?: CampaignLimits): PointSource {
  const universal: SweepDim[] = [];
  const scoped = new Map<string, SweepDim[]>();
  for (const [key, values] of sweep.entries()) {
    if (typeof key !== 'string') {
      throw new CampaignError(`sweep: key ${pyRepr(key as PyValue)} is not a string; llem would crash on it. Quote the key.`, 'sweep');
    }
    const list = Array.isArray(values) ? values : [values];
    const dot = key.indexOf('.');
    if (dot >= 0) {
      const prefix = key.slice(0, dot);
      const rest = key.slice(dot + 1);
      const dims = scoped.get(prefix) ?? [];
      dims.push({ key, values: list, rest });
      scoped.set(prefix, dims);
      const segments = key.split('.').length;
      if (gen === 'head' && segments >= 4) {
        warnings.push({
          code: 'literal-dotted-key',
          path: `sweep.${key}`,
          message: `sweep key '${key}' has ${segments} segments; llem nests only the first three, so '${rest.slice(rest.indexOf('.') + 1)}' becomes a literal key inside '${prefix}.${rest.slice(0, rest.indexOf('.'))}' (accepted, then ignored or broken at run time). Sweep '${prefix}.${rest.slice(0, rest.indexOf('.'))}' with mapping values instead.`,
        });
      } else if (gen === 'tag' && segments >= 3) {
        warnings.push({
          code: 'literal-dotted-key',
          path: `sweep.${key}`,
          message: `sweep key '${key}': this llem version stores '${rest}' as one literal key inside '${prefix}:' (it does not nest), which that section rejects.`,
        });
      }
    } else {
      universal.push({ key, values: list });
    }
  }

  const fixedBackend = mergedFixed.has('backend') ? (mergedFixed.get('backend') as PyValue) : 'pytorch';
  let backends: PyValue[];
  if (Array.isArray(fixedBackend)) backends = [...fixedBackend];
  else if (scoped.size > 0) backends = [...scoped.keys()];
  else backends = [fixedBackend];

  // Warnings about llem's backend-scoping surprises.
  const backendSwept = universal.some((d) => d.key === 'backend');
  for (const prefix of scoped.keys()) {
    if (BACKEND_SET.has(prefix)) continue;
    const keys = (scoped.get(prefix) ?? []).map((d) => d.key).join(', ');
    let consequence: string;
    if (Array.isArray(fixedBackend)) consequence = 'with a list-valued backend these keys are silently dropped';
    else if (backendSwept) consequence = 'it only works here by accident because backend is also a sweep dimension';
    else consequence = `llem generates configs with backend '${prefix}', which are all invalid`;
    warnings.push({
      code: 'dotted-non-backend-key',
      path: `sweep.${prefix}`,
      message: `sweep key(s) ${keys}: llem treats the part before the first dot as a backend name, not a section; ${consequence}. Sweep the whole '${prefix}' mapping instead (e.g. ${prefix}: [{...}, {...}]).`,
    });
  }
  if (!Array.isArray(fixedBackend) && scoped.size > 0 && mergedFixed.has('backend')) {
    const prefixes = [...scoped.keys()];
    if (prefixes.length >= 2 || prefixes[0] !== fixedBackend) {
      warnings.push({
        code: 'fixed-backend-ignored',
        path: 'backend',
        message: `backend: ${pyStr(fixedBackend)} is ignored: scoped sweep keys decide the backends, so llem generates experiments for ${prefixes.join(' and ')}.`,
      });
    }
  }

  let total = 0;
  for (const b of backends) {
    const dims = [...universal, ...(typeof b === 'string' ? (scoped.get(b) ?? []) : [])];
    total += dims.reduce((acc, d) => acc * d.values.length, 1);
  }
  checkConfigCount(total, limits);

  const blocks: { b: PyValue; bKey: string | null; dims: SweepDim[]; count: number }[] = [];
  for (const b of backends) {
    const bKey = typeof b === 'string' ? b : null;
    const dims: SweepDim[] = [...universal, ...(bKey !== null ? (scoped.get(bKey) ?? []) : [])];
    if (gen === 'tag' && bKey !== null && mergedFixed.get(bKey) instanceof PyDict && (scoped.get(bKey)?.length ?? 0) > 0) {
      warnings.push({
        code: 'tag-shared-section',
        path: bKey,
        message: `this llem version shares the fixed '${bKey}:' section between grid points, so every ${bKey} point gets the LAST swept value of its '${bKey}.*' keys. Move the fixed '${bKey}:' keys into the sweep or upgrade llem.`,
      });
    }
    blocks.push({ b, bKey, dims, count: dims.reduce((acc, d) => acc * d.values.length, 1) });
  }
  const count = blocks.reduce((acc, blk) => acc + blk.count, 0);

  // Point i: its backend block, then the odometer digits of its index there (last dimension varies fastest).
  const at = (i: number): RawPoint => {
    let k = 0;
    let local = i;
    while (local >= (blocks[k] as (typeof blocks)[number]).count) local -= (blocks[k++] as (typeof blocks)[number]).count;
    const { b, bKey, dims } = blocks[k] as (typeof blocks)[number];
    const idx = new Array<number>(dims.length);
    for (let d = dims.length - 1; d >= 0; d--) {
      const n = (dims[d] as SweepDim).values.length;
      idx[d] = local % n;
      local = Math.floor(local / n);
    }
    const c = mergedFixed.clone();
    c.set('backend', b);
    for (let d = 0; d < dims.length; d++) {
      const dim = dims[d] as SweepDim;
      const value = dim.values[idx[d] as number] as PyValue;
      if (dim.rest === undefined) {
        c.set(dim.key, value);
      } else if (gen === 'head') {
        const existing = c.get(bKey as string);
        const base = existing instanceof PyDict ? existing : new PyDict();
        c.set(bKey as string, pyDeepMerge(base, scopedUpdate(dim.rest, value, gen)));
      } else {
        // Tags: `config.setdefault(b, {})` then assign in place — the fixed dict is shared.
        let section = c.get(bKey as string);
        if (!(section instanceof PyDict)) {
          section = new PyDict();
          c.set(bKey as string, section);
        }
        section.set(dim.rest, value);
      }
    }
    return { raw: c, origin: { kind: 'sweep', position: i, ...(bKey !== null ? { backend: bKey } : {}) } };
  };
  if (gen === 'tag') {
    // The tags mutate the shared section while generating, and llem validates only after generating every
    // point (so each sees the last values): generate them all first, like llem.
    const all = Array.from({ length: count }, (_, i) => at(i));
    return { count, at: (i) => all[i] as RawPoint, rebuildable: false };
  }
  return { count, at, rebuildable: true };
}

function stripKeys(d: PyDict, keys: Set<string>): PyDict {
  const out = new PyDict();
  for (const [k, v] of d.entries()) if (!(typeof k === 'string' && keys.has(k))) out.set(k, v);
  return out;
}

/** How a contract-family study reads its `base:` file (llem HEAD: a `None` document is an empty base). */
const BASE_RULES: BaseFileRules = { studyOnlyKeys: CONTRACT_STUDY_ONLY_KEYS, isEmpty: (parsed) => parsed === null, typeName: describeKind };

function effectiveExecution(profile: ContractProfileId, raw: PyDict, opts: ResolveOptions): EffectiveExecution {
  const execRaw = raw.has('execution') ? (raw.get('execution') as PyValue) : null;
  if (execRaw !== null && !(execRaw instanceof PyDict)) {
    throw new CampaignError(`execution: must be a mapping (got ${describeKind(execRaw)})`, 'execution');
  }
  const execDict = execRaw ?? new PyDict();
  const r = validateExecution(profile, execDict);
  if (!r.ok) {
    const issues: ValidationIssue[] = r.issues.map((i) => ({ ...i, loc: ['execution', ...i.loc] }));
    throw new CampaignError(`Config validation failed (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`, 'execution', issues);
  }
  const d = r.dump;
  const ov = opts.executionOverrides ?? {};
  const nCyclesDefaulted = ov.nCycles === undefined && !execDict.has('n_cycles');
  const orderDefaulted = ov.order === undefined && !execDict.has('cycle_order');
  const nCycles = ov.nCycles ?? (nCyclesDefaulted ? 3 : (d.get('n_cycles') as number));
  const order = ov.order ?? (orderDefaulted ? 'shuffled' : (d.get('cycle_order') as string));
  const gap = (name: string): number | null => {
    if (ov.noGaps) return 0;
    const v = d.get(name);
    if (v === null || v === undefined) return null;
    return v instanceof PyFloat ? v.value : Number(v);
  };
  const seed = d.get('shuffle_seed');
  const settings = d.clone();
  settings.set('n_cycles', nCycles);
  settings.set('cycle_order', order);
  if (ov.noGaps) {
    settings.set(experimentGapField(profile), new PyFloat(0));
    settings.set('cycle_gap_seconds', new PyFloat(0));
  }
  return {
    settings,
    nCycles,
    order,
    experimentGapSeconds: gap(experimentGapField(profile)),
    cycleGapSeconds: gap('cycle_gap_seconds'),
    shuffleSeed: seed === null || seed === undefined ? null : (seed as number | bigint),
    defaulted: { nCycles: nCyclesDefaulted, order: orderDefaulted },
  };
}

function duplicateWarning(duplicates: number, removed: number): PlanWarning | null {
  if (duplicates === 0 || removed > 0) return null;
  return {
    code: 'duplicate-configs',
    message: `${duplicates} generated config(s) are identical to earlier ones. llem runs every copy and its manifest breaks once a cycle counter exceeds n_cycles; choose "de-duplicate" to keep one of each.`,
  };
}

/** Resolve an experiment file (no `sweep`/`experiments`): one run, study hash "". */
function resolveExperiment(profile: ContractProfileId, raw: PyDict): StudyResolution {
  const gen = schemaGeneration(profile);
  const spec = experimentSpec(gen);
  const known = spec.fields.map((x) => x.name);
  const unknown = [...raw.keys()].filter((k) => !(typeof k === 'string' && known.includes(k)));
  if (unknown.length) {
    const lines = unknown
      .map((k) => String(k))
      .sort()
      .map((k) => {
        const s = didYouMean(k, known);
        return `Unknown field '${k}'${s ? ` — did you mean '${s}'?` : ''}`;
      });
    throw new CampaignError(lines.join('\n'), String(unknown[0]));
  }
  const { valid, skipped } = validatePoints([{ raw, origin: { kind: 'experiment-file', position: 0 } }], gen);
  if (valid.length === 0) {
    const issues = skipped[0]?.issues ?? [];
    throw new CampaignError(`Config validation failed (${issues.length} error${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`, undefined, issues);
  }
  return {
    profile,
    kind: 'experiment',
    name: null,
    execution: {
      nCycles: 1,
      order: 'sequential',
      experimentGapSeconds: null,
      cycleGapSeconds: null,
      shuffleSeed: null,
      defaulted: { nCycles: false, order: false },
    },
    valid,
    skipped: [],
    warnings: [],
    studyDesignHash: '',
    runs: [{ index: 0, cycle: 1, configIndex: 0 }],
    deduplicated: 0,
    metadata: {},
  };
}

/** Resolve a parsed llem file for a contract profile (contract §2.3). Throws CampaignError. */
export function resolveContractStudy(profile: ContractProfileId, parsed: PyValue, opts: ResolveOptions = {}): StudyResolution {
  if (!(parsed instanceof PyDict)) {
    throw new CampaignError(`Config must be a mapping (got ${describeKind(parsed)})`);
  }
  const raw = parsed.clone();
  raw.delete('version');
  const isStudy = raw.has('sweep') || raw.has('experiments');
  if (!isStudy) return resolveExperiment(profile, raw);

  const gen = schemaGeneration(profile);
  const warnings: PlanWarning[] = [];
  if (profile === 'v0.7') {
    warnings.push({
      code: 'no-study-mode',
      message: 'llem v1.17.0 (v0.7.0 tag) has no study mode in `llem run`; llem Studio runs each experiment as its own `llem run` in the planned order.',
    });
  }
  const execution = effectiveExecution(profile, raw, opts);

  const baseDict = raw.has('base') && raw.get('base') !== null ? loadBase(raw.get('base') as PyValue, opts, BASE_RULES) : new PyDict();
  const fixed = stripKeys(raw, CONTRACT_STUDY_ONLY_KEYS);
  const mergedFixed = baseDict.clone();
  for (const [k, v] of fixed.entries()) mergedFixed.set(k, v);

  const sweepValue = raw.get('sweep');
  const sweepEmpty = sweepValue === undefined || sweepValue === null || isFalsy(sweepValue);
  let sweep: PointSource;
  if (sweepEmpty) {
    const model = mergedFixed.get('model');
    const hasFixed = model !== undefined && !isFalsy(model);
    sweep = { count: hasFixed ? 1 : 0, at: () => ({ raw: mergedFixed.clone(), origin: { kind: 'fixed', position: 0 } }), rebuildable: true };
  } else {
    if (!(sweepValue instanceof PyDict)) throw new CampaignError(`sweep: must be a mapping of key: value-or-list (got ${describeKind(sweepValue)})`, 'sweep');
    sweep = expandSweep(sweepValue, mergedFixed, gen, warnings, opts.limits);
  }

  const explicitPoints: RawPoint[] = [];
  if (raw.has('experiments')) {
    const entries = raw.get('experiments');
    if (!Array.isArray(entries)) {
      throw new CampaignError(`experiments: must be a list of mappings (got ${describeKind(entries)}); llem would crash on it`, 'experiments');
    }
    entries.forEach((e, i) => {
      if (!(e instanceof PyDict)) throw new CampaignError(`experiments[${i}]: each entry must be a mapping (got ${describeKind(e)})`, `experiments[${i}]`);
      const merged = mergedFixed.clone();
      for (const [k, v] of e.entries()) merged.set(k, v);
      explicitPoints.push({ raw: merged, origin: { kind: 'explicit', position: sweep.count + i, entryIndex: i } });
    });
    if (sweepEmpty && sweep.count === 1 && entries.length > 0) {
      warnings.push({
        code: 'fixed-config-added',
        path: 'model',
        message: `the study has a top-level model and an experiments: list but no sweep, so llem also runs the fixed config itself — ${entries.length + 1} experiments, not ${entries.length}. Move 'model' into each entry (or into base:) to avoid the extra run.`,
      });
    }
  }

  const allCount = sweep.count + explicitPoints.length;
  checkConfigCount(allCount, opts.limits, 'the study');
  if (allCount === 0) {
    throw new CampaignError("Study produced no experiments. Add a 'sweep:' block, 'experiments:' list, or inline 'model:' field.");
  }
  const pointAt = (position: number): RawPoint => (position < sweep.count ? sweep.at(position) : (explicitPoints[position - sweep.count] as RawPoint));
  function* allPoints(): Generator<RawPoint> {
    for (let i = 0; i < allCount; i++) yield pointAt(i);
  }
  const spec = experimentSpec(gen);
  const regen: PointRegenerator | null = sweep.rebuildable ? revalidatingRegenerator(spec, pointAt, (d) => canonicalJson(d)) : null;
  const {
    valid,
    skipped,
    studyHash: studyDesignHash,
    removed,
    duplicates,
  } = validatePoints(allPoints(), gen, { dedupe: opts.dedupe ?? false, regen, profile, collectFacts: opts.collectFacts ?? false });
  if (valid.length === 0) {
    const first = skipped
      .slice(0, 5)
      .map((s) => s.reason.slice(0, 120))
      .join('; ');
    throw new CampaignError(`nothing to run — all ${allCount} generated config(s) are invalid. First failures: ${first}`);
  }
  if (skipped.length / allCount > 0.5) {
    warnings.push({ code: 'mostly-invalid', message: `${Math.round((skipped.length / allCount) * 100)}% of sweep configs are invalid -- check your sweep dimensions.` });
  }
  const dupWarning = duplicateWarning(duplicates, removed);
  if (dupWarning) warnings.push(dupWarning);

  checkRunCount(valid.length, execution.nCycles, opts.limits);
  const seq = applyCycles(valid.length, execution.nCycles, orderKind(execution.order), studyDesignHash, execution.shuffleSeed);
  const runs = plannedRuns(
    seq,
    valid.map((v) => v.hash),
  );
  const nameValue = raw.get('name');
  const metadata: Record<string, PyValue> = {};
  if (raw.has('runners')) metadata.runners = raw.get('runners') as PyValue;
  return {
    profile,
    kind: 'study',
    name: typeof nameValue === 'string' ? nameValue : nameValue === undefined || nameValue === null ? null : pyStr(nameValue),
    execution,
    valid,
    skipped,
    warnings,
    studyDesignHash,
    runs,
    deduplicated: removed,
    metadata,
  };
}

function isFalsy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === '' || v === 0n) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof PyDict) return v.size === 0;
  if (typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'number') return (v as { value: number }).value === 0;
  return false;
}

export type { PyKey };
