import { useMemo } from 'react';
import type { ConfigView, SweepParameter } from '../../../../../contract/apiResults';
import { baseOption, EChart, useChartColours } from '../../../components/EChart';
import { ChartCard, ChartEmpty } from './ChartCard';
import type { ScopeGroup } from '../scope';
import { parallelOption, NOT_APPLICABLE } from './parallelOption';
import { html, htmlTooltip } from './tooltipHtml';

/** One line per configuration across every swept parameter and the resulting energy and throughput. */
export function ParallelCoordinatesChart({ configs, parameters, groupOf }: { configs: ConfigView[]; parameters: SweepParameter[]; groupOf: (c: ConfigView) => ScopeGroup }) {
  const colours = useChartColours();
  const built = useMemo(() => parallelOption({ configs, parameters, groupOf, seriesColours: colours.series }), [configs, parameters, groupOf, colours]);
  const option = useMemo(() => {
    const axisCommon = {
      nameTextStyle: { color: colours.text },
      axisLine: { lineStyle: { color: colours.subtleText } },
      axisLabel: { color: colours.subtleText },
    };
    return {
      ...baseOption(colours),
      legend: { show: false },
      parallel: { left: 48, right: 96, top: 48, bottom: 32, parallelAxisDefault: axisCommon },
      parallelAxis: built.axes,
      tooltip: { ...(baseOption(colours).tooltip as object), trigger: 'item', formatter: htmlTooltip((p: { data: { name: string } }) => html`${p.data.name}`) },
      series: [{ id: 'configs', name: 'Configurations', type: 'parallel', lineStyle: { width: 2, opacity: 0.7 }, data: built.data }],
    };
  }, [built, colours]);

  return (
    <ChartCard
      title="Parallel coordinates"
      testId="chart-parallel"
      caption={`Each line is one configuration: ${built.groups.length > 1 ? 'its campaign (lines coloured by campaign), ' : ''}the settings that vary in the scope (${NOT_APPLICABLE}: a setting this configuration does not have), then its mean energy per output token (J/token) and throughput (tok/s, input + output). Drag along an axis to filter.`}
    >
      {parameters.length > 0 && configs.length > 1 ? (
        <EChart option={option} testId="parallel" ariaLabel={`Parallel coordinates of ${configs.length} configurations over ${built.axes.length} axes`} />
      ) : (
        <ChartEmpty>Needs at least two configurations that differ in a setting.</ChartEmpty>
      )}
    </ChartCard>
  );
}
