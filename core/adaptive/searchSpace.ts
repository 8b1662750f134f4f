import type { CampaignPlan, RunPlanItem } from '../runner/runPlan';
import type { Candidate, Dimension } from './protocol';

/**
 * The adaptive search space of a planned campaign: its valid configurations only (the campaign model has already
 * expanded the sweep and the explicit experiments and excluded what llem rejects), described by the config fields
 * that differ between them. A field whose values are all numbers is ordinal (batch sizes, token counts); any other
 * is categorical (engines, precisions, models). Each candidate's key is its measurement config hash.
 */
export interface SearchSpace {
  dimensions: Dimension[];
  candidates: Candidate[];
  /** One plan item per candidate key (the first occurrence when the grid repeats a config in cycles). */
  items: Map<string, RunPlanItem>;
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
}

export function searchSpaceOf(plan: Pick<CampaignPlan, 'runs'>): SearchSpace {
  const items = new Map<string, RunPlanItem>();
  for (const r of plan.runs) if (!items.has(r.measurementConfigHash)) items.set(r.measurementConfigHash, r);
  if (items.size === 0) throw new Error('The campaign has no valid configuration to search.');
  const flat = new Map<string, Map<string, string>>();
  for (const [key, item] of items) {
    const fields = new Map<string, string>();
    flatten(JSON.parse(item.configJson) as unknown, '', fields);
    flat.set(key, fields);
  }
  const names = new Set<string>();
  for (const f of flat.values()) for (const n of f.keys()) names.add(n);
  const dimensions: Dimension[] = [];
  for (const name of [...names].sort()) {
    // A field missing from some configs is a value of its own ("absent"), so explicit experiments with different
    // shapes stay distinguishable.
    const values = [...flat.values()].map((f) => f.get(name) ?? 'absent');
    const distinct = [...new Set(values)];
    if (distinct.length < 2) continue;
    const numeric = distinct.every((v) => v !== 'absent' && typeof JSON.parse(v) === 'number');
    const choices = numeric ? distinct.sort((a, b) => Number(JSON.parse(a)) - Number(JSON.parse(b))) : distinct.sort();
    dimensions.push({ name, kind: numeric ? 'ordinal' : 'categorical', choices });
  }
  if (dimensions.length === 0) {
    // A single configuration: still a valid (trivial) space, one dimension with one choice.
    dimensions.push({ name: 'config', kind: 'categorical', choices: [...items.keys()] });
    return { dimensions, candidates: [...items.keys()].map((key) => ({ key, params: { config: key } })), items };
  }
  const candidates = [...flat.entries()].map(([key, f]) => ({
    key,
    params: Object.fromEntries(dimensions.map((d) => [d.name, f.get(d.name) ?? 'absent'])),
  }));
  return { dimensions, candidates, items };
}
