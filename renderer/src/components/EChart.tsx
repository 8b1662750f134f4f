import { useTheme } from '@mui/material/styles';
import { BarChart, CustomChart, GaugeChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import { SERIES_COLOURS } from '../theme';

// Only what the pages draw: keeps the bundle far smaller than `import 'echarts'`.
use([
  BarChart, CustomChart, GaugeChart, LineChart, ParallelChart, ScatterChart, AriaComponent, DataZoomComponent, GridComponent,
  LegendComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent, CanvasRenderer,
]);

export interface ChartColours {
  text: string;
  subtleText: string;
  axis: string;
  grid: string;
  background: string;
  tooltipBackground: string;
  /** Okabe–Ito series colours; black becomes the text colour in the dark theme, where black is invisible. */
  series: string[];
}

/** Chart colours from the MUI theme, so charts follow the light/dark switch. */
export function useChartColours(): ChartColours {
  const theme = useTheme();
  return useMemo(() => {
    const dark = theme.palette.mode === 'dark';
    return {
      text: theme.palette.text.primary,
      subtleText: theme.palette.text.secondary,
      axis: theme.palette.divider,
      grid: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.07)',
      background: theme.palette.background.paper,
      tooltipBackground: theme.palette.background.paper,
      series: SERIES_COLOURS.map((c) => (dark && c === '#000000' ? '#E0E0E0' : c)),
    };
  }, [theme]);
}

/** Axis styling shared by every cartesian chart. */
export function axisStyle(c: ChartColours) {
  return {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.subtleText },
    nameTextStyle: { color: c.subtleText },
    splitLine: { lineStyle: { color: c.grid } },
  };
}

export function baseOption(c: ChartColours): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    color: c.series,
    textStyle: { color: c.text, fontFamily: 'inherit' },
    animation: false,
    aria: { enabled: true },
    tooltip: {
      backgroundColor: c.tooltipBackground,
      borderColor: c.axis,
      textStyle: { color: c.text },
      confine: true,
    },
    legend: { textStyle: { color: c.text }, type: 'scroll', top: 0, pageTextStyle: { color: c.text } },
  };
}

interface EChartProps {
  option: EChartsCoreOption;
  /** Accessible description of what the chart shows (the canvas itself says nothing to a screen reader). */
  ariaLabel: string;
  testId: string;
  height?: number;
  onPointClick?: (params: { seriesId?: string; seriesName?: string; dataIndex: number; data: unknown }) => void;
}

/**
 * One echarts instance in a div. After each option change the element carries what the chart really
 * holds — `data-point-count` (non-empty data items over all series) and `data-series` (name → count,
 * JSON) — so tests and assistive checks can see that a chart shows data, not just that it exists.
 */
export function EChart({ option, ariaLabel, testId, height = 320, onPointClick }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (p) => {
      const params = p as { seriesId?: string; seriesName?: string; dataIndex: number; data: unknown };
      clickHandler.current?.(params);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    const el = ref.current;
    if (!instance || !el) return;
    instance.setOption(option, { notMerge: true });
    const series = (instance.getOption() as { series?: { name?: string; data?: unknown[] }[] }).series ?? [];
    const counts = series.map((s) => ({ name: String(s.name ?? ''), count: (s.data ?? []).filter(isPoint).length }));
    el.dataset.pointCount = String(counts.reduce((n, s) => n + s.count, 0));
    el.dataset.series = JSON.stringify(counts);
  }, [option]);

  return <div ref={ref} data-testid={testId} role="img" aria-label={ariaLabel} style={{ width: '100%', height }} />;
}

function isPoint(d: unknown): boolean {
  if (d === null || d === undefined || d === '-') return false;
  if (Array.isArray(d)) return d.every((x) => x !== null && x !== undefined && x !== '-');
  if (typeof d === 'object' && 'value' in (d as Record<string, unknown>)) return isPoint((d as { value: unknown }).value);
  return true;
}
