/**
 * zod schemas generated from the model specs, for the UI: validate a config as the user types,
 * with Pydantic's lax coercions, defaults, ranges, descriptions, `extra` policies and the
 * cross-field rules — every issue carries the field path and a plain-words message.
 *
 * The zod schema works on plain JSON-like values (what a form holds). It cannot tell `1` from
 * `1.0`, so hashes are always computed by the spec validator (`modelSpec.ts`) on PyValues; tests
 * check that both accept and reject the same configs and produce the same values.
 */
import { z } from 'zod';
import { ModelDump, fieldNameSet, laxBool, laxFloat, laxInt, validateModel, type ModelSpec, type TypeSpec } from './modelSpec';
import { PyDict, PyFloat, fromPlain, toPlain, type PyValue } from './pyValue';
import { experimentSpec, type ContractSchemaGeneration } from './experimentConfig';
import { ExperimentSpec as Pypi070ExperimentSpec } from './pypi070/experimentConfig';
import { ExecutionSpec070, OutputSpec070 } from './pypi070/studyConfig';
import { executionSpec } from './studyConfig';

function boundMsg(kind: 'ge' | 'gt' | 'le' | 'lt', v: number): string {
  return {
    ge: `Input should be greater than or equal to ${v}`,
    gt: `Input should be greater than ${v}`,
    le: `Input should be less than or equal to ${v}`,
    lt: `Input should be less than ${v}`,
  }[kind];
}

function withBounds(s: z.ZodNumber, t: { ge?: number; gt?: number; le?: number; lt?: number }): z.ZodNumber {
  let out = s;
  if (t.ge !== undefined) out = out.gte(t.ge, boundMsg('ge', t.ge));
  if (t.gt !== undefined) out = out.gt(t.gt, boundMsg('gt', t.gt));
  if (t.le !== undefined) out = out.lte(t.le, boundMsg('le', t.le));
  if (t.lt !== undefined) out = out.lt(t.lt, boundMsg('lt', t.lt));
  return out;
}

/** Apply a lax coercion; on failure return the input unchanged so zod reports the type error. */
function coerce(fn: (v: PyValue) => unknown): (v: unknown) => unknown {
  return (v) => {
    try {
      const r = fn(fromPlain(v));
      if (r === null || r === undefined || (typeof r === 'object' && !(r instanceof PyFloat) && 'issues' in (r as object))) return v;
      return typeof r === 'bigint' ? Number(r) : r;
    } catch {
      return v;
    }
  };
}

const cache = new WeakMap<ModelSpec, z.ZodType>();

/** zod schema of one type spec. */
export function zodFromType(t: TypeSpec): z.ZodType {
  switch (t.k) {
    case 'int':
      return z.preprocess(
        coerce((v) => laxInt(v, [])),
        withBounds(z.number({ error: 'Input should be a valid integer' }).int('Input should be a valid integer'), t),
      );
    case 'float':
      return z.preprocess(
        coerce((v) => laxFloat(v, [])),
        withBounds(z.number({ error: 'Input should be a valid number' }), t),
      );
    case 'bool':
      return z.preprocess(
        coerce((v) => laxBool(v, [])),
        z.boolean({ error: 'Input should be a valid boolean' }),
      );
    case 'str': {
      const s = z.string({ error: 'Input should be a valid string' });
      return t.minLength !== undefined ? s.min(t.minLength, `String should have at least ${t.minLength} character${t.minLength === 1 ? '' : 's'}`) : s;
    }
    case 'lit': {
      const msg = `Input should be ${t.values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}`;
      if (t.values.length === 0) return z.never();
      const lits = t.values.map((x) => z.literal(x));
      return lits.length === 1 ? (lits[0] as z.ZodType) : z.union(lits as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]], { error: msg });
    }
    case 'any':
      return z.unknown();
    case 'model':
      return zodFromSpec(t.model);
    case 'dict':
      return z.record(t.anyKeys ? z.string() : z.string({ error: 'Keys should be strings' }), zodFromType(t.value));
    case 'list':
      return z.array(zodFromType(t.item), { error: 'Input should be a valid list' });
    case 'tuple':
      return z.tuple(t.items.map(zodFromType) as unknown as [z.ZodType, ...z.ZodType[]]);
    case 'opt':
      return zodFromType(t.inner).nullable();
    case 'union': {
      const opts = t.options.map(zodFromType);
      return opts.length === 1 ? (opts[0] as z.ZodType) : z.union(opts as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    }
  }
}

