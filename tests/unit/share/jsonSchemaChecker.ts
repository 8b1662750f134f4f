/**
 * A small, independent JSON Schema (draft 2020-12) checker for the keywords our published schemas use,
 * so a test can show that the committed JSON Schema and the zod schema the exporter validates with
 * accept and reject the same documents. (No JSON Schema library is installed; ajv would do this job
 * in production code.) A keyword it does not know is reported, never ignored: `unsupportedKeywords`.
 */

type Schema = Record<string, unknown> | boolean;

export const SUPPORTED_KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'enum', 'const', 'anyOf',
  'oneOf', 'allOf', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minItems', 'maxItems',
]);
/** Keywords that do not affect validation. */
export const ANNOTATION_KEYWORDS = new Set(['$schema', '$id', '$defs', 'title', 'description', '$comment', 'examples', 'format', 'default']);

/** Every keyword used anywhere in `schema` that this checker cannot evaluate. */
export function unsupportedKeywords(schema: unknown): string[] {
  const found = new Set<string>();
  const walk = (s: unknown): void => {
    if (typeof s !== 'object' || s === null) return;
    if (Array.isArray(s)) return s.forEach(walk);
    for (const [k, v] of Object.entries(s)) {
      if (!SUPPORTED_KEYWORDS.has(k) && !ANNOTATION_KEYWORDS.has(k)) found.add(k);
      if (k === 'properties' || k === '$defs') Object.values(v as object).forEach(walk);
      else if (k !== 'enum' && k !== 'const' && k !== 'required' && k !== 'examples') walk(v);
    }
  };
  walk(schema);
  return [...found].sort();
}

/** The JSON-pointer paths of every failure (empty = valid). */
export function checkJsonSchema(root: Record<string, unknown>, instance: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`only local $ref supported: ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    return node as Schema;
  };
  const check = (schema: Schema, value: unknown, at: string): boolean => {
    if (schema === true) return true;
    if (schema === false) return fail(at, 'false schema');
    let ok = true;
    const s = schema;
    if (typeof s.$ref === 'string') ok = check(resolve(s.$ref), value, at) && ok;
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => hasType(value, t))) return fail(at, `type ${types.join('|')}`);
    }
    if ('const' in s && !deepEqual(s.const, value)) ok = fail(at, 'const');
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) ok = fail(at, 'enum');
    if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => quiet(sub as Schema, value, at))) ok = fail(at, 'anyOf');
    if (Array.isArray(s.oneOf) && s.oneOf.filter((sub) => quiet(sub as Schema, value, at)).length !== 1) ok = fail(at, 'oneOf');
    if (Array.isArray(s.allOf)) for (const sub of s.allOf) ok = check(sub as Schema, value, at) && ok;
    if (typeof value === 'string') {
      const len = [...value].length; // code points, as JSON Schema counts
      if (typeof s.minLength === 'number' && len < s.minLength) ok = fail(at, 'minLength');
      if (typeof s.maxLength === 'number' && len > s.maxLength) ok = fail(at, 'maxLength');
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) ok = fail(at, 'pattern');
    }
    if (typeof value === 'number') {
      if (typeof s.minimum === 'number' && value < s.minimum) ok = fail(at, 'minimum');
      if (typeof s.maximum === 'number' && value > s.maximum) ok = fail(at, 'maximum');
      if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) ok = fail(at, 'exclusiveMinimum');
      if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) ok = fail(at, 'exclusiveMaximum');
    }
    if (Array.isArray(value)) {
      if (typeof s.minItems === 'number' && value.length < s.minItems) ok = fail(at, 'minItems');
      if (typeof s.maxItems === 'number' && value.length > s.maxItems) ok = fail(at, 'maxItems');
      if (s.items !== undefined) value.forEach((v, i) => (ok = check(s.items as Schema, v, `${at}/${i}`) && ok));
    }
    if (isObject(value)) {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      if (Array.isArray(s.required)) for (const r of s.required as string[]) if (!Object.prototype.hasOwnProperty.call(value, r)) ok = fail(`${at}/${r}`, 'required');
      for (const [k, v] of Object.entries(value)) {
        if (s.propertyNames !== undefined) ok = check(s.propertyNames as Schema, k, `${at}/${k}`) && ok;
        if (Object.prototype.hasOwnProperty.call(props, k)) ok = check(props[k]!, v, `${at}/${k}`) && ok;
        else if (s.additionalProperties !== undefined) ok = check(s.additionalProperties as Schema, v, `${at}/${k}`) && ok;
      }
    }
    return ok;
  };
  const quiet = (schema: Schema, value: unknown, at: string): boolean => {
    const before = errors.length;
    const ok = check(schema, value, at);
    errors.length = before;
    return ok;
  };
  const fail = (at: string, why: string): false => {
    errors.push(`${at || '/'}: ${why}`);
    return false;
  };
  check(root, instance, '');
  return errors;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'array': return Array.isArray(v);
    case 'object': return isObject(v);
    default: throw new Error(`unknown type ${t}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
