/**
 * The engine-rules layer of llem 0.7.0 (`config/engine_rules/loader.py` and
 * `study/library_resolution.py`), over validated dumps:
 *   - `error` rules reject a config (the sweep point is skipped with `[rule_id] message`);
 *   - `dormant` rules name fields the engine ignores; llem strips them to a fixpoint before
 *     de-duplicating a study by the "resolved" hash, so configs that differ only in dormant
 *     fields run once.
 * Predicates use Python comparison semantics (1 == 1.0 == True; ordering on bools never fires).
 */
import { ModelDump, type ModelSpec } from '../modelSpec';
import { PyDict, PyFloat, PyOpaque, pyDeepCopy, pyEquals, pyTypeName, formatPyFloatRepr, type PyValue } from '../pyValue';
import { RULES_DATA } from './rulesData';

export interface RawEngineRule {
  id: string;
  severity: string;
  match: [string, unknown][];
  message: string | null;
  normalised: string[];
}

export interface EngineRule {
  id: string;
  engine: string;
  severity: 'error' | 'dormant';
  match: [string, PyValue][];
  message: string | null;
  normalised: string[];
  /** Pre-split paths and ref flags (hot path: every rule runs on every config). */
  compiled: { path: string; parts: string[]; spec: PyValue; hasRef: boolean }[];
  /**
   * First path segments of predicates that can never hold for a missing value: if the config
   * lacks any of these sections, the rule cannot match and is skipped outright.
   */
  needsSections: string[];
}

function fromRuleJson(v: unknown): PyValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new PyFloat(v);
  if (Array.isArray(v)) return v.map(fromRuleJson);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$float') {
      const x = o.$float;
      return new PyFloat(typeof x === 'number' ? x : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN);
    }
    const d = new PyDict();
    for (const k of keys) d.set(k, fromRuleJson(o[k]));
    return d;
  }
  throw new Error(`unexpected rule value ${String(v)}`);
}

let parsed: Map<string, EngineRule[]> | null = null;

/** The rules corpus of one engine, in corpus order. */
export function rulesFor(engine: string): EngineRule[] {
  if (!parsed) {
    parsed = new Map();
    for (const [e, list] of Object.entries(RULES_DATA)) {
      parsed.set(
        e,
        list.map((r) => {
          const match = r.match.map(([p, s]) => [p, fromRuleJson(s)] as [string, PyValue]);
          return {
            id: r.id,
            engine: e,
            severity: r.severity === 'error' ? 'error' : 'dormant',
            match,
            message: r.message,
            normalised: r.normalised,
            compiled: match.map(([path, spec]) => ({ path, parts: path.split('.'), spec, hasRef: hasRef(spec) })),
            needsSections: requiredSections(match),
          } satisfies EngineRule;
        }),
      );
    }
  }
  return parsed.get(engine) ?? [];
}

function requiredSections(match: [string, PyValue][]): string[] {
  const out = new Set<string>();
  for (const [path, spec] of match) {
    if (hasRef(spec) || !path.includes('.')) continue;
    try {
      if (!evaluatePredicate(null, spec)) out.add(path.split('.')[0] as string);
    } catch {
      // an operator that raises on None never narrows anything
    }
  }
  return [...out];
}

// --- field paths --------------------------------------------------------------------------------

/** llem `resolve_field_path`: walk a dotted path; anything missing is None. */
export function resolveFieldPath(root: PyValue, path: string | readonly string[]): PyValue {
  let cur: PyValue | undefined = root;
  for (const part of typeof path === 'string' ? path.split('.') : path) {
    if (cur === null || cur === undefined) return null;
    if (cur instanceof PyDict) {
      const v: PyValue | undefined = cur.get(part);
      cur = v === undefined ? null : v;
      continue;
    }
    return null;
  }
  return cur ?? null;
}

function resolveOneRef(ref: string, root: PyValue, predicatePath: string): PyValue {
  const target = ref.slice(1);
  if (target.includes('.')) return resolveFieldPath(root, target);
  const parent = predicatePath.split('.').slice(0, -1);
  return resolveFieldPath(root, parent.length ? [...parent, target].join('.') : target);
}

