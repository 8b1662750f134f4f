import { isLosslessNumber } from 'lossless-json';
import { PyDict, PyFloat, type PyValue } from '../../contract/llem/pyValue';
import { measurementConfigHash } from '../llem/hashing';
import type { ConfigHashFn } from './configHash';

/**
 * The importer's default config hash: the campaign model's canonical JSON + SHA-256 (llem contract
 * §3), fed with effective_config converted from lossless JSON to Python values. A number written
 * with `.` or an exponent is a Python float (Pydantic always writes floats that way); any other
 * number is an int.
 */
export function defaultConfigHashFn(): ConfigHashFn {
  return (config) => measurementConfigHash(losslessToPyValue(config));
}

export function losslessToPyValue(v: unknown): PyValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (isLosslessNumber(v)) {
    const text = v.toString();
    if (/[.eE]/.test(text)) return new PyFloat(Number(text));
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  if (typeof v === 'number') return Number.isInteger(v) ? v : new PyFloat(v);
  if (Array.isArray(v)) return v.map(losslessToPyValue);
  if (typeof v === 'object') {
    const d = new PyDict();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, losslessToPyValue(x));
    return d;
  }
  throw new Error(`cannot hash a value of type ${typeof v}`);
}
