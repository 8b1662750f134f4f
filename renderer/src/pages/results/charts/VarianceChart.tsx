import { useMemo } from 'react';
import type { ConfigView } from '../../../../../contract/apiResults';
import { axisStyle, baseOption, EChart, useChartColours } from '../../../components/EChart';
import { ChartCard, ChartEmpty } from './ChartCard';
import type { ScopeGroup } from '../scope';
import { errorBarSeries, fmt } from './chartParts';
import { html, htmlTooltip } from './tooltipHtml';

/** Every configuration's cycles: the individual values, their mean and its 95 % confidence interval. */
export function VarianceChart({ configs, groupOf }: { configs: ConfigView[]; groupOf: (c: ConfigView) => ScopeGroup }) {
  const colours = useChartColours();
  const measured = useMemo(() => configs.filter((c) => c.metrics.jPerOutputToken.mean !== null), [configs]);
  const option = useMemo(() => {
    const labels = measured.map((c) => c.label);
    // With several campaigns in scope, each campaign's means are a series of their own colour (and legend entry).
    const groups = scopeGroupsOf(measured, groupOf);
    const byCampaign = groups.length > 1;
    const highVariance = (c: ConfigView) => c.flags.highVariance.includes('jPerOutputToken');
    return {
      ...baseOption(colours),
      // Horizontal: configuration labels are long, and read best on the left, one per line.
      grid: { left: 16, right: 24, top: 40, bottom: 40, containLabel: true },
      legend: { ...(baseOption(colours).legend as object), show: byCampaign },
      tooltip: {
        ...(baseOption(colours).tooltip as object),
        trigger: 'item',
        formatter: htmlTooltip((p: { seriesId: string; data: { config: ConfigView; value: [number, number] } }) => {
          const c = p.data.config;
          const m = c.metrics.jPerOutputToken;
          const campaign = byCampaign ? html` (${groupOf(c).name})` : '';
          if (p.seriesId === 'cycles') return html`${c.label}${campaign}<br/>one cycle: ${fmt(p.data.value[0])} J/token`;
          return html`${c.label}${campaign}<br/>mean ${fmt(m.mean)} J/token over ${m.n} cycle(s)${m.ci95Low !== null ? html`<br/>95 % CI ${fmt(m.ci95Low)}–${fmt(m.ci95High)}` : ''}${
            m.cv !== null ? html`<br/>CV ${(m.cv * 100).toFixed(1)} %${highVariance(c) ? ' (high)' : ''}` : ''
          }`;
        }),
      },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { ...axisStyle(colours).axisLabel, width: 190, overflow: 'truncate' }, axisLine: axisStyle(colours).axisLine },
      xAxis: { type: 'value', name: 'Energy per output token (J/token)', nameLocation: 'middle', nameGap: 26, scale: true, ...axisStyle(colours) },
      series: [
        errorBarSeries(
          'ci',
          '95 % CI of the mean',
          // Category index, not label: two configurations may read alike.
          measured.map((c, i) => [i, c.metrics.jPerOutputToken.ci95Low, c.metrics.jPerOutputToken.ci95High]).filter((d) => d[1] !== null),
          colours.text,
          true,
        ),
        ...groups.map((g, k) => {
          const colour = byCampaign ? colours.series[(k + 5) % colours.series.length]! : colours.series[0]!;
          return {
            id: byCampaign ? `mean-${k}` : 'mean',
            name: byCampaign ? `Mean · ${g.name}` : 'Mean',
            type: 'scatter',
            symbolSize: 11,
            itemStyle: { color: colour },
            data: measured
              .map((c, i) => ({ c, i }))
              .filter(({ c }) => groupOf(c).key === g.key)
              .map(({ c, i }) => ({
                value: [c.metrics.jPerOutputToken.mean, i],
                config: c,
                // High variance: a different shape (and, in one campaign, colour): never colour alone.
                symbol: highVariance(c) ? 'diamond' : 'circle',
                itemStyle: { color: highVariance(c) && !byCampaign ? colours.series[3] : colour },
              })),
          };
        }),
        {
          id: 'cycles',
          name: 'Cycles',
          type: 'scatter',
          symbolSize: 6,
          itemStyle: { color: 'transparent', borderColor: colours.series[1], borderWidth: 1.5 },
          data: measured.flatMap((c, i) => c.cycleValues.filter((v) => v.jPerOutputToken !== null).map((v) => ({ value: [v.jPerOutputToken, i], config: c }))),
        },
      ],
    };
  }, [measured, colours, groupOf]);

  return (
    <ChartCard
      title="Variance across cycles"
      testId="chart-variance"
      caption="Hollow circles: single cycles. Filled: mean with its 95 % confidence interval (Student t). Diamonds: coefficient of variation above the threshold — run more cycles or check the machine."
    >
      {measured.length > 0 ? (
        <EChart option={option} height={Math.min(560, Math.max(320, 80 + 30 * measured.length))} testId="variance" ariaLabel={`Energy per output token of each cycle for ${measured.length} configurations`} />
      ) : (
        <ChartEmpty>No configuration has an energy measurement.</ChartEmpty>
      )}
    </ChartCard>
  );
}

/** The campaign groups among `configs`, in first-seen order. */
function scopeGroupsOf(configs: readonly ConfigView[], groupOf: (c: ConfigView) => ScopeGroup): ScopeGroup[] {
  const out: ScopeGroup[] = [];
  for (const c of configs) {
    const g = groupOf(c);
    if (!out.some((x) => x.key === g.key)) out.push(g);
  }
  return out;
}
