import type { ConfigView, SweepParameter } from '../../../../../contract/apiResults';
import type { ScopeGroup } from '../scope';
import { wantsLog } from './chartParts';

/** Shown on a category axis for a configuration that does not have the setting (another backend's knob). */
export const NOT_APPLICABLE = 'n/a';

export interface ParallelInput {
  configs: readonly ConfigView[];
  /** The settings shown within the scope (core/api/results/shownParameters.ts): one axis each. */
  parameters: readonly SweepParameter[];
  /** The campaign group of each configuration; with more than one group a "campaign" axis comes first and lines take its colour. */
  groupOf: (c: ConfigView) => ScopeGroup;
  seriesColours: readonly string[];
}

/**
 * Parallel coordinates as data: one axis per setting that varies in the scope (never one per setting some
 * configuration merely lacks), a campaign axis when the scope holds several, then energy per token and throughput.
 * Pure: tests/unit/renderer/resultsCharts.test.ts.
 */
export function parallelOption({ configs, parameters, groupOf, seriesColours }: ParallelInput) {
  const groups: ScopeGroup[] = [];
  for (const c of configs) {
    const g = groupOf(c);
    if (!groups.some((x) => x.key === g.key)) groups.push(g);
  }
  const byCampaign = groups.length > 1;
  const settingAxes = parameters.map((p) => {
    const numeric = p.kind === 'number' && !p.values.includes(null);
    const log = numeric && wantsLog(p.values as number[]);
    return numeric
      ? { name: p.label, type: log ? ('log' as const) : ('value' as const), ...(log ? { logBase: 2 } : {}) }
      : { name: p.label, type: 'category' as const, data: p.values.map((v) => (v === null ? NOT_APPLICABLE : String(v))) };
  });
  const axes = [
    ...(byCampaign ? [{ name: 'campaign', type: 'category' as const, data: groups.map((g) => g.name) }] : []),
    ...settingAxes,
    { name: 'J/token', type: 'value' as const },
    { name: 'tok/s', type: 'value' as const },
  ].map((a, dim) => ({ dim, ...a }));
  const colourOf = (c: ConfigView, i: number) =>
    seriesColours[(byCampaign ? groups.findIndex((g) => g.key === groupOf(c).key) : i) % seriesColours.length]!;
  const data = configs.map((c, i) => ({
    name: byCampaign ? `${c.label} (${groupOf(c).name})` : c.label,
    value: [
      ...(byCampaign ? [groupOf(c).name] : []),
      ...parameters.map((p, k) => {
        const v = c.params[p.path] ?? null;
        return settingAxes[k]!.type !== 'category' ? v : v === null ? NOT_APPLICABLE : String(v);
      }),
      c.metrics.jPerOutputToken.mean,
      c.metrics.tokensPerSecond.mean,
    ],
    lineStyle: { color: colourOf(c, i) },
  }));
  return { axes, data, groups: byCampaign ? groups : [] };
}
