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
  const value = json.value;
  if (!isPlainObject(value)) {
    return err('invalid_result', `${filePath}: expected a JSON object (an llem result), found ${describeType(value)}`, { path: filePath });
  }
  if (!('schema_version' in value) && !('experiment_id' in value)) {
    return err('not_a_result', `${filePath}: not an llem result (no schema_version / experiment_id)`, { path: filePath });
  }
  const parsed = LlemResultSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${i.path}: ${i.message}`);
    const more = issues.length > MAX_LISTED_ISSUES ? ` (+${issues.length - MAX_LISTED_ISSUES} more)` : '';
    return err('invalid_result', `${filePath}: not a valid llem result — ${listed.join('; ')}${more}`, { path: filePath, issues });
  }
  const result = parsed.data;
  for (const field of ['start_time', 'end_time'] as const) {
    if (parseLlemDateTime(result[field]) === null) {
      return err('invalid_result', `${filePath}: not a valid llem result — ${field}: not a real date-time (${result[field]})`, {
        path: filePath,
        issues: [{ path: field, message: 'not a real date-time' }],
      });
    }
  }
  return ok({ result, extra: unknownTopLevelKeys(value) });
}

function unknownTopLevelKeys(value: Record<string, unknown>): Record<string, unknown> | null {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(value)) {
    if (KNOWN_TOP_LEVEL_KEYS.has(key)) continue;
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
