/**
 * A typed model of the Python values llem works on after `yaml.safe_load`.
 *
 * WHY: llem hashes `json.dumps(obj, sort_keys=True)` of Python objects. Plain JS values lose two
 * distinctions that change those hashes: int vs float (`1` vs `1.0` in free-form values) and
 * non-string mapping keys (`{0: ...}` vs `{"0": ...}`; `true` and `1` being the same dict key).
 * So every value read from YAML is kept as a PyValue:
 *   - `null`, `boolean`, `string` as themselves;
 *   - Python int as `number` (safe integers) or `bigint` (anything larger);
 *   - Python float as a `PyFloat` instance (even when integral);
 *   - list as a JS array; dict as a `PyDict` (insertion-ordered, Python key equality);
 *   - anything else PyYAML can produce (dates, bytes, sets) as a `PyOpaque`.
 * Pure TypeScript: shared by the UI and core.
 */

export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python object we carry but do not interpret (date, datetime, bytes, set, ...). */
export class PyOpaque {
  constructor(
    readonly pyType: 'date' | 'datetime' | 'bytes' | 'set' | 'tuple',
    readonly text: string,
    readonly items?: PyValue[],
  ) {}
}

export type PyInt = number | bigint;
export type PyKey = string | number | bigint | PyFloat | boolean | null | PyOpaque;
export type PyValue = null | boolean | string | number | bigint | PyFloat | PyOpaque | PyValue[] | PyDict;