/** zod schema of a model spec (defaults filled, extras per policy, before/after validators). */
export function zodFromSpec(spec: ModelSpec): z.ZodType {
  const hit = cache.get(spec);
  if (hit) return hit;
  const shape: Record<string, z.ZodType> = {};
  for (const f of spec.fields) {
    let s = zodFromType(f.type);
    if (f.description) s = s.describe(f.description);
    if (typeof f.default !== 'symbol') {
      const d = f.default;
      const value = (): unknown => toPlain(typeof d === 'function' ? (d as () => PyValue)() : (d as PyValue));
      s = s.optional().transform((v) => (v === undefined ? value() : v));
    }
    shape[f.name] = s;
  }
  const obj =
    spec.extra === 'forbid'
      ? z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? 'Extra inputs are not permitted' : undefined) })
      : spec.extra === 'allow'
        ? z.looseObject(shape)
        : z.object(shape);
  const names = fieldNameSet(spec);
  const withRules = obj.superRefine((value, ctx) => {
    if (!spec.after) return;
    // Re-run the model-level rules on the coerced value (they read values, not types).
    const dump = new ModelDump();
    dump.modelName = spec.name;
    dump.spec = spec;
    const plain = value as Record<string, unknown>;
    for (const k of Object.keys(plain)) dump.set(k, reModel(fromPlain(plain[k]), spec, k));
    for (const a of spec.after) {
      if (typeof a !== 'function') continue;
      const msg = a(dump, {});
      if (msg !== null) {
        ctx.addIssue({ code: 'custom', message: msg, path: [] });
        return;
      }
    }
    void names;
  });
  const before = spec.before;
  const schema = before?.length
    ? z.preprocess((input) => {
        if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
        let raw = fromPlain(input) as PyDict;
        for (const b of before) {
          const r = b(raw, {});
          if (!(r instanceof PyDict)) return { __before_error__: r.error };
          raw = r;
        }
        return toPlain(raw);
      }, withRules).superRefine((v, ctx) => {
        const e = (v as Record<string, unknown> | null)?.__before_error__;
        if (typeof e === 'string') ctx.addIssue({ code: 'custom', message: e, path: [] });
      })
    : withRules;
  cache.set(spec, schema);
  return schema;
}

/** Give nested plain objects their model identity back so model-level rules can inspect them. */
function reModel(v: PyValue, parent: ModelSpec, key: string): PyValue {
  const f = parent.fields.find((x) => x.name === key);
  let t = f?.type;
  while (t && t.k === 'opt') t = t.inner;
  if (t && t.k === 'model' && v instanceof PyDict) {
    const m = new ModelDump();
    m.modelName = t.model.name;
    m.spec = t.model;
    for (const [k, x] of v.entries()) m.set(k, typeof k === 'string' ? reModel(x, t.model, k) : x);
    return m;
  }
  return v;
}

/** zod schema of the ExperimentConfig of a contract schema generation (`head` or the tags). */
export function experimentConfigZod(gen: ContractSchemaGeneration = 'head'): z.ZodType {
  return zodFromSpec(experimentSpec(gen));
}

/** zod schema of the PyPI 0.7.0 ExperimentConfig (engine rules included). */
export function pypi070ExperimentConfigZod(): z.ZodType {
  return zodFromSpec(Pypi070ExperimentSpec);
}

/** Convenience for the UI: validate a plain object with the exact (hash-grade) validator. */
export function validatePlainExperiment(spec: ModelSpec, plain: unknown): ReturnType<typeof validateModel> {
  return validateModel(spec, fromPlain(plain));
}

/**
 * zod schema of a study file's top level for the UI (contract §2.2 / PyPI 0.7.0): the study-only
 * keys are typed, execution settings follow the profile's spec, and every other key is a fixed
 * experiment field (checked per generated config, not here).
 */
export function studyConfigZod(profile: 'head' | 'v0.8' | 'v0.7' | 'pypi-0.7.0'): z.ZodType {
  if (profile === 'pypi-0.7.0') {
    return z.looseObject({
      study_name: z.string().nullable().optional(),
      base: z.string().optional(),
      sweep: z.record(z.string(), z.unknown()).nullable().optional(),
      experiments: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
      study_execution: zodFromSpec(ExecutionSpec070).nullable().optional(),
      output: zodFromSpec(OutputSpec070).nullable().optional(),
      runners: z.record(z.string(), z.string()).nullable().optional(),
      images: z.record(z.string(), z.string()).nullable().optional(),
    });
  }
  return z.looseObject({
    name: z.string().nullable().optional(),
    base: z.string().optional(),
    sweep: z.record(z.string(), z.unknown()).nullable().optional(),
    experiments: z.array(z.record(z.string(), z.unknown())).optional(),
    execution: zodFromSpec(executionSpec(profile)).nullable().optional(),
    runners: z.record(z.string(), z.string()).optional(),
  });
}
