/** Readers for validated config dumps, shared by the families' estimate inputs. */
import { PyDict, PyFloat, type PyValue } from '../../contract/llem/pyValue';

/** A number field of a validated dump, or `fallback` when absent or not a number. */
export function num(v: PyValue | undefined, fallback: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v.value;
  return fallback;
}

/** A sub-mapping of a validated dump, or null. */
export function sub(d: PyValue | undefined, key: string): PyDict | null {
  if (!(d instanceof PyDict)) return null;
  const v = d.get(key);
  return v instanceof PyDict ? v : null;
}