function hasRef(spec: PyValue): boolean {
  if (typeof spec === 'string') return spec.startsWith('@');
  if (spec instanceof PyDict) return [...spec.values()].some(hasRef);
  if (Array.isArray(spec)) return spec.some(hasRef);
  return false;
}

function resolveRefs(spec: PyValue, root: PyValue, path: string): PyValue {
  if (!hasRef(spec)) return spec;
  if (typeof spec === 'string') return resolveOneRef(spec, root, path);
  if (spec instanceof PyDict) {
    const d = new PyDict();
    for (const [k, v] of spec.entries()) d.set(k, resolveRefs(v, root, path));
    return d;
  }
  if (Array.isArray(spec)) return spec.map((x) => resolveRefs(x, root, path));
  return spec;
}

// --- predicates -------------------------------------------------------------------------------

function num(v: PyValue): number | bigint | null {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (v instanceof PyFloat) return v.value;
  return null;
}

/** Python ordering with llem's `_ordered` guard: None/bool/incomparable → no match. */
function ordered(a: PyValue, b: PyValue, op: (x: number, y: number) => boolean, sop: (x: string, y: string) => boolean): boolean {
  if (a === null || b === null || typeof a === 'boolean' || typeof b === 'boolean') return false;
  const x = num(a);
  const y = num(b);
  if (x !== null && y !== null) return op(Number(x), Number(y));
  if (typeof a === 'string' && typeof b === 'string') return sop(a, b);
  return false;
}

function pyIn(a: PyValue, b: PyValue): boolean {
  if (!Array.isArray(b)) throw new TypeError('in/not_in requires a list spec');
  return b.some((x) => pyEquals(a, x));
}

function isIntNotBool(v: PyValue): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function typeNameOf(v: PyValue): string {
  if (v instanceof ModelDump) return v.modelName;
  if (v instanceof PyOpaque) return v.pyType;
  return pyTypeName(v);
}

function nameSet(spec: PyValue): string[] {
  if (typeof spec === 'string') return [spec];
  if (Array.isArray(spec)) return spec.map((x) => (typeof x === 'string' ? x : String(x)));
  return [String(spec)];
}

const HANDLERS: Record<string, (a: PyValue, b: PyValue) => boolean> = {
  '==': (a, b) => pyEquals(a, b),
  '!=': (a, b) => a !== null && b !== null && !pyEquals(a, b),
  '<': (a, b) => ordered(a, b, (x, y) => x < y, (x, y) => x < y),
  '<=': (a, b) => ordered(a, b, (x, y) => x <= y, (x, y) => x <= y),
  '>': (a, b) => ordered(a, b, (x, y) => x > y, (x, y) => x > y),
  '>=': (a, b) => ordered(a, b, (x, y) => x >= y, (x, y) => x >= y),
  in: (a, b) => pyIn(a, b),
  not_in: (a, b) => a !== null && !pyIn(a, b),
  present: (a) => a !== null,
  absent: (a) => a === null,
  type_is: (a, b) => a !== null && nameSet(b).includes(typeNameOf(a)),
  type_is_not: (a, b) => a !== null && !nameSet(b).includes(typeNameOf(a)),
  divisible_by: (a, b) => isIntNotBool(a) && isIntNotBool(b) && Number(b) !== 0 && Number(a) % Number(b) === 0,
  not_divisible_by: (a, b) => isIntNotBool(a) && isIntNotBool(b) && Number(b) !== 0 && Number(a) % Number(b) !== 0,
};

export function evaluatePredicate(actual: PyValue, spec: PyValue): boolean {
  if (spec instanceof PyDict) {
    for (const [op, value] of spec.entries()) {
      const h = HANDLERS[String(op)];
      if (!h) throw new Error(`Unknown match operator: ${String(op)}`);
      if (!h(actual, value)) return false;
    }
    return true;
  }
  return pyEquals(actual, spec);
}

