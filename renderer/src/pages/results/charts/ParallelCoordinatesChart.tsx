import { useMemo } from 'react';
import type { ConfigView, SweepParameter } from '../../../../../contract/apiResults';
import { baseOption, EChart, useChartColours } from '../../../components/EChart';
import { ChartCard, ChartEmpty } from './ChartCard';
import { wantsLog } from './chartParts';
import { html, htmlTooltip } from './tooltipHtml';

/** One line per configuration across every swept parameter and the resulting energy and throughput. */
export function ParallelCoordinatesChart({ configs, parameters }: { configs: ConfigView[]; parameters: SweepParameter[] }) {
  const colours = useChartColours();
  const option = useMemo(() => {
    const axes = parameters.map((p, i) => {
      const numeric = p.kind === 'number' && !p.values.includes(null);
      return numeric
        ? { dim: i, name: p.label, type: wantsLog(p.values as number[]) ? ('log' as const) : ('value' as const), ...(wantsLog(p.values as number[]) ? { logBase: 2 } : {}) }
        : { dim: i, name: p.label, type: 'category' as const, data: p.values.map((v) => (v === null ? 'unset' : String(v))) };
    });
    const n = parameters.length;
    const axisCommon = {
      nameTextStyle: { color: colours.text },
      axisLine: { lineStyle: { color: colours.subtleText } },
      axisLabel: { color: colours.subtleText },
    };
    return {
      ...baseOption(colours),
      legend: { show: false },
      parallel: { left: 48, right: 96, top: 48, bottom: 32, parallelAxisDefault: axisCommon },
      parallelAxis: [...axes, { dim: n, name: 'J/token' }, { dim: n + 1, name: 'tok/s' }],
      tooltip: { ...(baseOption(colours).tooltip as object), trigger: 'item', formatter: htmlTooltip((p: { data: { name: string } }) => html`${p.data.name}`) },
      series: [
        {
          id: 'configs',
          name: 'Configurations',
          type: 'parallel',
          lineStyle: { width: 2, opacity: 0.7 },
          data: configs.map((c, i) => ({
            name: c.label,
            value: [
              ...parameters.map((p, k) => {
                const v = c.params[p.path] ?? null;
                return axes[k]!.type !== 'category' ? v : v === null ? 'unset' : String(v);
              }),
              c.metrics.jPerOutputToken.mean,
              c.metrics.tokensPerSecond.mean,
            ],
            lineStyle: { color: colours.series[i % colours.series.length] },
          })),
        },
      ],
    };
  }, [configs, parameters, colours]);

  return (
    <ChartCard title="Parallel coordinates" testId="chart-parallel" caption="Each line is one configuration: its swept settings, then its mean energy per output token (J/token) and throughput (tok/s, input + output). Drag along an axis to filter.">
      {parameters.length > 0 && configs.length > 1 ? (
        <EChart option={option} testId="parallel" ariaLabel={`Parallel coordinates of ${configs.length} configurations over ${parameters.length} swept parameters`} />
      ) : (
        <ChartEmpty>Needs at least two configurations that differ in a setting.</ChartEmpty>
      )}
    </ChartCard>
  );
}
