/**
 * Templated sweep points (PyPI 0.7.0): hash a swept point by splicing its swept values into texts
 * prepared once per engine block, instead of generating, validating and serialising every config.
 *
 * WHY: in a 100k-config sweep such as `task.dataset.n_prompts × task.max_output_tokens ×
 * task.random_seed`, every point's config is its neighbour's with two or three numbers changed, yet
 * the point-by-point path spends ~20 µs on each (generation, validation with the engine rules, three
 * canonical JSON texts, three SHA-256 runs over strings). A templated point costs a few buffer copies
 * and one SHA-256 run over bytes (plus its share of the study hash).
 *
 * Why a templated point is the point-by-point result, byte for byte. Each premise is checked at run
 * time for the block at hand; where a check fails, the block (or the point) takes the point-by-point path.
 *
 *  1. Generation. In a rebuildable block (no shared mutable dicts, no groups) a point is the block's
 *     base config with each swept key routed in, and a dotted key sets one leaf. When no key's path is
 *     a prefix of another's and every value is a scalar, a point is the base with those leaves set.
 *  2. Validation. The root model validates each field on its own. Below the root, every model on a
 *     swept path must have no model validators (checked on the spec), so each swept leaf is validated
 *     on its own. That leaves the root's model validators, the engine rules and the dormant rules: they
 *     run once on the block's representative with each swept section replaced by a stand-in that
 *     throws when anything looks inside it. All else in a block is the same for every point, so if they
 *     never read the swept sections there, they never do in the block. Hence a point is valid exactly
 *     when each of its swept values is, and its config is the representative's with the validated
 *     leaves in place (values are validated in the representative's context, one at a time).
 *  3. Texts. The hashed texts (declared, study, resolved) are canonical JSON of per-value transforms
 *     of the config; canonical JSON of a mapping is its entries' texts in key order, and key order
 *     depends on keys only. So a text is fixed pieces with each leaf's own text in between. Pieces come
 *     from rendering the representative with unique sentinel strings at the swept leaves, a leaf's
 *     text from rendering it among the sentinels (textTemplate.ts). Each one-value variation of the
 *     representative, and the block's last point, are also run point by point and must give the same bytes.
 *  4. De-duplication compares resolved texts. A templated resolved text reads back unambiguously into
 *     its leaf texts (TemplateKeys), so it is keyed by which distinct leaf text fills each hole instead of
 *     by its SHA-256; a point-by-point text that fits a template gets that template's key, any other its
 *     SHA-256. Equal texts ⇔ equal keys either way.
 *  5. Descriptions (summary, estimate facts) are memoised on the swept leaves they read, which a
 *     ReadTracker records for every computed entry (dumpPatch.ts).
 *
 * Points with an invalid swept value (skipped points, with llem's reasons) are left to the point-by-
 * point path. tests/unit/llem/families/pypi070/templatedSweep.test.ts compares both paths over generated campaigns,
 * and tests/integration/llem/llem-real.test.ts compares templated plans with the real llem.
 */
import { canonicalJson } from '../../../../contract/llem/canonicalJson';
import { ModelDump, type ModelSpec, type TypeSpec, validateModel } from '../../../../contract/llem/modelSpec';
import { PyDict, PyFloat, type PyValue } from '../../../../contract/llem/pyValue';
import type { PointOrigin, RawPoint } from '../../types';
import { sha256Hex, sha256HexBytes } from '../../hashing';
import { type PatchPlan, ReadTracker, SectionStandIn, copyDump, getPath, patchNodes, patchPlan, planFits, withLeaves } from './dumpPatch';
import { TemplateKeys, type TextTemplate, assemble, cutHole, sameText, splitAtMarkers, textTemplate } from './textTemplate';

/** The three texts llem hashes for a config (study = declared unless `server.traffic.slo` is set). */
export interface HashTexts {
  declared: string;
  study: string;
  resolved: string;
}

/** The per-point stages after generation, exactly as the point-by-point path runs them. */
export interface PointPipeline<D> {
  /** Root model of a config. */
  spec: ModelSpec;
  /** What the plan does after validation (PyPI 0.7.0: dormant canonicalisation). */
  finish(dump: ModelDump): ModelDump;
  /** The hashed texts of a finished config; throws where llem cannot hash it. */
  texts(dump: ModelDump): HashTexts;
  /** What the plan keeps of a finished config besides its hashes (a pure function of the config). */
  describe(dump: ModelDump): D;
}

