import { err, ok, type Result } from '../../contract/result';
import { DEFAULT_JSON_LIMITS, formatIssuePath, isPlainObject, parseJsonText, type JsonLimits } from './jsonText';
import { KNOWN_TOP_LEVEL_KEYS, LlemResultSchema, type LlemResult } from './llemResultSchema';
import { parseLlemDateTime } from './time';

export interface ParsedLlemResult {
  result: LlemResult;
  /** Unknown top-level keys with their values (kept, not rejected); null when there are none. */
  extra: Record<string, unknown> | null;
}

/** Most issues listed in one error message; the full list is in `issues`. */
const MAX_LISTED_ISSUES = 5;

/** Validates one result.json text. Errors name the file and every offending field. */
export function parseLlemResultText(text: string, filePath: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): Result<ParsedLlemResult> {
  const json = parseJsonText(text, filePath, limits);
  if (!json.ok) return json;
  return parseLlemResultValue(json.value, filePath);
}

/** Validates one result.json already parsed from JSON. */
export function parseLlemResultValue(value: unknown, filePath: string): Result<ParsedLlemResult> {
  if (!isPlainObject(value)) {
    return err('invalid_result', `${filePath}: expected a JSON object (an llem result), found ${describeType(value)}`, { path: filePath });
  }
  if (!('schema_version' in value) && !('experiment_id' in value)) {
    return err('not_a_result', `${filePath}: not an llem result (no schema_version / experiment_id)`, { path: filePath });
  }
  const parsed = LlemResultSchema.safeParse(value);
  if (!parsed.success) return schemaError(filePath, 'not a valid llem result', parsed.error.issues);
  const result = parsed.data;
  const badTime = checkDateTimes(result, filePath);
  if (badTime) return badTime;
  return ok({ result, extra: unknownTopLevelKeys(value, KNOWN_TOP_LEVEL_KEYS) });
}

/** An `invalid_result` error naming the file and every offending field (the first few in the message). */
export function schemaError(filePath: string, what: string, zodIssues: readonly { path: PropertyKey[]; message: string }[]): Result<never> {
  const issues = zodIssues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > MAX_LISTED_ISSUES ? ` (+${issues.length - MAX_LISTED_ISSUES} more)` : '';
  return err('invalid_result', `${filePath}: ${what} — ${listed.join('; ')}${more}`, { path: filePath, issues });
}

/** The regex lets through dates like 2026-02-31; a result must carry real ones. */
export function checkDateTimes(result: { start_time: string; end_time: string }, filePath: string): Result<never> | null {
  for (const field of ['start_time', 'end_time'] as const) {
    if (parseLlemDateTime(result[field]) === null) {
      return err('invalid_result', `${filePath}: not a valid llem result — ${field}: not a real date-time (${result[field]})`, {
        path: filePath,
        issues: [{ path: field, message: 'not a real date-time' }],
      });
    }
  }
  return null;
}

export function unknownTopLevelKeys(value: Record<string, unknown>, known: ReadonlySet<string>): Record<string, unknown> | null {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    // defineProperty keeps a hostile `__proto__` key as plain data (it is serialised back as such).
    Object.defineProperty(extra, key, { value: value[key], enumerable: true, writable: true, configurable: true });
    any = true;
  }
  return any ? extra : null;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
