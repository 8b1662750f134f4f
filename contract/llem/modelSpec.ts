/**
 * A small declarative model of the Pydantic v2 models llem validates configs with, and a
 * validator that reproduces Pydantic's *lax* mode over PyValues: the coercions that decide what
 * llem hashes (int→float for float fields, integral float→int, `true`→1, numeric strings,
 * "yes"→true), defaults, `extra` policies, nested models, Optional, smart unions, and
 * model-level before/after validators.
 *
 * WHY hand-written instead of per-config zod: expansion + validation + hashing of 100k configs
 * must take ~1 s, and we need the Python value model (int vs float, dict key types). The designer's
 * form reads the same specs (contract/llem/formShape.ts).
 */
import { PyDict, PyFloat, PyOpaque, isPyInt, pyRepr, pyTypeName, type PyKey, type PyValue } from './pyValue';

export type Bound = { ge?: number; gt?: number; le?: number; lt?: number };

export type TypeSpec =
  | ({ k: 'int' } & Bound)
  | ({ k: 'float' } & Bound)
  | { k: 'bool' }
  | { k: 'str'; minLength?: number }
  /** Literal[...] or a str-Enum: exact match (ints also accept integral floats). */
  | { k: 'lit'; values: readonly (string | number)[] }
  | { k: 'any' }
  | { k: 'model'; model: ModelSpec }
  /** dict[str, V] (keys must be str) or dict[Any, Any] (`anyKeys`). */
  | { k: 'dict'; value: TypeSpec; anyKeys?: boolean }
  | { k: 'list'; item: TypeSpec }
  | { k: 'tuple'; items: readonly TypeSpec[] }
  /** Pydantic smart-mode union (tries exact-type matches first, then lax in order). */
  | { k: 'union'; options: readonly TypeSpec[] }
  /** X | None */
  | { k: 'opt'; inner: TypeSpec };

export const REQUIRED = Symbol('required');

export interface FieldSpec {
  name: string;
  type: TypeSpec;
  /** Default value (already in dump form), REQUIRED, or a factory for mutable/model defaults. */
  default: PyValue | typeof REQUIRED | (() => PyValue);
  description?: string;
}

export interface ValidationIssue {
  /** Location like Pydantic's `loc`: field names and list indices. */
  loc: (string | number)[];
  /** Pydantic error type, e.g. `greater_than_equal`, `extra_forbidden`, `value_error`. */
  type: string;
  /** Plain-words message (Pydantic's wording where it is clear). */
  msg: string;
}

/** A model-level check run after all fields validated; returns an error message or null. */
export type AfterValidator = (dump: PyDict, ctx: ValidateContext) => string | null;
/** A model-level transform/check run on the raw mapping before field validation. */
export type BeforeValidator = (raw: PyDict, ctx: ValidateContext) => PyDict | { error: string };
/** Post-processing that rewrites the validated dump (e.g. a default filled by a validator). */
export type DumpTransform = (dump: PyDict, ctx: ValidateContext) => PyDict;

export interface ModelSpec {
  name: string;
  fields: readonly FieldSpec[];
  extra: 'forbid' | 'allow' | 'ignore';
  before?: readonly BeforeValidator[];
  after?: readonly (AfterValidator | { transform: DumpTransform })[];
}

export interface ValidateContext {
  /** Free slot for profile-specific validators (e.g. rule observations). */
  notes?: string[];
}

/** The validated dump (Pydantic `model_dump()` in python mode, every field present). */
export class ModelDump extends PyDict {
  modelName = '';
  /** The spec this dump was validated against (to tell declared fields from extras). */
  spec?: ModelSpec;
}

class Invalid {
  constructor(readonly issues: ValidationIssue[]) {}
}

