import { MenuItem, TextField } from '@mui/material';
import { useMemo, useState } from 'react';
import type { ConfigView, ResultListRowView, SweepParameter } from '../../../../../contract/apiResults';
import { axisStyle, baseOption, EChart, useChartColours } from '../../../components/EChart';
import { ChartCard, ChartEmpty } from './ChartCard';
import { BATCH_PATHS, errorBarSeries, fmt, paramText, referenceSeries, wantsLog } from './chartParts';
import { html, htmlTooltip } from './tooltipHtml';

interface Props {
  configs: ConfigView[];
  parameters: SweepParameter[];
  reference: ResultListRowView[] | null;
  /** A click on a configuration's point: "Explain this number" for its energy per output token. */
  onExplain?: (config: ConfigView) => void;
}

/** Energy per output token against one swept parameter, one line per combination of the others, ± 95 % CI. */
export function EnergyByParameterChart({ configs, parameters, reference, onExplain }: Props) {
  const colours = useChartColours();
  const [chosen, setChosen] = useState<string | null>(null);
  const param = parameters.find((p) => p.path === chosen) ?? parameters[0];

  const view = useMemo(() => {
    if (!param) return null;
    const others = parameters.filter((p) => p !== param);
    const numeric = param.kind === 'number' && !param.values.includes(null);
    const groups = new Map<string, ConfigView[]>();
    for (const c of configs) {
      if (c.metrics.jPerOutputToken.mean === null) continue;
      const key = others.map((p) => paramText(p, c.params[p.path] ?? null)).join(' · ') || c.model;
      const list = groups.get(key);
      if (list) list.push(c);
      else groups.set(key, [c]);
    }
    const xOf = (c: ConfigView) => {
      const v = c.params[param.path] ?? null;
      return numeric ? (v as number) : v === null ? 'unset' : String(v);
    };
    const series: Record<string, unknown>[] = [];
    [...groups.entries()].forEach(([name, members], i) => {
      const colour = colours.series[i % colours.series.length]!;
      const sorted = [...members].sort((a, b) => param.values.indexOf(a.params[param.path] ?? null) - param.values.indexOf(b.params[param.path] ?? null));
      series.push({
        id: `mean-${i}`,
        name,
        type: 'line',
        symbol: 'circle',
        symbolSize: 8,
        itemStyle: { color: colour },
        lineStyle: { color: colour },
        data: sorted.map((c) => ({ value: [xOf(c), c.metrics.jPerOutputToken.mean], config: c })),
      });
      series.push(
        errorBarSeries(
          `ci-${i}`,
          name,
          sorted.filter((c) => c.metrics.jPerOutputToken.ci95Low !== null).map((c) => [xOf(c), c.metrics.jPerOutputToken.ci95Low, c.metrics.jPerOutputToken.ci95High]),
          colour,
        ),
      );
    });
    const refRows = reference && BATCH_PATHS.has(param.path) ? reference.filter((r) => r.batch_size !== null && r.avg_energy_per_token_j !== null) : [];
    series.push(...referenceSeries(refRows, colours.series, (r) => [numeric ? r.batch_size : String(r.batch_size), r.avg_energy_per_token_j]));
    const ys = configs.map((c) => c.metrics.jPerOutputToken.mean ?? NaN).concat(refRows.map((r) => r.avg_energy_per_token_j ?? NaN));
    const xs = numeric ? (param.values as number[]) : [];
    return {
      option: {
        ...baseOption(colours),
        grid: { left: 64, right: 24, top: 48, bottom: 48 },
        tooltip: {
          ...(baseOption(colours).tooltip as object),
          trigger: 'item',
          formatter: htmlTooltip((p: { seriesName: string; data: { value: [unknown, number]; config?: ConfigView; row?: ResultListRowView } }) => {
            const c = p.data.config;
            if (c) {
              const m = c.metrics.jPerOutputToken;
              return html`${c.label}<br/>${fmt(m.mean)} J/token${m.ci95Low !== null ? html` (95 % CI ${fmt(m.ci95Low)}–${fmt(m.ci95High)})` : ''}<br/>${c.cycles} cycle(s)`;
            }
            const r = p.data.row;
            return r ? html`${p.seriesName}<br/>${r.model} on ${r.gpu_name ?? '?'}<br/>batch ${r.batch_size}: ${fmt(r.avg_energy_per_token_j)} J/token` : '';
          }),
        },
        xAxis: {
          type: numeric ? (wantsLog(xs) ? 'log' : 'value') : 'category',
          // Log axes end at the data: echarts would otherwise round up to the next power of 2^10.
          ...(numeric ? { logBase: 2, min: 'dataMin', max: 'dataMax' } : { data: param.values.map((v) => (v === null ? 'unset' : String(v))) }),
          name: param.label,
          nameLocation: 'middle',
          nameGap: 28,
          ...axisStyle(colours),
        },
        yAxis: { type: wantsLog(ys, 20) ? 'log' : 'value', name: 'Energy per output token (J/token)', nameLocation: 'end', ...axisStyle(colours) },
        series,
      },
      groups: groups.size,
    };
  }, [configs, parameters, param, reference, colours]);

  return (
    <ChartCard
      title="Energy per token by swept parameter"
      testId="chart-energy-by-parameter"
      controls={
        parameters.length > 1 && param ? (
          <TextField select size="small" label="Parameter" value={param.path} onChange={(e) => setChosen(e.target.value)} sx={{ minWidth: 180 }}>
            {parameters.map((p) => (
              <MenuItem key={p.path} value={p.path}>
                {p.label}
              </MenuItem>
            ))}
          </TextField>
        ) : null
      }
      caption={param ? `Mean across cycles with 95 % confidence intervals; one line per combination of the other swept settings${reference ? '. Triangles: published reference data (batch = max_num_seqs), not measured here' : ''}.` : undefined}
    >
      {view && param ? (
        <EChart
          option={view.option}
          testId="energy-by-parameter"
          ariaLabel={`Energy per output token against ${param.label}, ${view.groups} line(s); click a point to explain its figure`}
          onPointClick={(p) => {
            const config = (p.data as { config?: ConfigView } | null)?.config;
            if (config) onExplain?.(config);
          }}
        />
      ) : (
        <ChartEmpty>All results share one configuration, so nothing was swept. Import or run results that differ in a setting (for example batch size) to see its effect.</ChartEmpty>
      )}
    </ChartCard>
  );
}