/** One engine block of a rebuildable sweep: positions `first … first+count-1`, last key varying fastest. */
export interface SweepBlock {
  first: number;
  count: number;
  dimKeys: readonly string[];
  dimValues: readonly PyValue[][];
}

/** A point hashed from its block's templates. The byte views are only valid until the next `point()` call. */
export interface TemplatedPoint<D> {
  origin: PointOrigin;
  description: D;
  declared: Uint8Array;
  study: Uint8Array;
  /** Stands for the resolved text in de-duplication (see `resolvedKey`). */
  resolvedKey: ResolvedKey;
}

/** A template key (number) or the SHA-256 hex of the resolved text: equal keys ⇔ equal resolved texts. */
export type ResolvedKey = number | string;

export type TemplateMode = 'auto' | 'always' | 'off';

export interface TemplatedSweep<D> {
  /** The templated point at `position`, or null where the point-by-point path must handle it. */
  point(position: number): TemplatedPoint<D> | null;
  /** The key of a resolved text from the point-by-point path, comparable with templated points' keys. */
  resolvedKey(text: string): ResolvedKey;
}

const KINDS = ['declared', 'study', 'resolved'] as const;
type TextKind = (typeof KINDS)[number];

function isScalar(v: PyValue | undefined): v is null | boolean | string | number | bigint | PyFloat {
  return v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;
}

function modelOf(t: TypeSpec): ModelSpec | null {
  if (t.k === 'opt') return modelOf(t.inner);
  return t.k === 'model' ? t.model : null;
}

