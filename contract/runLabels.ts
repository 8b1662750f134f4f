/**
 * Labels that tell the runs and configurations of one campaign apart.
 *
 * llem's own summaries (`pytorch / gpt2 / fp16`, `pytorch, fp32`) repeat the fields every config shares and hide the
 * ones that differ, so an 18-run batch × dtype campaign reads the same 18 times. A distinguishing label lists only the
 * values that vary within the campaign: swept keys first (in the order the study sweeps them), then the other varying
 * keys (explicit `experiments:` entries such as 8-bit / 4-bit quantization). A skipped item leads with the values its
 * rejection names (`batch_size=0`), since that is why it is skipped.
 *
 * Pure functions over plain JSON values (no Node, no React): the plan view and the Runs API compute labels in core, and
 * the Results and Demo pages can use the same module in the renderer.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** Most values a label shows; the rest are summed up as `+N more`. */
export const MAX_LABEL_VALUES = 5;

/** Quantization flags read as words: an 8-bit and a 4-bit run of the same dtype must not read alike. */
const FLAG_WORDS: Record<string, string> = {
  load_in_8bit: '8-bit',
  load_in_4bit: '4-bit',
};

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every leaf of a config as `dotted.path → value` (arrays are leaves: a list of prompts is one value). */
export function flattenConfig(config: JsonValue, prefix = '', out = new Map<string, JsonValue>()): Map<string, JsonValue> {
  if (isObject(config)) {
    for (const [key, value] of Object.entries(config)) flattenConfig(value, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, config);
  }
  return out;
}

function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether a dotted path is (or ends with) a swept key: `pytorch.batch_size` matches sweep key `batch_size` too. */
function matchesKey(path: string, key: string): boolean {
  return path === key || path.endsWith(`.${key}`);
}

/** Paths whose value differs between at least two configs: swept keys first (in sweep order), quantization flags next, then alphabetical. */
export function varyingPaths(configs: readonly Map<string, JsonValue>[], sweptKeys: readonly string[] = []): string[] {
  const paths = new Set<string>();
  for (const config of configs) for (const path of config.keys()) paths.add(path);
  const varying: string[] = [];
  for (const path of paths) {
    const first = configs[0]?.get(path);
    if (configs.some((config) => !sameValue(config.get(path), first))) varying.push(path);
  }
  const sweepRank = (path: string): number => {
    const i = sweptKeys.findIndex((key) => matchesKey(path, key));
    return i < 0 ? sweptKeys.length : i;
  };
  const flagRank = (path: string): number => ((path.split('.').pop() ?? '') in FLAG_WORDS ? 0 : 1);
  return varying.sort((a, b) => sweepRank(a) - sweepRank(b) || flagRank(a) - flagRank(b) || a.localeCompare(b));
}

/** The shortest suffix of each path that no other shown path shares (`batch_size`, not `pytorch.batch_size`). */
export function shortNames(paths: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const path of paths) {
    const parts = path.split('.');
    let depth = 1;
    const suffix = (p: string, d: number) => p.split('.').slice(-d).join('.');
    while (depth < parts.length && paths.some((other) => other !== path && suffix(other, depth) === suffix(path, depth))) depth++;
    names.set(path, suffix(path, depth));
  }
  return names;
}

function formatValue(value: JsonValue): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** One `name=value` token; null (unset) and false flags say nothing and are left out. */
function token(path: string, name: string, value: JsonValue | undefined): string | null {
  if (value === undefined || value === null || value === false) return null;
  const leaf = path.split('.').pop() ?? path;
  if (value === true) return FLAG_WORDS[leaf] ?? name;
  return `${name}=${formatValue(value)}`;
}

function join(tokens: string[]): string {
  const shown = tokens.slice(0, MAX_LABEL_VALUES);
  const rest = tokens.length - shown.length;
  return shown.join(' · ') + (rest > 0 ? ` · +${rest} more` : '');
}

export interface LabelOptions {
  /** The study's sweep keys as written (`pytorch.batch_size`, `precision`): their values come first. */
  sweptKeys?: readonly string[];
}

/**
 * One label per config: the values that vary within this set, swept ones first. A set of one config (or of identical
 * configs) has nothing that varies; those labels are empty and callers fall back to llem's summary.
 */
export function distinguishingLabels(configs: readonly JsonValue[], options: LabelOptions = {}): string[] {
  const flat = configs.map((config) => flattenConfig(config));
  const paths = varyingPaths(flat, options.sweptKeys);
  const names = shortNames(paths);
  return flat.map((config) =>
    join(paths.map((path) => token(path, names.get(path) ?? path, config.get(path))).filter((t): t is string => t !== null)),
  );
}

/** Looks a dotted or list location (`['pytorch', 'batch_size']`) up in a config. */
export function valueAt(config: JsonValue, loc: readonly (string | number)[]): JsonValue | undefined {
  let node: JsonValue | undefined = config;
  for (const part of loc) {
    if (isObject(node)) node = node[String(part)];
    else if (Array.isArray(node) && typeof part === 'number') node = node[part];
    else return undefined;
  }
  return node;
}

/**
 * The label of a configuration llem would skip: first the values its rejection names (`batch_size=0`), then the swept
 * values that place it in the campaign. `issueLocs` are the validation issues' locations (possibly with model-level
 * entries such as `[]` or a validator name that is not a field: those are ignored).
 */
export function skippedLabel(raw: JsonValue, issueLocs: readonly (readonly (string | number)[])[], options: LabelOptions = {}): string {
  const tokens: string[] = [];
  const seen = new Set<string>();
  for (const loc of issueLocs) {
    const fieldLoc = loc.filter((p) => typeof p === 'string' || typeof p === 'number');
    const value = valueAt(raw, fieldLoc);
    if (value === undefined || isObject(value)) continue;
    const path = fieldLoc.join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    tokens.push(`${String(fieldLoc[fieldLoc.length - 1])}=${formatValue(value)}`);
  }
  const flat = flattenConfig(raw);
  for (const key of options.sweptKeys ?? []) {
    for (const [path, value] of flat) {
      if (!matchesKey(path, key) || seen.has(path)) continue;
      seen.add(path);
      const t = token(path, path.split('.').pop() ?? path, value);
      if (t) tokens.push(t);
    }
  }
  return join(tokens);
}

/**
 * The keys a study sweeps, from its parsed YAML: the `sweep:` mapping's keys, and for a grouped dimension (a list of
 * mappings, like `decoder: [{preset: …}]`) the keys inside it, prefixed.
 */
export function sweptKeysOf(study: JsonValue): string[] {
  if (!isObject(study)) return [];
  const sweep = study.sweep;
  if (!isObject(sweep)) return [];
  const keys: string[] = [];
  for (const [key, value] of Object.entries(sweep)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      for (const entry of value) for (const inner of Object.keys(entry)) if (!keys.includes(`${key}.${inner}`)) keys.push(`${key}.${inner}`);
    } else if (isObject(value)) {
      // A nested form (`pytorch: {batch_size: [..]}`) sweeps its leaves.
      for (const inner of Object.keys(value)) keys.push(`${key}.${inner}`);
    } else {
      keys.push(key);
    }
  }
  return keys;
}
