import { profileShape, type ProfileShape } from '../../../../contract/llem/formShape';
import type { FieldSpec, TypeSpec } from '../../../../contract/llem/modelSpec';
import { PyDict, PyFloat, type PyValue } from '../../../../contract/llem/pyValue';

/** A profile's YAML shape for the form: declared per llem family in the contract (contract/llem/formShape.ts). */
export { profileShape, type ProfileShape };

/** Optional wrappers removed: the type the user actually edits, and whether null is allowed. */
export function unwrap(type: TypeSpec): { type: TypeSpec; nullable: boolean } {
  return type.k === 'opt' ? { type: unwrap(type.inner).type, nullable: true } : { type, nullable: false };
}

export function defaultValue(field: FieldSpec): PyValue | 'required' {
  if (typeof field.default === 'symbol') return 'required';
  return typeof field.default === 'function' ? field.default() : field.default;
}

/** A default as the user would read it (`1.0`, `true`, `null`, `aienergyscore`). */
export function describeDefault(value: PyValue | 'required'): string {
  if (value === 'required') return 'required';
  if (value === null) return 'null';
  if (value instanceof PyFloat) return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
  if (value instanceof PyDict) return '{…}';
  if (Array.isArray(value)) return `[${value.map((v) => describeDefault(v)).join(', ')}]`;
  return String(value);
}

/** Sweepable paths a user may pick as a sweep dimension, in llem's sweep grammar for this profile. */
export function sweepKeySuggestions(shape: ProfileShape): string[] {
  const keys: string[] = [];
  for (const field of shape.spec.fields) {
    if (shape.hidden.has(field.name)) continue;
    const { type } = unwrap(field.type);
    if (shape.engines.includes(field.name) && type.k === 'model') {
      for (const sub of type.model.fields) {
        const inner = unwrap(sub.type).type;
        if (inner.k === 'model') {
          for (const leaf of inner.model.fields) keys.push(`${field.name}.${sub.name}.${leaf.name}`);
        } else {
          keys.push(`${field.name}.${sub.name}`);
        }
      }
    } else {
      keys.push(field.name);
    }
  }
  return keys;
}

/** Client-side check of one typed value (bounds, kind); the core's plan is the final word. */
export function checkValue(type: TypeSpec, value: unknown): string | null {
  const { type: t } = unwrap(type);
  if (value === null || value === undefined) return null;
  const bounds = (n: number, b: { ge?: number; gt?: number; le?: number; lt?: number }) => {
    if (b.ge !== undefined && n < b.ge) return `must be ≥ ${b.ge}`;
    if (b.gt !== undefined && n <= b.gt) return `must be > ${b.gt}`;
    if (b.le !== undefined && n > b.le) return `must be ≤ ${b.le}`;
    if (b.lt !== undefined && n >= b.lt) return `must be < ${b.lt}`;
    return null;
  };
  switch (t.k) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
      return bounds(value, t);
    case 'float':
      if (typeof value !== 'number') return 'must be a number';
      return bounds(value, t);
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'str':
      if (typeof value !== 'string') return 'must be text';
      return t.minLength && value.length < t.minLength ? 'must not be empty' : null;
    case 'lit':
      return t.values.includes(value as string) ? null : `must be one of ${t.values.join(', ')}`;
    default:
      return null;
  }
}