const INT_STR = /^[+-]?\d+(?:_\d+)*(?:\.0+)?$/;
const FLOAT_STR = /^[+-]?(?:(?:\d+(?:_\d+)*)(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const BOOL_STRINGS: Record<string, boolean> = {
  '0': false,
  off: false,
  f: false,
  false: false,
  n: false,
  no: false,
  '1': true,
  on: true,
  t: true,
  true: true,
  y: true,
  yes: true,
};

/** `loc` is the caller's live path stack: copy it (it changes as validation goes on). */
function issue(loc: (string | number)[], type: string, msg: string): Invalid {
  return new Invalid([{ loc: loc.slice(), type, msg }]);
}

function describeBound(b: Bound): string {
  if (b.ge !== undefined) return `greater than or equal to ${b.ge}`;
  if (b.gt !== undefined) return `greater than ${b.gt}`;
  if (b.le !== undefined) return `less than or equal to ${b.le}`;
  return `less than ${b.lt}`;
}

function checkBounds(x: number | bigint, b: Bound, loc: (string | number)[]): Invalid | null {
  const n = typeof x === 'bigint' ? Number(x) : x;
  if (b.ge !== undefined && !(n >= b.ge)) return issue(loc, 'greater_than_equal', `Input should be greater than or equal to ${b.ge}`);
  if (b.gt !== undefined && !(n > b.gt)) return issue(loc, 'greater_than', `Input should be greater than ${b.gt}`);
  if (b.le !== undefined && !(n <= b.le)) return issue(loc, 'less_than_equal', `Input should be less than or equal to ${b.le}`);
  if (b.lt !== undefined && !(n < b.lt)) return issue(loc, 'less_than', `Input should be less than ${b.lt}`);
  void describeBound;
  return null;
}

function bigToInt(b: bigint): number | bigint {
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** Pydantic lax int. */
export function laxInt(v: PyValue, loc: (string | number)[], strict = false): number | bigint | Invalid {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (strict) return issue(loc, 'int_type', 'Input should be a valid integer');
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) {
    const x = v.value;
    if (!Number.isFinite(x)) return issue(loc, 'finite_number', 'Input should be a finite number');
    if (!Number.isInteger(x)) return issue(loc, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part');
    return Number.isSafeInteger(x) ? x : BigInt(x);
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (!INT_STR.test(t)) return issue(loc, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
    const intPart = t.replace(/_/g, '').replace(/\.0+$/, '');
    return bigToInt(BigInt(intPart));
  }
  return issue(loc, 'int_type', 'Input should be a valid integer');
}

/** Pydantic lax float. */
export function laxFloat(v: PyValue, loc: (string | number)[], strict = false): number | Invalid {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    const x = Number(v);
    if (!Number.isFinite(x)) return issue(loc, 'float_type', 'Input should be a valid number');
    return x;
  }
  if (strict) return issue(loc, 'float_type', 'Input should be a valid number');
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    const lower = t.toLowerCase();
    if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(lower)) return NaN;
    if (!FLOAT_STR.test(t)) return issue(loc, 'float_parsing', 'Input should be a valid number, unable to parse string as a number');
    return Number(t.replace(/_/g, ''));
  }
  return issue(loc, 'float_type', 'Input should be a valid number');
}

/** Pydantic lax bool. */
export function laxBool(v: PyValue, loc: (string | number)[], strict = false): boolean | Invalid {
  if (typeof v === 'boolean') return v;
  if (strict) return issue(loc, 'bool_type', 'Input should be a valid boolean');
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (v === 0 || v === 1) return v === 1;
    return issue(loc, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input');
  }
  if (v instanceof PyFloat) {
    if (v.value === 0 || v.value === 1) return v.value === 1;
    return issue(loc, 'bool_type', 'Input should be a valid boolean');
  }
  if (typeof v === 'string') {
    const b = BOOL_STRINGS[v.toLowerCase()];
    if (b === undefined) return issue(loc, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input');
    return b;
  }
  return issue(loc, 'bool_type', 'Input should be a valid boolean');
}

function litMessage(values: readonly (string | number)[]): string {
  const shown = values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x)));
  if (shown.length === 1) return `Input should be ${shown[0]}`;
  return `Input should be ${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

function validateLiteral(values: readonly (string | number)[], v: PyValue, loc: (string | number)[]): PyValue | Invalid {
  if (typeof v === 'string') {
    if (values.includes(v)) return v;
  } else if (typeof v === 'number') {
    if (values.includes(v)) return v;
  } else if (v instanceof PyFloat && Number.isInteger(v.value)) {
    if (values.includes(v.value)) return v.value;
  }
  return issue(loc, 'literal_error', litMessage(values));
}

/** Exact-type check used by smart unions for their first (strict) pass. */
function strictMatch(t: TypeSpec, v: PyValue): boolean {
  switch (t.k) {
    case 'int':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'float':
      return v instanceof PyFloat;
    case 'bool':
      return typeof v === 'boolean';
    case 'str':
      return typeof v === 'string';
    case 'lit':
      return (typeof v === 'string' || typeof v === 'number') && t.values.includes(v);
    case 'any':
      return true;
    case 'model':
    case 'dict':
      return v instanceof PyDict;
    case 'list':
    case 'tuple':
      return Array.isArray(v);
    case 'opt':
      return v === null || strictMatch(t.inner, v);
    case 'union':
      return t.options.some((o) => strictMatch(o, v));
  }
}

function validateType(t: TypeSpec, v: PyValue, loc: (string | number)[], ctx: ValidateContext): PyValue | Invalid {
  switch (t.k) {
    case 'int': {
      const r = laxInt(v, loc);
      if (r instanceof Invalid) return r;
      return checkBounds(r, t, loc) ?? r;
    }
    case 'float': {
      const r = laxFloat(v, loc);
      if (r instanceof Invalid) return r;
      if (!Number.isNaN(r)) {
        const b = checkBounds(r, t, loc);
        if (b) return b;
      } else if (t.ge !== undefined || t.gt !== undefined || t.le !== undefined || t.lt !== undefined) {
        return checkBounds(r, t, loc) ?? new PyFloat(r);
      }
      return new PyFloat(r);
    }
    case 'bool': {
      const r = laxBool(v, loc);
      return r;
    }
    case 'str': {
      if (typeof v === 'string') {
        if (t.minLength !== undefined && [...v].length < t.minLength) {
          return issue(loc, 'string_too_short', `String should have at least ${t.minLength} character${t.minLength === 1 ? '' : 's'}`);
        }
        return v;
      }
      if (v instanceof PyOpaque && v.pyType === 'bytes') return v.text;
      return issue(loc, 'string_type', 'Input should be a valid string');
    }
    case 'lit':
      return validateLiteral(t.values, v, loc);
    case 'any':
      return v;
    case 'model':
      return validateModelAt(t.model, v, loc, ctx);
    case 'dict': {
      if (!(v instanceof PyDict)) return issue(loc, 'dict_type', 'Input should be a valid dictionary');
      const out = new PyDict();
      const issues: ValidationIssue[] = [];
      for (const [k, x] of v.entries()) {
        if (!t.anyKeys && typeof k !== 'string') {
          issues.push({ loc: [...loc, keyLoc(k), '[key]'], type: 'string_type', msg: 'Input should be a valid string' });
          continue;
        }
        if (t.value.k === 'any') {
          out.set(k, x);
          continue;
        }
        loc.push(keyLoc(k));
        const r = validateType(t.value, x, loc, ctx);
        loc.pop();
        if (r instanceof Invalid) issues.push(...r.issues);
        else out.set(k, r);
      }
      return issues.length ? new Invalid(issues) : out;
    }
    case 'list': {
      const items: PyValue = v instanceof PyOpaque && v.pyType === 'tuple' ? (v.items ?? []) : v;
      if (!Array.isArray(items)) return issue(loc, 'list_type', 'Input should be a valid list');
      const out: PyValue[] = [];
      const issues: ValidationIssue[] = [];
      items.forEach((x, i) => {
        loc.push(i);
        const r = validateType(t.item, x, loc, ctx);
        loc.pop();
        if (r instanceof Invalid) issues.push(...r.issues);
        else out.push(r);
      });
      return issues.length ? new Invalid(issues) : out;
    }
    case 'tuple': {
      // A Python tuple (e.g. from re-validating a dump) is as good as a list here.
      const items: PyValue = v instanceof PyOpaque && v.pyType === 'tuple' ? (v.items ?? []) : v;
      if (!Array.isArray(items)) return issue(loc, 'tuple_type', 'Input should be a valid tuple');
      if (items.length > t.items.length) {
        return issue(loc, 'too_long', `Tuple should have at most ${t.items.length} items after validation, not ${items.length}`);
      }
      if (items.length < t.items.length) {
        return issue([...loc, items.length], 'missing', 'Field required');
      }
      const out: PyValue[] = [];
      const issues: ValidationIssue[] = [];
      t.items.forEach((it, i) => {
        loc.push(i);
        const r = validateType(it, items[i] as PyValue, loc, ctx);
        loc.pop();
        if (r instanceof Invalid) issues.push(...r.issues);
        else out.push(r);
      });
      return issues.length ? new Invalid(issues) : new PyOpaque('tuple', '', out);
    }
    case 'opt':
      if (v === null) return null;
      return validateType(t.inner, v, loc, ctx);
    case 'union': {
      for (const o of t.options) {
        if (strictMatch(o, v)) {
          const r = validateType(o, v, loc, ctx);
          if (!(r instanceof Invalid)) return r;
        }
      }
      let first: Invalid | null = null;
      for (const o of t.options) {
        const r = validateType(o, v, loc, ctx);
        if (!(r instanceof Invalid)) return r;
        first ??= r;
      }
      return first ?? issue(loc, 'union_tag_invalid', 'Input did not match any allowed type');
    }
  }
}

function keyLoc(k: PyKey): string | number {
  if (typeof k === 'string') return k;
  if (typeof k === 'number') return k;
  return pyRepr(k as PyValue);
}

function fieldDefault(f: FieldSpec): PyValue {
  const d = f.default;
  if (typeof d === 'function') return (d as () => PyValue)();
  return d as PyValue;
}

function validateModelAt(spec: ModelSpec, v: PyValue, loc: (string | number)[], ctx: ValidateContext): ModelDump | Invalid {
  if (!(v instanceof PyDict)) {
    return issue(loc, 'model_type', `Input should be a valid dictionary or instance of ${spec.name}`);
  }
  let raw = v;
  if (spec.before) {
    for (const b of spec.before) {
      const r = b(raw, ctx);
      if (!(r instanceof PyDict)) return issue(loc, 'value_error', `Value error, ${r.error}`);
      raw = r;
    }
  }
  const out = new ModelDump();
  out.modelName = spec.name;
  out.spec = spec;
  out.sortedKeysHint = sortedFieldNames(spec);
  const issues: ValidationIssue[] = [];
  const known = fieldNameSet(spec);
  for (const f of spec.fields) {
    const present = raw.has(f.name);
    if (!present) {
      if (f.default === REQUIRED) {
        issues.push({ loc: [...loc, f.name], type: 'missing', msg: 'Field required' });
        continue;
      }
      out.set(f.name, fieldDefault(f));
      continue;
    }
    loc.push(f.name);
    const r = validateType(f.type, raw.get(f.name) as PyValue, loc, ctx);
    loc.pop();
    if (r instanceof Invalid) issues.push(...r.issues);
    else out.set(f.name, r);
  }
  for (const [k, x] of raw.entries()) {
    if (typeof k === 'string' && known.has(k)) continue;
    if (spec.extra === 'forbid') {
      issues.push({ loc: [...loc, keyLoc(k)], type: 'extra_forbidden', msg: 'Extra inputs are not permitted' });
    } else if (spec.extra === 'allow') {
      if (typeof k !== 'string') {
        // Pydantic stores extras by str key only; a non-str key is a validation error.
        issues.push({ loc: [...loc, keyLoc(k)], type: 'invalid_key', msg: 'Keys should be strings' });
      } else out.set(k, x);
    }
  }
  if (issues.length) return new Invalid(issues);
  let dump: ModelDump = out;
  if (spec.after) {
    for (const a of spec.after) {
      if (typeof a === 'function') {
        const msg = a(dump, ctx);
        if (msg !== null) return issue(loc, 'value_error', `Value error, ${msg}`);
      } else {
        const next = a.transform(dump, ctx);
        if (!(next instanceof ModelDump)) {
          const m = new ModelDump();
          m.modelName = spec.name;
          m.spec = spec;
          m.sortedKeysHint = sortedFieldNames(spec);
          for (const [k, x] of next.entries()) m.set(k, x);
          dump = m;
        } else dump = next;
      }
    }
  }
  return dump;
}

const sortedNameCache = new WeakMap<ModelSpec, readonly string[]>();
/** Field names in code-point order (all ASCII), used as the canonical-JSON key order hint. */
export function sortedFieldNames(spec: ModelSpec): readonly string[] {
  let s = sortedNameCache.get(spec);
  if (!s) {
    s = spec.fields.map((f) => f.name).sort();
    sortedNameCache.set(spec, s);
  }
  return s;
}

const fieldNameCache = new WeakMap<ModelSpec, Set<string>>();
export function fieldNameSet(spec: ModelSpec): Set<string> {
  let s = fieldNameCache.get(spec);
  if (!s) {
    s = new Set(spec.fields.map((f) => f.name));
    fieldNameCache.set(spec, s);
  }
  return s;
}

export type ValidateResult = { ok: true; dump: ModelDump } | { ok: false; issues: ValidationIssue[] };

/** Validate a raw mapping against a model spec (Pydantic lax mode). */
export function validateModel(spec: ModelSpec, raw: PyValue, ctx: ValidateContext = {}): ValidateResult {
  const r = validateModelAt(spec, raw, [], ctx);
  if (r instanceof Invalid) return { ok: false, issues: r.issues };
  return { ok: true, dump: r };
}

/** `loc -> path` text as llem prints it, e.g. `decoder -> temperature`. */
export function formatLoc(loc: readonly (string | number)[]): string {
  return loc.length ? loc.map(String).join(' -> ') : '(root)';
}

/** Dotted path for UI display, e.g. `decoder.temperature`, `sweep.n[2]`. */
export function dottedLoc(loc: readonly (string | number)[]): string {
  let s = '';
  for (const p of loc) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${p}` : p;
  }
  return s;
}

/** One line per issue, `<loc -> path>: <message>` (llem's "Config validation failed" format). */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${formatLoc(i.loc)}: ${i.msg}`).join('\n');
}

/** Find a field spec by name. */
export function fieldOf(spec: ModelSpec, name: string): FieldSpec | undefined {
  return spec.fields.find((f) => f.name === name);
}

export { Invalid as ValidationInvalid, isPyInt, pyTypeName };