export interface RuleMatch {
  rule: EngineRule;
  declared: PyValue;
  matched: [string, PyValue][];
  refs: Record<string, PyValue>;
}

function collectRefs(spec: PyValue, root: PyValue, path: string, out: Record<string, PyValue>): void {
  if (!hasRef(spec)) return;
  if (typeof spec === 'string') {
    out[spec.slice(1).split('.').pop() as string] = resolveOneRef(spec, root, path);
  } else if (spec instanceof PyDict) for (const v of spec.values()) collectRefs(v, root, path, out);
  else if (Array.isArray(spec)) for (const v of spec) collectRefs(v, root, path, out);
}

export function tryMatch(rule: EngineRule, root: PyValue): RuleMatch | null {
  if (root instanceof PyDict) {
    for (const name of rule.needsSections) {
      const section = root.get(name);
      if (section === null || section === undefined) return null;
    }
  }
  // First pass without allocations: most rules do not match most configs.
  for (const c of rule.compiled) {
    const actual = resolveFieldPath(root, c.parts);
    if (!evaluatePredicate(actual, c.hasRef ? resolveRefs(c.spec, root, c.path) : c.spec)) return null;
  }
  const matched: [string, PyValue][] = [];
  const refs: Record<string, PyValue> = {};
  let last: PyValue = null;
  for (const c of rule.compiled) {
    const actual = resolveFieldPath(root, c.parts);
    matched.push([c.path, actual]);
    if (c.hasRef) collectRefs(c.spec, root, c.path, refs);
    last = actual;
  }
  return { rule, declared: last, matched, refs };
}

/** Python `str()` for message templates. */
function pyStrValue(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (v instanceof PyFloat) return formatPyFloatRepr(v.value);
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

/** `Rule.render_message`: `{leaf}` placeholders; an unknown one leaves the raw template. */
export function renderMessage(m: RuleMatch): string {
  const t = m.rule.message;
  if (t === null) return '<no message template>';
  const kw: Record<string, PyValue> = {};
  for (const [p, v] of m.matched) if (!(p in kw)) kw[p] = v;
  for (const [p, v] of m.matched) {
    const leaf = p.split('.').pop() as string;
    if (!(leaf in kw)) kw[leaf] = v;
  }
  for (const [leaf, v] of Object.entries(m.refs)) if (!(leaf in kw)) kw[leaf] = v;
  kw.declared_value = m.declared;
  kw.effective_value = null;
  kw.rule_id = m.rule.id;
  let ok = true;
  const out = t.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, inner: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const name = (inner ?? '').split(/[!:]/)[0] as string;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !(name in kw)) {
      ok = false;
      return whole;
    }
    return pyStrValue(kw[name] as PyValue);
  });
  return ok ? out : t;
}

/** ExperimentConfig `_apply_rules` (error part): the first matching `error` rule's message. */
export function applyErrorRules(dump: PyDict): string | null {
  const engine = dump.get('engine');
  if (typeof engine !== 'string') return null;
  for (const rule of rulesFor(engine)) {
    if (rule.severity !== 'error') continue;
    const m = tryMatch(rule, dump);
    if (m) return `[${rule.id}] ${renderMessage(m)}`;
  }
  return null;
}

// --- dormant fixpoint (library_resolution._apply_rules_fixpoint) -------------------------------

const STRIP = Symbol('strip');

function resolveNormalisedField(name: string, match: [string, PyValue][]): string {
  if (name.includes('.') || match.length === 0) return name;
  const subject = (match[match.length - 1] as [string, PyValue])[0];
  const parent = subject.split('.').slice(0, -1);
  return parent.length ? [...parent, name].join('.') : name;
}

const normCache = new WeakMap<EngineRule, string[]>();
function ruleNormalisations(rule: EngineRule): string[] {
  const hit = normCache.get(rule);
  if (hit) return hit;
  const r = computeNormalisations(rule);
  normCache.set(rule, r);
  return r;
}

