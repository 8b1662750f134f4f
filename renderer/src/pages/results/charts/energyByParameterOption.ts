import type { ConfigView, ResultListRowView, SweepParameter } from '../../../../../contract/apiResults';
import type { ScopeGroup } from '../scope';
import { NOT_APPLICABLE } from './parallelOption';
import { BATCH_PATHS, errorBarSeries, fmt, paramText, referenceSeries, wantsLog } from './chartParts';
import { html, htmlTooltip } from './tooltipHtml';

/**
 * The "energy per token by swept parameter" chart as data (no echarts, no React), so its lines can be tested.
 * `groupBy` splits every line by where its cycles were measured (docs/slurm.md: two GPUs of one model are not
 * interchangeable for energy): each configuration's cycles are partitioned by host or GPU UUID and each part
 * becomes its own point on its own line.
 */
export const PLACEMENT_GROUP_BY = ['none', 'campaign', 'host', 'gpu'] as const;
export type PlacementGroupBy = (typeof PLACEMENT_GROUP_BY)[number];

export const PLACEMENT_GROUP_LABEL: Record<PlacementGroupBy, string> = { none: '—', campaign: 'campaign', host: 'host', gpu: 'GPU' };

export interface EnergyByParameterInput {
  configs: readonly ConfigView[];
  parameters: readonly SweepParameter[];
  param: SweepParameter;
  reference: readonly ResultListRowView[] | null;
  seriesColours: readonly string[];
  groupBy: PlacementGroupBy;
  /** The campaign group of a configuration (renderer/src/pages/results/scope.ts), for groupBy 'campaign'. */
  groupOf?: (c: ConfigView) => ScopeGroup;
}

/** One point: a configuration, or with a grouping the part of its cycles measured on one host / GPU. */
export interface EnergyPoint {
  config: ConfigView;
  /** The host or GPU UUID(s) of this part; null when ungrouped. */
  placement: string | null;
  mean: number;
  /** 95 % CI of the configuration's mean; only ungrouped (a part's cycles are too few for one). */
  ci95: [number, number] | null;
  cycles: number;
}

const NOT_RECORDED = 'not recorded';

/** The legend's name for a placement: UUIDs shortened (the tooltip has them whole). */
export function placementName(groupBy: PlacementGroupBy, placement: string): string {
  if (groupBy === 'host' || groupBy === 'campaign' || placement === NOT_RECORDED) return placement;
  return placement
    .split(',')
    .map((u) => (u.length > 16 ? `${u.slice(0, 16)}…` : u))
    .join(', ');
}

function pointsOf(c: ConfigView, groupBy: PlacementGroupBy, groupOf?: (c: ConfigView) => ScopeGroup): EnergyPoint[] {
  const m = c.metrics.jPerOutputToken;
  if (groupBy === 'none' || groupBy === 'campaign') {
    if (m.mean === null) return [];
    // A campaign holds whole configurations: the point keeps its confidence interval.
    const placement = groupBy === 'campaign' ? (groupOf?.(c).name ?? null) : null;
    return [{ config: c, placement, mean: m.mean, ci95: m.ci95Low !== null && m.ci95High !== null ? [m.ci95Low, m.ci95High] : null, cycles: c.cycles }];
  }
  const parts = new Map<string, number[]>();
  for (const v of c.cycleValues) {
    if (v.jPerOutputToken === null) continue;
    const where = (groupBy === 'host' ? v.host : v.gpuUuid) ?? NOT_RECORDED;
    const list = parts.get(where);
    if (list) list.push(v.jPerOutputToken);
    else parts.set(where, [v.jPerOutputToken]);
  }
  return [...parts.entries()].map(([placement, values]) => ({
    config: c,
    placement,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    ci95: null,
    cycles: values.length,
  }));
}

