import { Box, Typography } from '@mui/material';
import { useMemo } from 'react';
import { EChart, axisStyle, baseOption, useChartColours } from '../../components/EChart';
import type { LivePoint } from './liveTelemetry';

const METRICS = [
  { key: 'powerW', title: 'Power', unit: 'W', testId: 'live-power' },
  { key: 'temperatureC', title: 'Temperature', unit: '°C', testId: 'live-temperature' },
  { key: 'smUtilPct', title: 'SM utilisation', unit: '%', testId: 'live-utilisation' },
] as const;

/** Live GPU charts (one line per GPU), the last few minutes at the sampling rate. */
export function LiveCharts({ series }: { series: Map<number, LivePoint[]> }) {
  const colours = useChartColours();
  const options = useMemo(
    () =>
      METRICS.map((metric) => ({
        metric,
        option: {
          ...baseOption(colours),
          grid: { left: 50, right: 16, top: 28, bottom: 28 },
          xAxis: { type: 'time', ...axisStyle(colours), axisLabel: { ...axisStyle(colours).axisLabel, hideOverlap: true }, splitLine: { show: false } },
          yAxis: { type: 'value', name: metric.unit, ...axisStyle(colours), min: metric.key === 'smUtilPct' ? 0 : undefined, max: metric.key === 'smUtilPct' ? 100 : undefined },
          tooltip: { ...baseOption(colours).tooltip as object, trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(1)} ${metric.unit}` },
          series: [...series.entries()].map(([gpu, points]) => ({
            name: `GPU ${gpu}`,
            type: 'line',
            showSymbol: false,
            sampling: 'lttb',
            data: points.filter((p) => p[metric.key] !== null).map((p) => [p.t, p[metric.key]]),
          })),
        },
      })),
    [series, colours],
  );
  if (series.size === 0) {
    return (
      <Typography color="text.secondary" data-testid="live-empty">
        No GPU samples yet. Telemetry starts with the campaign (NVML, else nvidia-smi); on a machine without an NVIDIA GPU
        there is nothing to show.
      </Typography>
    );
  }
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr 1fr' }, gap: 2 }}>
      {options.map(({ metric, option }) => (
        <Box key={metric.key}>
          <Typography variant="subtitle2">
            {metric.title} ({metric.unit})
          </Typography>
          <EChart option={option} ariaLabel={`Live ${metric.title.toLowerCase()} of each GPU in ${metric.unit}`} testId={metric.testId} height={200} />
        </Box>
      ))}
    </Box>
  );
}
