import { experimentSpec } from '../../../../contract/llem/experimentConfig';
import type { FieldSpec, ModelSpec, TypeSpec } from '../../../../contract/llem/modelSpec';
import { ExperimentSpec as Pypi070ExperimentSpec } from '../../../../contract/llem/pypi070/experimentConfig';
import { PyDict, PyFloat, type PyValue } from '../../../../contract/llem/pyValue';
import type { ProfileIdName } from '../../../../contract/api';

/**
 * What the designer needs to know about a llem profile's YAML shape: its experiment schema (the same specs the
 * core validates with), where the backend/engine choice lives, the execution block and its order names.
 */
export interface ProfileShape {
  spec: ModelSpec;
  /** Top-level field that picks the engine (`backend` or `engine`) and its choices. */
  engineField: 'backend' | 'engine';
  engines: readonly string[];
  executionKey: 'execution' | 'study_execution';
  orderField: 'cycle_order' | 'experiment_order';
  orders: readonly string[];
  experimentGapField: 'experiment_gap_seconds' | 'config_gap_seconds';
  nameKey: 'name' | 'study_name';
  /** Fields the app sets itself (never shown). */
  hidden: ReadonlySet<string>;
}

export function profileShape(profile: ProfileIdName): ProfileShape {
  if (profile === 'pypi-0.7.0') {
    return {
      spec: Pypi070ExperimentSpec,
      engineField: 'engine',
      engines: ['transformers', 'vllm', 'tensorrt'],
      executionKey: 'study_execution',
      orderField: 'experiment_order',
      orders: ['sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'],
      experimentGapField: 'experiment_gap_seconds',
      nameKey: 'study_name',
      hidden: new Set(),
    };
  }
  return {
    spec: experimentSpec(profile === 'head' ? 'head' : 'tag'),
    engineField: 'backend',
    engines: ['pytorch', 'vllm', 'tensorrt'],
    executionKey: 'execution',
    orderField: 'cycle_order',
    orders: ['sequential', 'interleaved', 'shuffled'],
    experimentGapField: profile === 'v0.7' ? 'config_gap_seconds' : 'experiment_gap_seconds',
    nameKey: 'name',
    hidden: new Set(['output_dir']),
  };
}

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
