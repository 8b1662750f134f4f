/**
 * Python `json.dumps(obj, sort_keys=True)` reproduced exactly over PyValues (contract §3.3).
 *
 * Both llem hashes are SHA-256 over this text, so every byte matters: key order by code point,
 * `", "` / `": "` separators, `\uXXXX` lowercase escapes for non-ASCII, Python float `repr`.
 * The PyPI 0.7.0 resolved-config hash uses the compact variant (`","`/`":"`,
 * `ensure_ascii=False`, `default=str`), selected with options.
 * Pure TypeScript (no node imports) so the UI can show hashes live.
 */
import { PyDict, PyFloat, PyOpaque, formatFloatDigits, type PyKey, type PyValue } from './pyValue';

export interface CanonicalJsonOptions {
  /** Python's default is true: escape everything outside 0x20–0x7E. */
  ensureAscii?: boolean;
  /** `true` gives `(",", ":")`; default `(", ", ": ")`. */
  compact?: boolean;
  /** Python `default=str`: render otherwise unserialisable objects as their `str()`. */
  defaultStr?: boolean;
}

/** Raised where Python's json.dumps would raise TypeError/ValueError (llem crashes there). */
export class PyJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyJsonError';
  }
}

const SAFE_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Python json string encoding (`ensure_ascii` True: every non-ASCII UTF-16 unit as \uXXXX). */
export function encodeJsonString(s: string, ensureAscii = true): string {
  if (SAFE_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c < 0x20) out += hex4(c);
    else if (c > 0x7e && ensureAscii) out += hex4(c);
    else out += s[i];
  }
  return `${out}"`;
}

/** Python `float.__repr__` as json.dumps writes it (NaN/Infinity spelled the JSON way). */
export function encodeJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return formatFloatDigits(x);
}

/** Compare two strings by Unicode code point (Python str ordering). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only between surrogates and U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs && !ys && y >= 0xe000) return 1;
    if (ys && !xs && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

type KeyKind = 'str' | 'num' | 'none' | 'other';

function keyKind(k: PyKey): KeyKind {
  if (typeof k === 'string') return 'str';
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' || k instanceof PyFloat) return 'num';
  if (k === null) return 'none';
  return 'other';
}

function pyTypeOfKey(k: PyKey): string {
  if (typeof k === 'string') return 'str';
  if (typeof k === 'boolean') return 'bool';
  if (typeof k === 'number' || typeof k === 'bigint') return 'int';
  if (k instanceof PyFloat) return 'float';
  if (k === null) return 'NoneType';
  return (k as PyOpaque).pyType;
}

function numericKey(k: PyKey): number | bigint {
  if (typeof k === 'boolean') return k ? 1 : 0;
  if (k instanceof PyFloat) return k.value;
  return k as number | bigint;
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    // Mixed bigint/float: compare as numbers is exact enough only when both are ints.
    if (typeof a === 'number' && !Number.isInteger(a)) return a < Number(b) ? -1 : 1;
    if (typeof b === 'number' && !Number.isInteger(b)) return Number(a) < b ? -1 : 1;
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort dict entries as Python's `sorted(d.items())` on keys would, or throw like it. */
function sortedEntries(d: PyDict): [PyKey, PyValue][] {
  const hint = d.sortedKeysHint;
  if (hint && hint.length === d.size) {
    // Every key is a declared field (no extras): the precomputed order is the sorted order.
    const out: [PyKey, PyValue][] = new Array(hint.length);
    let ok = true;
    for (let i = 0; i < hint.length; i++) {
      const k = hint[i] as string;
      const v = d.get(k);
      if (v === undefined) {
        ok = false;
        break;
      }
      out[i] = [k, v];
    }
    if (ok) return out;
  }
  const entries = [...d.entries()];
  if (entries.length < 2) return entries;
  const first = entries[0] as [PyKey, PyValue];
  const kind = keyKind(first[0]);
  for (const [k] of entries) {
    if (keyKind(k) !== kind || kind === 'none' || kind === 'other') {
      throw new PyJsonError(
        `'<' not supported between instances of '${pyTypeOfKey(k)}' and '${pyTypeOfKey(first[0])}' (a mapping mixes key types; use string keys only)`,
      );
    }
  }
  if (kind === 'str') entries.sort((a, b) => compareCodePoints(a[0] as string, b[0] as string));
  else entries.sort((a, b) => compareNumeric(numericKey(a[0]), numericKey(b[0])));
  return entries;
}