/** Premise 2 on the spec: `path` leads through model fields whose models have no model validators, to a declared field. */
function separablePath(root: ModelSpec, path: readonly string[]): boolean {
  if (path.length < 2) return false;
  let model = root;
  for (let i = 0; i < path.length; i++) {
    const field = model.fields.find((f) => f.name === path[i]);
    if (!field) return false;
    if (i === path.length - 1) return true;
    const next = modelOf(field.type);
    if (!next || next.before?.length || next.after?.length) return false;
    model = next;
  }
  return false;
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function standIn(section: PyValue | undefined): SectionStandIn {
  return section instanceof ModelDump ? copyDump(section, SectionStandIn, false) : new SectionStandIn();
}

/**
 * Premise 2 at run time: the root's model validators (the engine rules among them) and `finish` never look
 * inside `sections`, nor put anything else in their place.
 */
function validatorsIgnore<D>(pipeline: PointPipeline<D>, raw: PyDict, dump: ModelDump, sections: readonly string[]): boolean {
  const spec = pipeline.spec;
  try {
    let r: PyDict = raw.clone();
    const rawStandIns = sections.map((s) => standIn(raw.get(s)));
    sections.forEach((s, i) => r.set(s, rawStandIns[i] as SectionStandIn));
    for (const before of spec.before ?? []) {
      const next = before(r, {});
      if (!(next instanceof PyDict)) return false;
      r = next;
    }
    if (sections.some((s, i) => r.get(s) !== rawStandIns[i])) return false;
    let d = copyDump(dump, ModelDump);
    const dumpStandIns = sections.map((s) => standIn(dump.get(s)));
    sections.forEach((s, i) => d.set(s, dumpStandIns[i] as SectionStandIn));
    for (const after of spec.after ?? []) {
      if (typeof after === 'function') {
        if (after(d, {}) !== null) return false;
      } else {
        const next = after.transform(d, {});
        if (!(next instanceof ModelDump)) return false;
        d = next;
      }
    }
    return pipeline.finish(d) === d && sections.every((s, i) => d.get(s) === dumpStandIns[i]);
  } catch {
    // SectionRead, or anything else the stand-ins provoke: not proven, so not templated.
    return false;
  }
}

/** The finished config the point-by-point path gets from `raw`, or null (skipped, or changed by `finish`). */
function validated<D>(pipeline: PointPipeline<D>, raw: PyDict): ModelDump | null {
  try {
    const r = validateModel(pipeline.spec, raw);
    if (!r.ok) return null;
    // Dormant rules that change a config would have to be replayed per point: leave such configs alone.
    return pipeline.finish(r.dump) === r.dump ? r.dump : null;
  } catch {
    return null;
  }
}

function textsOf<D>(pipeline: PointPipeline<D>, dump: ModelDump): HashTexts | null {
  try {
    return pipeline.texts(dump);
  } catch {
    return null;
  }
}

function digitsOf(block: SweepBlock, local: number, out: number[]): void {
  for (let d = block.dimValues.length - 1; d >= 0; d--) {
    const len = (block.dimValues[d] as PyValue[]).length;
    out[d] = local % len;
    local = Math.floor(local / len);
  }
}

function localIndex(block: SweepBlock, digits: readonly number[]): number {
  let n = 0;
  for (let d = 0; d < digits.length; d++) n = n * (block.dimValues[d] as PyValue[]).length + (digits[d] as number);
  return n;
}

/** Premise 5: descriptions memoised on the swept leaves they read. */
class Descriptions<D> {
  private readonly cache = new Map<number, D>();
  private readonly strides: number[];
  private memo = true;

  constructor(
    private readonly describe: (dump: ModelDump) => D,
    private readonly rep: ModelDump,
    private readonly plan: PatchPlan,
    private readonly dimSizes: readonly number[],
    repLeaves: readonly PyValue[],
  ) {
    // The leaves the representative's description reads decide the memo key.
    const relevant = this.readDims(this.tracked(repLeaves).trackers);
    let stride = 1;
    this.strides = dimSizes.map(() => 0);
    for (let d = dimSizes.length - 1; d >= 0; d--) {
      if (!relevant[d]) continue;
      this.strides[d] = stride;
      stride *= dimSizes[d] as number;
    }
  }

  get(digits: readonly number[], leaves: readonly PyValue[]): D {
    if (!this.memo) return this.describe(withLeaves(this.rep, this.plan, leaves));
    let key = 0;
    for (let d = 0; d < digits.length; d++) key += (digits[d] as number) * (this.strides[d] as number);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const { description, trackers } = this.tracked(leaves);
    // Sound only while no description reads a leaf outside the key; if one does, stop memoising.
    if (this.readDims(trackers).some((read, d) => read && this.strides[d] === 0)) this.memo = false;
    else this.cache.set(key, description);
    return description;
  }

  private tracked(leaves: readonly PyValue[]): { description: D; trackers: ReadTracker[] } {
    const trackers = patchNodes(this.rep, this.plan, leaves, ReadTracker);
    return { description: this.describe(trackers[0] as ReadTracker), trackers };
  }

  private readDims(trackers: readonly ReadTracker[]): boolean[] {
    return this.plan.leaves.map(({ node, key }) => {
      const t = trackers[node] as ReadTracker;
      return t.whole || t.reads.has(key);
    });
  }
}

/** The origin `at()` gives a point of the representative's block: the representative's, at another position. */
function originsLike(rep: PointOrigin): (position: number) => PointOrigin {
  const { kind, backend } = rep;
  if (Object.keys(rep).some((k) => k !== 'kind' && k !== 'position' && k !== 'backend')) return (position) => ({ ...rep, position });
  return backend === undefined ? (position) => ({ kind, position }) : (position) => ({ kind, position, backend });
}

interface BlockTemplate<D> {
  block: SweepBlock;
  originAt: (position: number) => PointOrigin;
  /** Per dimension, per value index: the validated leaf, or undefined where the value is left to the point-by-point path. */
  leafValues: (PyValue | undefined)[][];
  templates: Record<TextKind, TextTemplate>;
  /** The study text is the declared text (no slo): one assembly serves both. */
  studyIsDeclared: boolean;
  /** Keys for the resolved texts, or null where they cannot be read back unambiguously. */
  resolvedKeys: TemplateKeys | null;
  descriptions: Descriptions<D>;
}

/**
 * The representative: the first valid point met by stepping, from the block's first point, every dimension
 * whose value a validation issue points at to its next value (each step moves on, so this ends).
 */
function findRepresentative<D>(
  block: SweepBlock,
  paths: readonly (readonly string[])[],
  at: (position: number) => RawPoint,
  pipeline: PointPipeline<D>,
): { rep: ModelDump; raw: RawPoint; digits: number[] } | null {
  const digits = paths.map(() => 0);
  for (;;) {
    const raw = at(block.first + localIndex(block, digits));
    let issues;
    try {
      const r = validateModel(pipeline.spec, raw.raw);
      if (r.ok) return pipeline.finish(r.dump) === r.dump ? { rep: r.dump, raw, digits } : null;
      issues = r.issues;
    } catch {
      return null;
    }
    const blamed = paths.map((p) => issues.some((i) => p.every((part, k) => i.loc[k] === part)));
    // An issue no swept value explains is the same in every point of the block.
    if (issues.some((i) => !paths.some((p) => p.every((part, k) => i.loc[k] === part)))) return null;
    for (let d = 0; d < digits.length; d++) {
      if (!blamed[d]) continue;
      digits[d] = (digits[d] as number) + 1;
      if ((digits[d] as number) >= (block.dimValues[d] as PyValue[]).length) return null;
    }
  }
}

function buildBlock<D>(block: SweepBlock, at: (position: number) => RawPoint, pipeline: PointPipeline<D>): BlockTemplate<D> | null {
  const D = block.dimKeys.length;
  if (D === 0 || block.count === 0) return null;
  // Premises 1 and 2 on the keys: separable paths, none a prefix of another.
  const paths = block.dimKeys.map((k) => k.split('.'));
  if (!paths.every((p) => separablePath(pipeline.spec, p))) return null;
  if (paths.some((a, i) => paths.some((b, j) => i !== j && isPrefix(a, b)))) return null;
  const sections = [...new Set(paths.map((p) => p[0] as string))];
  const plan = patchPlan(paths);

  const found = findRepresentative(block, paths, at, pipeline);
  if (!found) return null;
  const { rep, raw: repRaw, digits: repDigits } = found;
  if (!planFits(rep, plan)) return null;
  if (!validatorsIgnore(pipeline, repRaw.raw, rep, sections)) return null;
  if (!textsOf(pipeline, rep)) return null;

  // Premise 3: the pieces, from the representative with a sentinel at each swept leaf.
  const sentinels = paths.map((_, d) => `\u0000llem-studio-template-hole-${d}\u0000`);
  const markers = sentinels.map((s) => canonicalJson(s)); // the same with or without ensure_ascii
  const sentinelTexts = textsOf(pipeline, withLeaves(rep, plan, sentinels));
  if (!sentinelTexts) return null;
  const splits = {} as Record<TextKind, { pieces: string[]; holes: number[] }>;
  for (const kind of KINDS) {
    const s = splitAtMarkers(sentinelTexts[kind], markers);
    if (!s) return null;
    splits[kind] = s;
  }

  // Each value of each dimension: validated in the representative's context; its texts cut from a sentinel rendering.
  // The variation's own texts are kept to check the templates against (premise 3).
  const leafValues: (PyValue | undefined)[][] = [];
  const leafTexts: Record<TextKind, (string | undefined)[][]> = { declared: [], study: [], resolved: [] };
  const checks: { variant: number[]; texts: HashTexts }[] = [];
  for (let d = 0; d < D; d++) {
    const values = block.dimValues[d] as PyValue[];
    const leavesD = new Array<PyValue | undefined>(values.length).fill(undefined);
    const textsD = KINDS.map(() => new Array<string | undefined>(values.length).fill(undefined));
    for (let j = 0; j < values.length; j++) {
      if (!isScalar(values[j])) continue;
      const variant = [...repDigits];
      variant[d] = j;
      const dump = validated(pipeline, at(block.first + localIndex(block, variant)).raw);
      const leaf = dump ? getPath(dump, paths[d] as string[]) : undefined;
      const own = dump ? textsOf(pipeline, dump) : null;
      if (!isScalar(leaf) || !own) continue;
      const texts = textsOf(pipeline, withLeaves(rep, plan, sentinels.map((s, e) => (e === d ? leaf : s))));
      const cuts = texts ? KINDS.map((kind) => cutHole(splits[kind], markers, d, texts[kind])) : [];
      if (cuts.length === 0 || cuts.some((c) => c === null)) continue;
      leavesD[j] = leaf;
      cuts.forEach((c, k) => ((textsD[k] as (string | undefined)[])[j] = c as string));
      checks.push({ variant, texts: own });
    }
    if (leavesD[repDigits[d] as number] === undefined) return null;
    leafValues.push(leavesD);
    KINDS.forEach((kind, k) => leafTexts[kind].push(textsD[k] as (string | undefined)[]));
  }
  const templates = {} as Record<TextKind, TextTemplate>;
  for (const kind of KINDS) templates[kind] = textTemplate(splits[kind], leafTexts[kind]);
  // Without an slo the study text is the declared text in every point: then one assembly serves both.
  const studyIsDeclared = JSON.stringify([splits.study, leafTexts.study]) === JSON.stringify([splits.declared, leafTexts.declared]);

  // Premise 3, checked point by point: each one-value variation, and the block's last point (every value changed).
  const last = new Array<number>(D);
  digitsOf(block, block.count - 1, last);
  if (last.every((j, d) => (leafValues[d] as (PyValue | undefined)[])[j] !== undefined)) {
    const dump = validated(pipeline, at(block.first + localIndex(block, last)).raw);
    const texts = dump ? textsOf(pipeline, dump) : null;
    if (!texts) return null;
    checks.push({ variant: last, texts });
  }
  for (const { variant, texts } of checks) {
    for (const kind of KINDS) if (!sameText(assemble(templates[kind], variant), texts[kind])) return null;
  }

  const repLeaves = paths.map((p) => getPath(rep, p) as PyValue);
  return {
    block,
    originAt: originsLike(repRaw.origin),
    leafValues,
    templates,
    studyIsDeclared,
    resolvedKeys: TemplateKeys.build(splits.resolved, leafTexts.resolved),
    descriptions: new Descriptions(pipeline.describe, rep, plan, block.dimValues.map((v) => v.length), repLeaves),
  };
}

/** Roughly how many point-by-point evaluations building a block's templates costs (each value: about three). */
function setupCost(block: SweepBlock): number {
  return 3 * block.dimValues.reduce((a, v) => a + v.length, 0) + 4;
}

/**
 * Templates for the blocks of a rebuildable sweep (`auto`: where they pay for their setup; `always`: wherever the
 * premises hold, for tests), or null when no block has them.
 */
export function templateSweep<D>(
  blocks: readonly SweepBlock[],
  at: (position: number) => RawPoint,
  pipeline: PointPipeline<D>,
  mode: TemplateMode = 'auto',
): TemplatedSweep<D> | null {
  if (mode === 'off') return null;
  const built: BlockTemplate<D>[] = [];
  for (const block of blocks) {
    if (mode === 'auto' && block.count < 2 * setupCost(block)) continue;
    const t = buildBlock(block, at, pipeline);
    if (t) built.push(t);
  }
  if (built.length === 0) return null;

  // De-duplicate by template keys when every block has them and a text can belong to one block only (no block's
  // text head is a prefix of another's); otherwise by SHA-256, as the point-by-point path does.
  const heads = built.map((b) => b.resolvedKeys?.head ?? '');
  const keyed = heads.every((h, i) => h !== '' && heads.every((o, j) => i === j || !o.startsWith(h)));
  const offsets: number[] = [];
  let next = 0;
  for (const b of built) {
    offsets.push(next);
    next += b.resolvedKeys?.size ?? 0;
  }

  const digits: number[] = [];
  const leaves: PyValue[] = [];
  return {
    point(position: number): TemplatedPoint<D> | null {
      let i = built.length - 1;
      while (i >= 0 && !(position >= (built[i] as BlockTemplate<D>).block.first && position < (built[i] as BlockTemplate<D>).block.first + (built[i] as BlockTemplate<D>).block.count)) i--;
      if (i < 0) return null;
      const t = built[i] as BlockTemplate<D>;
      digits.length = t.leafValues.length;
      leaves.length = t.leafValues.length;
      digitsOf(t.block, position - t.block.first, digits);
      for (let d = 0; d < digits.length; d++) {
        const leaf = (t.leafValues[d] as (PyValue | undefined)[])[digits[d] as number];
        if (leaf === undefined) return null;
        leaves[d] = leaf;
      }
      const declared = assemble(t.templates.declared, digits);
      return {
        origin: t.originAt(position),
        description: t.descriptions.get(digits, leaves),
        declared,
        study: t.studyIsDeclared ? declared : assemble(t.templates.study, digits),
        resolvedKey: keyed ? (offsets[i] as number) + (t.resolvedKeys as TemplateKeys).keyOf(digits) : sha256HexBytes(assemble(t.templates.resolved, digits)),
      };
    },
    resolvedKey(text: string): ResolvedKey {
      if (keyed) {
        const i = heads.findIndex((h) => text.startsWith(h));
        const key = i < 0 ? null : (built[i] as BlockTemplate<D>).resolvedKeys?.parse(text);
        if (key !== null && key !== undefined) return (offsets[i] as number) + key;
      }
      return sha256Hex(text);
    },
  };
}