/** Python hash/eq for dict keys: True == 1 == 1.0, False == 0 == 0.0; "1" != 1. */
function keyIdentity(key: PyKey): unknown {
  if (key === true) return 1;
  if (key === false) return 0;
  if (key instanceof PyFloat) {
    const v = key.value;
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(v);
    return v;
  }
  if (typeof key === 'bigint') {
    // bigints are only used outside the safe range, but normalise defensively.
    if (key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(key);
    return key;
  }
  return key;
}

/**
 * An insertion-ordered dict with Python key semantics (first key object kept, last value wins).
 * Fast path: string keys are their own identity; only non-string keys keep their original object
 * in a side map (they are rare in configs).
 */
export class PyDict {
  private readonly m = new Map<unknown, PyValue>();
  private orig: Map<unknown, PyKey> | null = null;
  /** Sorted key order for canonical JSON when every key is known in advance (ModelDump). */
  sortedKeysHint?: readonly string[];
  /** Set on shared, never-mutated values (cached defaults) so derived texts can be cached. */
  frozen?: boolean;
  /** Cache slots for derived texts of frozen values (canonical JSON variants). */
  textCache?: Record<string, string>;

  static from(entries: Iterable<readonly [PyKey, PyValue]>): PyDict {
    const d = new PyDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }

  /** Build from a plain object with string keys (values must already be PyValues). */
  static fromObject(obj: Record<string, PyValue>): PyDict {
    const d = new PyDict();
    for (const k of Object.keys(obj)) d.m.set(k, obj[k] as PyValue);
    return d;
  }

  get size(): number {
    return this.m.size;
  }

  get(key: PyKey): PyValue | undefined {
    return this.m.get(typeof key === 'string' ? key : keyIdentity(key));
  }

  has(key: PyKey): boolean {
    return this.m.has(typeof key === 'string' ? key : keyIdentity(key));
  }

  set(key: PyKey, value: PyValue): this {
    if (typeof key === 'string') {
      this.m.set(key, value);
      return this;
    }
    const id = keyIdentity(key);
    if (!this.m.has(id) && id !== key) {
      this.orig ??= new Map();
      this.orig.set(id, key);
    }
    this.m.set(id, value);
    return this;
  }

  delete(key: PyKey): boolean {
    const id = typeof key === 'string' ? key : keyIdentity(key);
    this.orig?.delete(id);
    return this.m.delete(id);
  }

  private keyOf(id: unknown): PyKey {
    if (typeof id === 'string' || this.orig === null) return id as PyKey;
    const o = this.orig.get(id);
    return o === undefined ? (id as PyKey) : o;
  }

  keys(): IterableIterator<PyKey> {
    if (this.orig === null) return this.m.keys() as IterableIterator<PyKey>;
    return this.origKeys();
  }

  private *origKeys(): IterableIterator<PyKey> {
    for (const id of this.m.keys()) yield this.keyOf(id);
  }

  values(): IterableIterator<PyValue> {
    return this.m.values();
  }

  entries(): IterableIterator<[PyKey, PyValue]> {
    if (this.orig === null) return this.m.entries() as IterableIterator<[PyKey, PyValue]>;
    return this.origEntries();
  }

  private *origEntries(): IterableIterator<[PyKey, PyValue]> {
    for (const [id, v] of this.m.entries()) yield [this.keyOf(id), v];
  }

  [Symbol.iterator](): IterableIterator<[PyKey, PyValue]> {
    return this.entries();
  }

  /** Shallow copy (Python `dict(d)`); the copy is never frozen. */
  clone(): PyDict {
    const d = new PyDict();
    for (const [id, v] of this.m) d.m.set(id, v);
    if (this.orig) d.orig = new Map(this.orig);
    return d;
  }

  /** True when every key is a string (the only shape llem's typed sections accept). */
  hasOnlyStringKeys(): boolean {
    for (const id of this.m.keys()) if (typeof id !== 'string') return false;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Type guards and helpers
// ---------------------------------------------------------------------------------------------

export function isPyInt(v: unknown): v is PyInt {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

export function isPyDict(v: unknown): v is PyDict {
  return v instanceof PyDict;
}

export function isPyList(v: unknown): v is PyValue[] {
  return Array.isArray(v);
}

/** Python `type(v).__name__` — used in error messages so they read like llem's. */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyOpaque) return v.pyType;
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** Python `repr()`-like short text for messages (not used for hashing). */
export function pyRepr(v: PyValue | undefined, maxLen = 80): string {
  let s: string;
  if (v === undefined) s = '<missing>';
  else if (v === null) s = 'None';
  else if (v === true) s = 'True';
  else if (v === false) s = 'False';
  else if (typeof v === 'string') s = `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  else if (typeof v === 'number' || typeof v === 'bigint') s = v.toString();
  else if (v instanceof PyFloat) s = formatPyFloatRepr(v.value);
  else if (v instanceof PyOpaque) s = `${v.pyType}(${v.text})`;
  else if (Array.isArray(v)) s = `[${v.map((x) => pyRepr(x, maxLen)).join(', ')}]`;
  else s = `{${[...v.entries()].map(([k, x]) => `${pyRepr(k, maxLen)}: ${pyRepr(x, maxLen)}`).join(', ')}}`;
  return s.length > maxLen ? `${s.slice(0, maxLen - 3)}...` : s;
}

/**
 * Python `repr(float)`: shortest round-trip digits; exponent form when the decimal exponent is
 * < -4 or >= 16 (contract §3.3).
 */
export function formatPyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return formatFloatDigits(x);
}

/** Shared digits formatter; json.dumps differs from repr only for nan/inf. */
export function formatFloatDigits(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const neg = x < 0;
  const exp = Math.abs(x).toExponential(); // "d.ddde+N" with shortest round-trip digits
  const eIdx = exp.indexOf('e');
  const mantissa = exp.slice(0, eIdx);
  const e10 = Number(exp.slice(eIdx + 1));
  const digits = mantissa.replace('.', '');
  const p = e10 + 1; // value = 0.d1d2... * 10^p
  let out: string;
  if (p <= -4 || p > 16) {
    const rest = digits.slice(1);
    const e = p - 1;
    const sign = e < 0 ? '-' : '+';
    const abs = Math.abs(e);
    out = `${digits[0]}${rest ? `.${rest}` : ''}e${sign}${abs < 10 ? `0${abs}` : abs}`;
  } else if (p <= 0) {
    out = `0.${'0'.repeat(-p)}${digits}`;
  } else if (p >= digits.length) {
    out = `${digits}${'0'.repeat(p - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, p)}.${digits.slice(p)}`;
  }
  return neg ? `-${out}` : out;
}

/** Deep structural equality with Python semantics (1 == 1.0 == True; NaN != NaN). */
export function pyEquals(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === b) return a === a || typeof a !== 'number'; // NaN check below for PyFloat
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' || typeof nb === 'bigint') {
      try {
        return BigInt(na as number | bigint) === BigInt(nb as number | bigint);
      } catch {
        return false;
      }
    }
    return na === nb;
  }
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      if (!b.has(k)) return false;
      if (!pyEquals(v, b.get(k))) return false;
    }
    return true;
  }
  if (a instanceof PyOpaque && b instanceof PyOpaque) return a.pyType === b.pyType && a.text === b.text;
  return false;
}

function numericValue(v: PyValue | undefined): number | bigint | undefined {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/** Deep copy (Python `copy.deepcopy` for the value kinds we carry). */
export function pyDeepCopy(v: PyValue): PyValue {
  if (Array.isArray(v)) return v.map(pyDeepCopy);
  if (v instanceof PyDict) {
    const d = new PyDict();
    for (const [k, x] of v.entries()) d.set(k, pyDeepCopy(x));
    return d;
  }
  return v;
}

/** llem's `deep_merge`: a deep copy of `base` with `overlay` merged in; mappings merge recursively, anything else replaces. */
export function pyDeepMerge(base: PyDict, overlay: PyDict): PyDict {
  const out = pyDeepCopy(base) as PyDict;
  for (const [k, v] of overlay.entries()) {
    const existing = out.get(k);
    if (existing instanceof PyDict && v instanceof PyDict) out.set(k, pyDeepMerge(existing, v));
    else out.set(k, pyDeepCopy(v));
  }
  return out;
}

/** Python `str(x)` as f-strings format values in llem's labels and messages. */
export function pyStr(v: PyValue | undefined): string {
  return typeof v === 'string' ? v : pyRepr(v ?? null, 200);
}

/**
 * Convert a plain JS value (from JSON or a UI form) to a PyValue. Numbers that are integers become
 * ints, others floats; use `PyFloat` explicitly to keep an integral float.
 */
export function fromPlain(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Number.isSafeInteger(v) ? v : new PyFloat(v);
  if (v instanceof PyFloat || v instanceof PyOpaque || v instanceof PyDict) return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const d = new PyDict();
    for (const k of Object.keys(v as object)) d.set(k, fromPlain((v as Record<string, unknown>)[k]));
    return d;
  }
  throw new TypeError(`cannot convert ${typeof v} to a Python value`);
}

/** Convert a PyValue to a plain JS value (floats become numbers; non-string keys become strings). */
export function toPlain(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PyOpaque) return v.text;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries()) o[keyToString(k)] = toPlain(x);
    return o;
  }
  return v;
}

/** How json.dumps renders a dict key (used for display and plain conversion). */
export function keyToString(k: PyKey): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'null';
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k instanceof PyFloat) return formatPyFloatRepr(k.value);
  if (k instanceof PyOpaque) return k.text;
  return k.toString();
}

/** Mark a value tree as shared and immutable so derived texts can be cached (see PyDict.frozen). */
export function freezeValue<T extends PyValue>(v: T): T {
  if (v instanceof PyDict) {
    v.frozen = true;
    for (const x of v.values()) freezeValue(x);
  } else if (Array.isArray(v)) for (const x of v) freezeValue(x);
  return v;
}

/** Count the nodes of a value tree (used to bound work on hostile input). Stops at `limit`. */
export function countNodes(v: PyValue, limit: number): number {
  let n = 0;
  const stack: PyValue[] = [v];
  while (stack.length > 0) {
    const x = stack.pop() as PyValue;
    n++;
    if (n > limit) return n;
    if (Array.isArray(x)) for (const c of x) stack.push(c);
    else if (x instanceof PyDict) for (const c of x.values()) stack.push(c);
  }
  return n;
}