function encodeKey(k: PyKey, ensureAscii: boolean): string {
  if (typeof k === 'string') return encodeJsonString(k, ensureAscii);
  if (k === null) return '"null"';
  if (k === true) return '"true"';
  if (k === false) return '"false"';
  if (typeof k === 'number' || typeof k === 'bigint') return `"${k.toString()}"`;
  if (k instanceof PyFloat) return `"${encodeJsonFloat(k.value)}"`;
  throw new PyJsonError(`keys must be str, int, float, bool or None, not ${k.pyType}`);
}

const prefixCaches = new Map<string, Map<string, string>>();
/** Encoded `"key": ` prefixes of field names (the same few dozen names in every config). */
function keyPrefixCache(ensureAscii: boolean, keySep: string): Map<string, string> {
  const id = `${ensureAscii ? 'a' : 'u'}${keySep}`;
  let m = prefixCaches.get(id);
  if (!m) {
    m = new Map();
    prefixCaches.set(id, m);
  }
  return m;
}

/** Python `json.dumps(value, sort_keys=True, ...)`. Throws PyJsonError where Python raises. */
export function canonicalJson(value: PyValue, options: CanonicalJsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const itemSep = options.compact ? ',' : ', ';
  const keySep = options.compact ? ':' : ': ';
  const defaultStr = options.defaultStr ?? false;

  const cacheSlot = `${ensureAscii ? 'a' : 'u'}${options.compact ? 'c' : 's'}${defaultStr ? 'd' : ''}`;
  const prefixes = keyPrefixCache(ensureAscii, keySep);
  const keyPrefix = (k: string): string => {
    let p = prefixes.get(k);
    if (p === undefined) {
      p = encodeJsonString(k, ensureAscii) + keySep;
      if (prefixes.size < 4096) prefixes.set(k, p);
    }
    return p;
  };
  const enc = (v: PyValue): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return encodeJsonString(v, ensureAscii);
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new PyJsonError(`internal: non-integral number ${v} used as a Python int`);
      return Object.is(v, -0) ? '0' : v.toString();
    }
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof PyFloat) return encodeJsonFloat(v.value);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      let s = '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) s += itemSep;
        s += enc(v[i] as PyValue);
      }
      return `${s}]`;
    }
    if (v instanceof PyDict) {
      if (v.size === 0) return '{}';
      if (v.frozen) {
        const hit = v.textCache?.[cacheSlot];
        if (hit !== undefined) return hit;
      }
      let s = '{';
      const hint = v.sortedKeysHint;
      let done = false;
      if (hint && hint.length === v.size) {
        // Declared fields only (no extras): the precomputed order is the sorted order.
        let t = '';
        done = true;
        for (let i = 0; i < hint.length; i++) {
          const k = hint[i] as string;
          const x = v.get(k);
          if (x === undefined) {
            done = false;
            break;
          }
          if (i > 0) t += itemSep;
          t += keyPrefix(k) + enc(x);
        }
        if (done) s += t;
      }
      if (!done) {
        let firstItem = true;
        for (const [k, x] of sortedEntries(v)) {
          if (!firstItem) s += itemSep;
          firstItem = false;
          s += encodeKey(k, ensureAscii) + keySep + enc(x);
        }
      }
      s += '}';
      if (v.frozen) (v.textCache ??= {})[cacheSlot] = s;
      return s;
    }
    if (v instanceof PyOpaque) {
      if (v.pyType === 'tuple') return enc(v.items ?? []);
      if (defaultStr) return encodeJsonString(v.text, ensureAscii);
      throw new PyJsonError(`Object of type ${v.pyType} is not JSON serializable`);
    }
    throw new PyJsonError(`unsupported value ${String(v)}`);
  };
  return enc(value);
}

/** UTF-8 bytes of a string without node imports (for hashing in any runtime). */
export function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
