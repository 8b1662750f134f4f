import type { ParamValue, SweepParameter } from '../../../contract/apiResults';

/**
 * Which settings differ between stored configurations — the "swept parameters" of the charts.
 * Imported results carry no study file, so the sweep is recovered from the data: every leaf of
 * effective_config whose value is not the same in all configurations is a swept parameter.
 */

/** Keys that differ between cycles of one config by design, or that llem adds after hashing. */
const IGNORED_PATHS = new Set(['output_dir', 'runner_type', 'runner_image', 'runner_source']);

/** The GPU model is not in effective_config, but differs between machines: a parameter too. */
export const GPU_PARAMETER_PATH = 'hardware.gpu';

const FRIENDLY_LABELS: Record<string, string> = {
  'pytorch.batch_size': 'batch size',
  'vllm.engine.max_num_seqs': 'max_num_seqs',
  'tensorrt.max_batch_size': 'batch size',
  n: 'prompts',
  max_output_tokens: 'max output tokens',
  max_input_tokens: 'max input tokens',
  [GPU_PARAMETER_PATH]: 'GPU',
};

/** effective_config → leaf path → value. Lists and non-plain values become their JSON text. */
export function flattenConfig(config: unknown, prefix = '', out: Map<string, ParamValue> = new Map()): Map<string, ParamValue> {
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    const entries = Object.entries(config as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [key, value] of entries) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!prefix && IGNORED_PATHS.has(key)) continue;
      flattenConfig(value, path, out);
    }
    return out;
  }
  if (!prefix) return out;
  if (config === null || typeof config === 'string' || typeof config === 'boolean') out.set(prefix, config);
  else if (typeof config === 'number') out.set(prefix, Number.isFinite(config) ? config : String(config));
  else out.set(prefix, JSON.stringify(config) ?? null);
  return out;
}

/**
 * The parameters whose values differ across `configs` (each a flattened config). A path missing in
 * one config counts as null there (`pytorch: null` vs `pytorch.batch_size: 8`).
 */
export function varyingParameters(configs: readonly Map<string, ParamValue>[]): SweepParameter[] {
  if (configs.length < 2) return [];
  const paths = new Set<string>();
  for (const c of configs) for (const p of c.keys()) paths.add(p);
  const out: SweepParameter[] = [];
  for (const path of paths) {
    const distinct = new Map<string, ParamValue>();
    for (const c of configs) {
      const v = c.has(path) ? c.get(path)! : null;
      distinct.set(valueKey(v), v);
    }
    if (distinct.size < 2) continue;
    const values = [...distinct.values()].sort(compareValues);
    out.push({ path, label: '', kind: kindOf(values), values });
  }
  // A parent that is null in one config and an object in another shows up as both `pytorch` and
  // `pytorch.batch_size`; the leaf says it better.
  const leaves = out.filter((p) => !out.some((q) => q.path.startsWith(`${p.path}.`)));
  labelParameters(leaves);
  return leaves.sort((a, b) => b.values.length - a.values.length || a.path.localeCompare(b.path));
}

/** `batch size` for `pytorch.batch_size`: the friendly name, else the last part of the path in words. */
export function baseLabel(p: Pick<SweepParameter, 'path'>): string {
  return FRIENDLY_LABELS[p.path] ?? p.path.split('.').pop()!.replace(/_/g, ' ');
}

/** Short names (`batch size`), full paths only where two shown settings would read alike. */
export function labelParameters(params: SweepParameter[]): void {
  const base = baseLabel;
  const counts = new Map<string, number>();
  for (const p of params) counts.set(base(p), (counts.get(base(p)) ?? 0) + 1);
  // Two paths that end the same (decoder.top_k, vllm.sampling.top_k) keep their full path.
  for (const p of params) p.label = (counts.get(base(p)) ?? 0) > 1 ? p.path : base(p);
}

function valueKey(v: ParamValue): string {
  return `${typeof v}:${String(v)}`;
}

export function compareValues(a: ParamValue, b: ParamValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

function kindOf(values: readonly ParamValue[]): SweepParameter['kind'] {
  const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
  if (kinds.size !== 1) return kinds.size === 0 ? 'string' : 'mixed';
  const only = [...kinds][0];
  return only === 'number' ? 'number' : only === 'boolean' ? 'boolean' : 'string';
}

/** "64", "fp16", "unset" — a value as a person reads it. */
export function formatParamValue(v: ParamValue): string {
  if (v === null) return 'unset';
  if (typeof v === 'number') return String(v);
  return String(v);
}

/** "batch size 64" */
export function describeSetting(param: Pick<SweepParameter, 'label'>, v: ParamValue): string {
  return `${param.label} ${formatParamValue(v)}`;
}