function computeNormalisations(rule: EngineRule): string[] {
  const explicit = rule.normalised.map((n) => resolveNormalisedField(n, rule.match));
  if (explicit.length) return [...new Set(explicit)];
  const out: string[] = [];
  for (const [path, spec] of rule.match) {
    if (!(spec instanceof PyDict)) continue;
    const isNotEqual = spec.has('!=');
    const present = spec.get('present');
    const isPresent = present !== undefined && present !== null && present !== false && present !== 0 && !spec.has('in');
    if (isNotEqual || isPresent) out.push(path);
  }
  return out;
}

/** Deep copy that keeps ModelDump identities (model name, spec) — `model_copy(deep=True)`. */
export function deepCopyDump(v: PyValue): PyValue {
  if (v instanceof ModelDump) {
    const m = new ModelDump();
    m.modelName = v.modelName;
    m.spec = v.spec;
    if (v.sortedKeysHint) m.sortedKeysHint = v.sortedKeysHint;
    for (const [k, x] of v.entries()) m.set(k, deepCopyDump(x));
    return m;
  }
  if (v instanceof PyDict || Array.isArray(v)) {
    if (Array.isArray(v)) return v.map(deepCopyDump);
    const d = new PyDict();
    for (const [k, x] of v.entries()) d.set(k, deepCopyDump(x));
    return d;
  }
  return pyDeepCopy(v);
}

function isDeclaredField(parent: PyDict, leaf: string): boolean {
  const spec: ModelSpec | undefined = parent instanceof ModelDump ? parent.spec : undefined;
  return spec ? spec.fields.some((f) => f.name === leaf) : false;
}

/** Strip a dormant field: a dict key or a model extra is removed; a declared field becomes None. */
function stripFieldPath(root: PyDict, path: string): void {
  const parts = path.split('.');
  let parent: PyValue | undefined = root;
  for (const part of parts.slice(0, -1)) {
    if (!(parent instanceof PyDict)) return;
    parent = parent.get(part);
  }
  if (!(parent instanceof PyDict)) return;
  const leaf = parts[parts.length - 1] as string;
  if (parent instanceof ModelDump && isDeclaredField(parent, leaf)) parent.set(leaf, null);
  else parent.delete(leaf);
}

const dormantCache = new Map<string, EngineRule[]>();
function dormantRulesFor(engine: string): EngineRule[] {
  let d = dormantCache.get(engine);
  if (!d) {
    d = rulesFor(engine).filter((r) => r.severity === 'dormant');
    dormantCache.set(engine, d);
  }
  return d;
}

export interface DormantObservation {
  engine: string;
  ruleId: string;
  fieldPath: string;
}

/**
 * Apply every dormant rule to a fixpoint on a deep copy of `dump` (≤ 10 passes).
 * Throws when it does not converge (llem raises LibraryResolutionCycleError there).
 */
export function applyDormantFixpoint(dump: ModelDump, observations?: DormantObservation[]): ModelDump {
  const engine = String(dump.get('engine'));
  const dormant = dormantRulesFor(engine);
  // Copy on write: the common case (no dormant rule applies) returns the input untouched.
  const applies = dormant.some((rule) => tryMatch(rule, dump) !== null && ruleNormalisations(rule).some((p) => resolveFieldPath(dump, p) !== null));
  if (!applies) return dump;
  const current = deepCopyDump(dump) as ModelDump;
  for (let iter = 0; iter < 10; iter++) {
    let fired = false;
    for (const rule of dormant) {
      const m = tryMatch(rule, current);
      if (!m) continue;
      for (const path of ruleNormalisations(rule)) {
        if (resolveFieldPath(current, path) === null) continue;
        stripFieldPath(current, path);
        fired = true;
        observations?.push({ engine, ruleId: rule.id, fieldPath: path });
      }
    }
    if (!fired) return current;
  }
  throw new Error(`Library resolution did not reach fixpoint within 10 iterations (engine=${engine}).`);
}

export { STRIP as _STRIP_MARKER };
