import { ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useMemo, useState } from 'react';
import type { ConfigView, ResultListRowView } from '../../../../../contract/apiResults';
import { axisStyle, baseOption, EChart, useChartColours } from '../../../components/EChart';
import { ChartCard, ChartEmpty } from './ChartCard';
import type { ScopeGroup } from '../scope';
import { fmt, referenceSeries, wantsLog } from './chartParts';
import { html, htmlTooltip } from './tooltipHtml';

interface Props {
  configs: ConfigView[];
  fronts: { energyLatency: string[]; energyThroughput: string[] };
  reference: ResultListRowView[] | null;
  /** A click on a configuration's point: "Explain this number" for its energy per output token. */
  onExplain?: (config: ConfigView) => void;
  /** The campaign group of a configuration: with several in scope, each is a series of its own colour. */
  groupOf: (c: ConfigView) => ScopeGroup;
}

type Mode = 'throughput' | 'latency';

/** Latency or throughput against energy per token, the Pareto front drawn and its configurations enlarged. */
export function ParetoChart({ configs, fronts, reference, onExplain, groupOf }: Props) {
  const colours = useChartColours();
  const [mode, setMode] = useState<Mode>('throughput');

  const view = useMemo(() => {
    const xMetric = mode === 'throughput' ? 'outputTokensPerSecond' : 'latencyPerRequestS';
    const frontKeys = mode === 'throughput' ? fronts.energyThroughput : fronts.energyLatency;
    const onFront = new Set(frontKeys);
    const points = configs.filter((c) => c.metrics[xMetric].mean !== null && c.metrics.jPerOutputToken.mean !== null);
    const byKey = new Map(points.map((c) => [c.groupKey, c]));
    const frontConfigs = frontKeys.map((k) => byKey.get(k)).filter((c): c is ConfigView => c !== undefined);
    const point = (c: ConfigView) => ({ value: [c.metrics[xMetric].mean, c.metrics.jPerOutputToken.mean], config: c });
    const refRows = mode === 'throughput' && reference ? reference.filter((r) => r.output_tokens_per_second !== null && r.avg_energy_per_token_j !== null) : [];
    const groups: ScopeGroup[] = [];
    for (const c of points) if (!groups.some((g) => g.key === groupOf(c).key)) groups.push(groupOf(c));
    const byCampaign = groups.length > 1;
    const series: Record<string, unknown>[] = [
      ...(byCampaign ? groups : [null]).map((g, k) => ({
        id: g ? `configs-${k}` : 'configs',
        name: g ? g.name : 'Configurations',
        type: 'scatter',
        symbolSize: 9,
        itemStyle: { color: colours.series[g ? (k + 5) % colours.series.length : 0] },
        data: points.filter((c) => !onFront.has(c.groupKey) && (!g || groupOf(c).key === g.key)).map(point),
      })),
      {
        id: 'front',
        name: 'Pareto front',
        type: 'line',
        symbol: 'diamond',
        symbolSize: 14,
        itemStyle: { color: colours.series[3] },
        lineStyle: { color: colours.series[3], width: 2, type: 'dashed' },
        data: frontConfigs.map(point),
      },
    ];
    series.push(...referenceSeries(refRows, colours.series, (r) => [r.output_tokens_per_second, r.avg_energy_per_token_j]));
    const xs = points.map((c) => c.metrics[xMetric].mean!).concat(refRows.map((r) => r.output_tokens_per_second!));
    const ys = points.map((c) => c.metrics.jPerOutputToken.mean!).concat(refRows.map((r) => r.avg_energy_per_token_j!));
    return {
      count: points.length,
      option: {
        ...baseOption(colours),
        grid: { left: 64, right: 24, top: 48, bottom: 48 },
        tooltip: {
          ...(baseOption(colours).tooltip as object),
          trigger: 'item',
          formatter: htmlTooltip((p: { seriesName: string; seriesId: string; data: { config?: ConfigView; row?: ResultListRowView } }) => {
            const c = p.data.config;
            if (c) {
              return html`${c.label} (${groupOf(c).name})${p.seriesId === 'front' ? ' (on the Pareto front)' : ''}<br/>${fmt(c.metrics.jPerOutputToken.mean)} J/token<br/>${
                mode === 'throughput' ? `${fmt(c.metrics.outputTokensPerSecond.mean)} output tok/s` : `${fmt(c.metrics.latencyPerRequestS.mean)} s per request`
              }<br/>Quality ${c.quality.grade}${c.quality.caveats.length > 0 ? `: ${c.quality.caveats.join('; ')}` : ''}`;
            }
            const r = p.data.row;
            return r ? html`${p.seriesName}<br/>${r.model} on ${r.gpu_name ?? '?'}, batch ${r.batch_size ?? '?'}<br/>${fmt(r.avg_energy_per_token_j)} J/token, ${fmt(r.output_tokens_per_second)} output tok/s` : '';
          }),
        },
        xAxis: {
          type: wantsLog(xs, 50) ? 'log' : 'value',
          name: mode === 'throughput' ? 'Output throughput (tok/s) — higher is better' : 'Latency per request (s) — lower is better',
          nameLocation: 'middle',
          nameGap: 28,
          scale: true,
          ...axisStyle(colours),
        },
        yAxis: { type: wantsLog(ys, 20) ? 'log' : 'value', name: 'Energy per output token (J/token)', scale: true, ...axisStyle(colours) },
        series,
      },
    };
  }, [configs, fronts, reference, mode, colours, groupOf]);

  return (
    <ChartCard
      title="Energy against speed, with the Pareto front"
      testId="chart-pareto"
      controls={
        <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_e, v: Mode | null) => v && setMode(v)} aria-label="Speed measure">
          <ToggleButton value="throughput">Throughput</ToggleButton>
          <ToggleButton value="latency">Latency</ToggleButton>
        </ToggleButtonGroup>
      }
      caption={`Diamonds on the dashed line: configurations no other beats on both energy and ${mode === 'throughput' ? 'throughput' : 'latency'}. Click a point to explain its figure.${
        reference && mode === 'latency' ? ' Reference data publishes no per-request latency; switch to Throughput to see it.' : reference ? ' Triangles: published reference data, not measured here.' : ''
      }`}
    >
      {view.count > 0 ? (
        <EChart
          option={view.option}
          testId="pareto"
          ariaLabel={`Energy per output token against ${mode} for ${view.count} configurations; click a point to explain its figure`}
          onPointClick={(p) => {
            const config = (p.data as { config?: ConfigView } | null)?.config;
            if (config) onExplain?.(config);
          }}
        />
      ) : (
        <ChartEmpty>No configuration has both an energy and a {mode} figure yet.</ChartEmpty>
      )}
    </ChartCard>
  );
}