export function energyByParameterOption({ configs, parameters, param, reference, seriesColours, groupBy, groupOf }: EnergyByParameterInput) {
  const others = parameters.filter((p) => p.path !== param.path);
  const numeric = param.kind === 'number' && !param.values.includes(null);
  const lines = new Map<string, EnergyPoint[]>();
  for (const c of configs) {
    // A setting this configuration does not have (another backend's knob) names no line.
    const line = others.filter((p) => (c.params[p.path] ?? null) !== null).map((p) => paramText(p, c.params[p.path] ?? null)).join(' · ') || c.model;
    for (const point of pointsOf(c, groupBy, groupOf)) {
      const name = point.placement === null ? line : `${line} · ${PLACEMENT_GROUP_LABEL[groupBy]} ${placementName(groupBy, point.placement)}`;
      const list = lines.get(name);
      if (list) list.push(point);
      else lines.set(name, [point]);
    }
  }
  const xOf = (c: ConfigView) => {
    const v = c.params[param.path] ?? null;
    return numeric ? (v as number) : v === null ? NOT_APPLICABLE : String(v);
  };
  const order = (c: ConfigView) => param.values.indexOf(c.params[param.path] ?? null);
  const series: Record<string, unknown>[] = [];
  [...lines.entries()].forEach(([name, points], i) => {
    const colour = seriesColours[i % seriesColours.length]!;
    const sorted = [...points].sort((a, b) => order(a.config) - order(b.config));
    series.push({
      id: `mean-${i}`,
      name,
      type: 'line',
      symbol: 'circle',
      symbolSize: 8,
      itemStyle: { color: colour },
      lineStyle: { color: colour },
      data: sorted.map((p) => ({ value: [xOf(p.config), p.mean], config: p.config, point: p })),
    });
    const bars = sorted.filter((p) => p.ci95 !== null).map((p) => [xOf(p.config), p.ci95![0], p.ci95![1]]);
    if (bars.length > 0) series.push(errorBarSeries(`ci-${i}`, name, bars, colour));
  });
  const refRows = reference && BATCH_PATHS.has(param.path) ? reference.filter((r) => r.batch_size !== null && r.avg_energy_per_token_j !== null) : [];
  series.push(...referenceSeries(refRows, seriesColours, (r) => [numeric ? r.batch_size : String(r.batch_size), r.avg_energy_per_token_j]));
  const ys = [...lines.values()].flat().map((p) => p.mean).concat(refRows.map((r) => r.avg_energy_per_token_j ?? NaN));
  const xs = numeric ? (param.values as number[]) : [];
  return {
    lines: lines.size,
    tooltip: {
      trigger: 'item',
      formatter: htmlTooltip((p: { seriesName: string; data: { value: [unknown, number]; point?: EnergyPoint; row?: ResultListRowView } }) => {
      const point = p.data.point;
      if (point) {
        const where = point.placement === null ? '' : html`<br/>${PLACEMENT_GROUP_LABEL[groupBy]} ${point.placement}`;
        const ci = point.ci95 ? html` (95 % CI ${fmt(point.ci95[0])}–${fmt(point.ci95[1])})` : '';
        return html`${point.config.label}${where}<br/>${fmt(point.mean)} J/token${ci}<br/>${point.cycles} cycle(s)`;
      }
      const r = p.data.row;
        return r ? html`${p.seriesName}<br/>${r.model} on ${r.gpu_name ?? '?'}<br/>batch ${r.batch_size}: ${fmt(r.avg_energy_per_token_j)} J/token` : '';
      }),
    },
    xAxis: {
      type: numeric ? (wantsLog(xs) ? 'log' : 'value') : 'category',
      // Log axes end at the data: echarts would otherwise round up to the next power of 2^10.
      ...(numeric ? { logBase: 2, min: 'dataMin', max: 'dataMax' } : { data: param.values.map((v) => (v === null ? NOT_APPLICABLE : String(v))) }),
      name: param.label,
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: { type: wantsLog(ys, 20) ? 'log' : 'value', name: 'Energy per output token (J/token)', nameLocation: 'end' },
    series,
  };
}
