import { Alert, CircularProgress, ToggleButton, ToggleButtonGroup } from '@mui/material';
import { useMemo, useState } from 'react';
import type { TimelineView } from '../../../../../contract/apiResults';
import { axisStyle, baseOption, EChart, useChartColours } from '../../../components/EChart';
import { useQuery } from '../../../api/queries';
import { ChartCard, ChartEmpty } from './ChartCard';
import { fmt } from './chartParts';

/** One run's power (or temperature) over time, reduced by the core to about one point per pixel. */
export function PowerTimelineChart({ resultId, label }: { resultId: number | null; label: string | null }) {
  const colours = useChartColours();
  const [metric, setMetric] = useState<TimelineView['metric']>('power_w');
  const query = useQuery('results.timeline', resultId === null ? null : { resultId, metric, width: 1200 });
  const tl = query.data;

  const option = useMemo(() => {
    if (!tl || tl.t.length === 0) return null;
    const band = tl.min && tl.max;
    const name = metric === 'power_w' ? `Power (${tl.unit})` : `Temperature (${tl.unit})`;
    return {
      ...baseOption(colours),
      grid: { left: 64, right: 24, top: 48, bottom: 72 },
      tooltip: { ...(baseOption(colours).tooltip as object), trigger: 'axis', valueFormatter: (v: number) => `${fmt(v)} ${tl.unit}` },
      xAxis: { type: 'value', name: 'Time since the first sample (s)', nameLocation: 'middle', nameGap: 28, min: 'dataMin', max: 'dataMax', ...axisStyle(colours) },
      yAxis: { type: 'value', name, scale: true, ...axisStyle(colours) },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [
        ...(band
          ? [
              { id: 'band-low', name: 'min', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false }, data: tl.t.map((t, i) => [t, tl.min![i]]) },
              {
                id: 'band-range',
                name: 'min–max',
                type: 'line',
                stack: 'band',
                symbol: 'none',
                lineStyle: { opacity: 0 },
                areaStyle: { color: colours.series[5], opacity: 0.3 },
                tooltip: { show: false },
                data: tl.t.map((t, i) => [t, tl.max![i] !== null && tl.min![i] !== null ? tl.max![i]! - tl.min![i]! : null]),
              },
            ]
          : []),
        {
          id: 'value', name, type: 'line', symbol: 'none', connectNulls: false, lineStyle: { color: colours.series[0], width: 1.5 }, itemStyle: { color: colours.series[0] }, data: tl.t.map((t, i) => [t, tl.v[i]]),
          // The table's average power (per GPU when several), so the line and the table's figure can be compared.
          ...(tl.averagePower
            ? {
                markLine: {
                  symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: colours.series[3] },
                  // eslint-disable-next-line no-restricted-syntax -- a markLine label is canvas text, not HTML
                  label: { formatter: `table: ${fmt(tl.averagePower.perGpuW)} W${tl.averagePower.gpus > 1 ? ' per GPU' : ''}`, position: 'insideEndTop' },
                  data: [{ yAxis: tl.averagePower.perGpuW }],
                },
              }
            : {}),
        },
      ],
    };
  }, [tl, metric, colours]);

  return (
    <ChartCard
      title={label ? `Timeline: ${label}` : 'Power timeline'}
      testId="chart-timeline"
      controls={
        <ToggleButtonGroup size="small" exclusive value={metric} onChange={(_e, v: TimelineView['metric'] | null) => v && setMetric(v)} aria-label="Timeline metric">
          <ToggleButton value="power_w">Power</ToggleButton>
          <ToggleButton value="temperature_c">Temperature</ToggleButton>
        </ToggleButtonGroup>
      }
      caption={tl && tl.source !== 'none' ? `${tl.note}${tl.method === 'minmax' ? ' Shaded: the range of the samples behind each point.' : ''} Scroll or drag the slider to zoom.` : undefined}
    >
      {resultId === null ? (
        <ChartEmpty>Select a row in the results table (click it, or focus it and press Enter) to see its power over time.</ChartEmpty>
      ) : query.loading && !tl ? (
        <CircularProgress size={24} aria-label="Loading the timeline" />
      ) : query.error ? (
        <Alert severity="error">{query.error.message}</Alert>
      ) : option ? (
        <EChart option={option} testId="timeline" ariaLabel={`${metric === 'power_w' ? 'Power' : 'Temperature'} over time of result ${resultId}`} />
      ) : (
        <ChartEmpty>{tl?.note ?? 'No samples.'}</ChartEmpty>
      )}
    </ChartCard>
  );
}
