import type { AdaptivePoint, AdaptiveView } from '../../../../contract/apiAdaptive';
import { html, htmlTooltip } from '../results/charts/tooltipHtml';

/**
 * The Runs page's "front as it forms" chart as plain data (Superset's transformProps pattern; tested in
 * tests/unit/renderer/adaptiveFrontOption.test.ts). Two objectives: energy per output token against the second
 * one, the front's points joined in order, runs over a constraint marked apart. One objective: its value per run.
 * Failed runs have no values to place; the caption counts them.
 */
export interface FrontColours {
  text: string;
  subtleText: string;
  axis: string;
  grid: string;
  series: string[];
}

export interface FrontDatum {
  value: [number, number];
  runIndex: number;
  label: string;
}

export interface FrontChartData {
  xName: string;
  yName: string;
  front: FrontDatum[];
  measured: FrontDatum[];
  infeasible: FrontDatum[];
  /** Runs with no values to place: failed, or not finished yet. */
  failed: number;
  pending: number;
}

const axisName = (m: { label: string; unit: string }): string => `${m.label[0]!.toUpperCase()}${m.label.slice(1)} (${m.unit})`;

export function frontChartData(view: AdaptiveView): FrontChartData {
  const two = view.objectives.length === 2;
  const datum = (p: AdaptivePoint & { values: number[] }): FrontDatum => ({
    value: two ? [p.values[0]!, p.values[1]!] : [p.runIndex + 1, p.values[0]!],
    runIndex: p.runIndex,
    label: p.label,
  });
  const placed = view.points.filter((p): p is AdaptivePoint & { values: number[] } => p.values !== null && p.outcome !== null && p.outcome !== 'failed');
  return {
    xName: two ? axisName(view.objectives[0]!) : 'Run',
    yName: axisName(two ? view.objectives[1]! : view.objectives[0]!),
    front: placed.filter((p) => p.onFront).map(datum).sort((a, b) => a.value[0] - b.value[0]),
    measured: placed.filter((p) => !p.onFront && p.outcome === 'feasible').map(datum),
    infeasible: placed.filter((p) => p.outcome === 'violates').map(datum),
    failed: view.points.filter((p) => p.outcome === 'failed').length,
    pending: view.points.filter((p) => p.outcome === null).length,
  };
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));

export function adaptiveFrontOption(view: AdaptiveView, c: FrontColours): Record<string, unknown> {
  const d = frontChartData(view);
  const axis = {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.subtleText, fontSize: 12 },
    nameTextStyle: { color: c.subtleText, fontSize: 12 },
    splitLine: { lineStyle: { color: c.grid } },
  };
  return {
    grid: { left: 72, right: 24, top: 40, bottom: 56 },
    legend: { top: 0, textStyle: { color: c.text, fontSize: 12 } },
    xAxis: { type: 'value', name: d.xName, nameLocation: 'middle', nameGap: 32, scale: true, minInterval: view.objectives.length === 2 ? 0 : 1, ...axis },
    yAxis: { type: 'value', name: d.yName, nameLocation: 'middle', nameGap: 56, scale: true, ...axis },
    tooltip: {
      trigger: 'item',
      formatter: htmlTooltip((p: { seriesName: string; data: FrontDatum }) =>
        html`Run ${p.data.runIndex + 1}: ${p.data.label}<br/>${d.xName}: ${fmt(p.data.value[0])}<br/>${d.yName}: ${fmt(p.data.value[1])}<br/>${p.seriesName}`,
      ),
    },
    series: [
      {
        id: 'front',
        name: 'Front',
        type: 'line',
        data: d.front,
        symbol: 'diamond',
        symbolSize: 12,
        lineStyle: { color: c.series[2], width: 2 },
        itemStyle: { color: c.series[2] },
        z: 3,
      },
      { id: 'measured', name: 'Measured', type: 'scatter', data: d.measured, symbol: 'circle', symbolSize: 9, itemStyle: { color: c.series[1] } },
      {
        id: 'infeasible',
        name: 'Over a constraint',
        type: 'scatter',
        data: d.infeasible,
        symbol: 'triangle',
        symbolSize: 11,
        itemStyle: { color: c.series[5] ?? c.series[0], borderColor: c.text, borderWidth: 1 },
      },
    ],
  };
}
