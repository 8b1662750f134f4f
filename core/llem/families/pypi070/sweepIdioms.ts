/**
 * Numeric sweep-axis idioms of llem 0.7.0 (`config/sweep_idioms.py`): a mapping axis value
 * `{min, max, num}`, `{log: {min, max, num}}` or `{pow2: {min, max}}` expands to a value list.
 */
import { PyDict, PyFloat, pyEquals, pyRepr, type PyValue } from '../../../../contract/llem/pyValue';

const SUMMARY =
  'valid range shorthands are {min: a, max: b, num: n} (evenly spaced), {log: {min: a, max: b, num: n}} (log-spaced) and {pow2: {min: a, max: b}} (powers of two)';

export class IdiomError extends Error {}

type Num = { v: number; isInt: boolean };

function number(idiom: string, name: string, value: PyValue | undefined): Num {
  if (typeof value === 'number') return { v: value, isInt: true };
  if (typeof value === 'bigint') return { v: Number(value), isInt: true };
  if (value instanceof PyFloat && Number.isFinite(value.value)) return { v: value.value, isInt: false };
  throw new IdiomError(`${idiom} range shorthand: '${name}' must be a finite number, got ${pyRepr(value ?? null)}`);
}

function bounds(idiom: string, m: PyDict): [Num, Num] {
  const lo = number(idiom, 'min', m.get('min'));
  const hi = number(idiom, 'max', m.get('max'));
  if (lo.v > hi.v) throw new IdiomError(`${idiom} range shorthand: min (${fmt(lo)}) must not exceed max (${fmt(hi)})`);
  return [lo, hi];
}

function fmt(n: Num): string {
  return n.isInt ? String(n.v) : pyRepr(new PyFloat(n.v));
}

/** Bound on idiom sizes so a typo like `num: 1e9` cannot hang the designer (llem would try). */
export const MAX_IDIOM_VALUES = 1_000_000;

function numCount(idiom: string, value: PyValue | undefined): number {
  if (typeof value === 'number' && value >= 2) {
    if (value > MAX_IDIOM_VALUES) throw new IdiomError(`${idiom} range shorthand: 'num' = ${value} is more values than llem Studio plans (limit ${MAX_IDIOM_VALUES})`);
    return value;
  }
  if (typeof value === 'bigint' && value >= 2n) throw new IdiomError(`${idiom} range shorthand: 'num' = ${value} is more values than llem Studio plans (limit ${MAX_IDIOM_VALUES})`);
  throw new IdiomError(`${idiom} range shorthand: 'num' must be an integer >= 2, got ${pyRepr(value ?? null)}`);
}

/** Python `float(f"{v:.10g}")`: round to 10 significant digits, ties to even on the exact value. */
export function roundSig10(v: number): number {
  if (v === 0) return 0;
  const p = v.toPrecision(10);
  // 30 correctly rounded digits are enough to tell an exact tie at digit 11 from a near-tie.
  const m = /^(\d)\.(\d+)e([+-]\d+)$/.exec(Math.abs(v).toExponential(29));
  if (m) {
    const digits = (m[1] as string) + (m[2] as string);
    const tail = digits.slice(10);
    if (/^50*$/.test(tail)) {
      // Exactly halfway: JS rounds away from zero, Python to even.
      const head = BigInt(digits.slice(0, 10));
      const even = head % 2n === 0n ? head : head + 1n;
      const e = Number(m[3]) - 9;
      const s = `${even.toString()}e${e}`;
      return v < 0 ? -Number(s) : Number(s);
    }
  }
  return Number(p);
}

function dedupe(values: PyValue[]): PyValue[] {
  const out: PyValue[] = [];
  for (const v of values) if (!out.some((x) => pyEquals(x, v))) out.push(v);
  return out;
}

function linear(m: PyDict): PyValue[] {
  const [lo, hi] = bounds('min/max/num', m);
  const n = numCount('min/max/num', m.get('num'));
  if (lo.isInt && hi.isInt && (hi.v - lo.v) % (n - 1) === 0) {
    const step = (hi.v - lo.v) / (n - 1);
    return dedupe(Array.from({ length: n }, (_, i) => lo.v + step * i));
  }
  const values: PyValue[] = [new PyFloat(lo.v)];
  for (let i = 1; i < n - 1; i++) values.push(new PyFloat(roundSig10(lo.v + ((hi.v - lo.v) * i) / (n - 1))));
  values.push(new PyFloat(hi.v));
  return dedupe(values);
}

function inner(idiom: string, value: PyValue | undefined, keys: string[]): PyDict {
  const expected = [...keys].sort();
  if (!(value instanceof PyDict) || value.size !== keys.length || ![...value.keys()].every((k) => typeof k === 'string' && keys.includes(k))) {
    throw new IdiomError(`${idiom} range shorthand requires a nested mapping with exactly the keys {${expected.join(', ')}}, got ${pyRepr(value ?? null)}; ${SUMMARY}`);
  }
  return value;
}

function logSpaced(m: PyDict): PyValue[] {
  const [lo, hi] = bounds('log', m);
  if (lo.v <= 0) throw new IdiomError(`log range shorthand requires min > 0, got min=${fmt(lo)}`);
  const n = numCount('log', m.get('num'));
  const ratio = hi.v / lo.v;
  const rounded: number[] = [lo.v];
  for (let i = 1; i < n - 1; i++) rounded.push(roundSig10(lo.v * ratio ** (i / (n - 1))));
  rounded.push(hi.v);
  if (lo.isInt && hi.isInt && rounded.every((x) => Number.isInteger(x))) return dedupe(rounded);
  return dedupe(rounded.map((x) => new PyFloat(x)));
}

function pow2(m: PyDict): PyValue[] {
  const [lo, hi] = bounds('pow2', m);
  if (lo.v <= 0) throw new IdiomError(`pow2 range shorthand requires min > 0, got min=${fmt(lo)}`);
  const kLo = Math.floor(Math.log2(lo.v)) - 1;
  const kHi = Math.ceil(Math.log2(hi.v)) + 1;
  const powers: { v: number; isInt: boolean }[] = [];
  for (let k = kLo; k <= kHi; k++) {
    const p = 2 ** k;
    if (lo.v <= p && p <= hi.v) powers.push({ v: p, isInt: k >= 0 });
  }
  if (powers.length === 0) throw new IdiomError(`pow2 range shorthand: no power of two lies within [${fmt(lo)}, ${fmt(hi)}]`);
  if (powers.every((p) => p.isInt)) return powers.map((p) => (Number.isSafeInteger(p.v) ? p.v : BigInt(p.v)));
  return powers.map((p) => new PyFloat(p.v));
}

/** `expand_axis_idiom(mapping)`; throws IdiomError with llem's wording. */
export function expandAxisIdiom(m: PyDict): PyValue[] {
  const keys = [...m.keys()];
  const has = (names: string[]): boolean => keys.length === names.length && names.every((n) => m.has(n)) && keys.every((k) => typeof k === 'string');
  if (has(['min', 'max', 'num'])) return linear(m);
  if (has(['log'])) return logSpaced(inner('log', m.get('log'), ['min', 'max', 'num']));
  if (has(['pow2'])) return pow2(inner('pow2', m.get('pow2'), ['min', 'max']));
  const shown = keys.map((k) => `'${String(k)}'`).sort();
  throw new IdiomError(
    `mapping with keys [${shown.join(', ')}] is not a recognised range shorthand; ${SUMMARY}. Literal mapping values cannot be swept as an axis - set them in the base config, or sweep them via a group entry (list of dicts).`,
  );
}
