import { Box, Typography } from '@mui/material';
import { useMemo } from 'react';
import { EChart, axisStyle, baseOption, useChartColours } from '../../components/EChart';
import type { LivePoint } from './liveTelemetry';

const METRICS = [
  { key: 'powerW', title: 'Power', unit: 'W', testId: 'live-power' },
  { key: 'temperatureC', title: 'Temperature', unit: '°C', testId: 'live-temperature' },
  { key: 'smUtilPct', title: 'SM utilisation', unit: '%', testId: 'live-utilisation' },
] as const;

/** Dimension names of the flat [t, v, …] data (echarts requires them for typed arrays; the same as its defaults). */
const XY = ['x', 'y'];

/** Live GPU charts (one line per GPU), the last few minutes at the sampling rate. */
export function LiveCharts({ series }: { series: Map<number, LivePoint[]> }) {
  const colours = useChartColours();
  // Everything but the series data, rebuilt only when the theme changes: EChart then sees that a live update
  // changes nothing but data and updates echarts in place instead of rebuilding the chart five times a second.
  const frames = useMemo(
    () =>
      METRICS.map((metric) => ({
        metric,
        frame: {
          ...baseOption(colours),
          grid: { left: 50, right: 16, top: 28, bottom: 28 },
          xAxis: { type: 'time', ...axisStyle(colours), axisLabel: { ...axisStyle(colours).axisLabel, hideOverlap: true }, splitLine: { show: false } },
          yAxis: { type: 'value', name: metric.unit, ...axisStyle(colours), min: metric.key === 'smUtilPct' ? 0 : undefined, max: metric.key === 'smUtilPct' ? 100 : undefined },
          tooltip: { ...baseOption(colours).tooltip as object, trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(1)} ${metric.unit}` },
        },
      })),
    [colours],
  );
  const options = useMemo(
    () =>
      frames.map(({ metric, frame }) => ({
        metric,
        option: {
          ...frame,
          series: [...series.entries()].map(([gpu, points]) => ({
            name: `GPU ${gpu}`,
            type: 'line',
            showSymbol: false,
            sampling: 'lttb',
            dimensions: XY,
            data: pairs(points, metric.key),
          })),
        },
      })),
    [series, frames],
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

/**
 * The non-null samples of one metric as flat [t0, v0, t1, v1, …] pairs. echarts takes a typed array as is (an array of
 * [t, v] arrays it deep-copies twice per update and walks for legacy styles), so a live update allocates one buffer.
 */
function pairs(points: LivePoint[], key: (typeof METRICS)[number]['key']): Float64Array {
  let n = 0;
  for (const p of points) if (p[key] !== null) n++;
  const out = new Float64Array(n * 2);
  let i = 0;
  for (const p of points) {
    const v = p[key];
    if (v === null) continue;
    out[i++] = p.t;
    out[i++] = v;
  }
  return out;
}
