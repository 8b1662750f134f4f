import { useTheme } from '@mui/material/styles';
import { BarChart, CustomChart, GaugeChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
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
  LegendComponent, MarkAreaComponent, MarkLineComponent, ParallelComponent, TitleComponent, TooltipComponent, CanvasRenderer,
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

/**
 * The UI's font (MUI's default stack). Not 'inherit': a canvas rejects a font string with 'inherit' as its family and
 * keeps its default, 10 px sans-serif, so every label was drawn at 10 px whatever its fontSize said.
 */
export const CHART_FONT_FAMILY = '"Roboto", "Helvetica", "Arial", sans-serif';

/** Chart text size in px: echarts' default (12, and 9–10 px after its auto-shrinking) is hard to read on a 1920 screen. */
export const CHART_FONT_SIZE = 13;

/** Axis styling shared by every cartesian chart. */
export function axisStyle(c: ChartColours) {
  return {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.subtleText, fontSize: CHART_FONT_SIZE },
    nameTextStyle: { color: c.subtleText, fontSize: CHART_FONT_SIZE },
    splitLine: { lineStyle: { color: c.grid } },
  };
}

export function baseOption(c: ChartColours): EChartsCoreOption {
  return {
    backgroundColor: 'transparent',
    color: c.series,
    textStyle: { color: c.text, fontFamily: CHART_FONT_FAMILY, fontSize: CHART_FONT_SIZE },
    animation: false,
    aria: { enabled: true },
    tooltip: {
      backgroundColor: c.tooltipBackground,
      borderColor: c.axis,
      textStyle: { color: c.text },
      confine: true,
    },
    legend: { textStyle: { color: c.text, fontSize: CHART_FONT_SIZE }, type: 'scroll', top: 0, pageTextStyle: { color: c.text } },
  };
}

interface EChartProps {
  option: EChartsCoreOption;
  /** Accessible description of what the chart shows (the canvas itself says nothing to a screen reader). */
  ariaLabel: string;
  testId: string;
  /** Pixels, or any CSS length (`clamp(90px, 17vh, 260px)`: the Demo's charts grow with the screen). */
  height?: number | string;
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
    // End-to-end tests find a point's pixel through the instance (convertToPixel) to click it like a user would.
    (el as HTMLDivElement & { echartsInstance?: ECharts }).echartsInstance = instance;
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

  // The option last applied in full, and the series names echarts reported for it.
  const applied = useRef<{ option: EChartsCoreOption; names: string[] } | null>(null);

  useEffect(() => {
    const instance = chart.current;
    const el = ref.current;
    if (!instance || !el) return;
    let counts: { name: string; count: number }[];
    const prev = applied.current;
    if (prev && onlySeriesDataChanged(prev.option, option)) {
      // Same chart structure (every other option part the same object, same series with the same settings): hand
      // echarts just the new data in merge mode and let it redraw on the next frame. Rebuilding the whole chart
      // (notMerge) and reading it back (getOption deep-copies every point) is what made live charts cost CPU.
      const series = option.series as Record<string, unknown>[];
      instance.setOption({ series: series.map((s) => pickDataUpdate(s)) }, { lazyUpdate: true });
      counts = series.map((s, i) => ({ name: prev.names[i] ?? '', count: countPoints(s) }));
      applied.current = { option, names: prev.names };
    } else {
      instance.setOption(option, { notMerge: true });
      const series = (instance.getOption() as { series?: { name?: string; data?: unknown; dimensions?: unknown }[] }).series ?? [];
      counts = series.map((s) => ({ name: String(s.name ?? ''), count: countPoints(s) }));
      applied.current = { option, names: counts.map((c) => c.name) };
    }
    el.dataset.pointCount = String(counts.reduce((n, s) => n + s.count, 0));
    el.dataset.series = JSON.stringify(counts);
  }, [option]);

  return <div ref={ref} data-testid={testId} role="img" aria-label={ariaLabel} style={{ width: '100%', height }} />;
}

/**
 * Data items in one series. A typed array holds its items flat, one value per dimension (x, y unless the series
 * names its `dimensions`), as echarts reads it.
 */
function countPoints(series: { data?: unknown; dimensions?: unknown }): number {
  const data = series.data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const dims = Array.isArray(series.dimensions) && series.dimensions.length > 0 ? series.dimensions.length : 2;
    return Math.floor((data as unknown as ArrayLike<number>).length / dims);
  }
  if (!Array.isArray(data)) return 0;
  let n = 0;
  for (const d of data) if (isPoint(d)) n++;
  return n;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * True when `next` differs from `prev` only in its series' `data`: the same top-level keys, each (but `series`)
 * the very same value, and as many series, each with the same keys and the same values for all but `data`.
 * Anything else (a new series, a changed colour or axis, nested objects rebuilt) counts as a structural change.
 */
function onlySeriesDataChanged(prev: EChartsCoreOption, next: EChartsCoreOption): boolean {
  const prevKeys = Object.keys(prev);
  const nextKeys = Object.keys(next);
  if (prevKeys.length !== nextKeys.length) return false;
  for (const k of nextKeys) if (k !== 'series' && (!(k in prev) || prev[k] !== next[k])) return false;
  const ps = prev.series;
  const ns = next.series;
  if (!Array.isArray(ps) || !Array.isArray(ns) || ps.length !== ns.length) return false;
  return ns.every((s, i) => {
    const p: unknown = ps[i];
    if (!isPlainObject(s) || !isPlainObject(p)) return false;
    const keys = Object.keys(s);
    if (keys.length !== Object.keys(p).length) return false;
    return keys.every((k) => k in p && (k === 'data' || p[k] === s[k]));
  });
}

/** The merge-mode update for one series: its data, plus id/name so echarts matches it to the series it already has. */
function pickDataUpdate(s: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  if ('data' in s) update.data = s.data;
  if (s.id !== undefined) update.id = s.id;
  if (s.name !== undefined) update.name = s.name;
  return update;
}

function isPoint(d: unknown): boolean {
  if (d === null || d === undefined || d === '-') return false;
  if (Array.isArray(d)) return d.every((x) => x !== null && x !== undefined && x !== '-');
  if (typeof d === 'object' && 'value' in (d as Record<string, unknown>)) return isPoint((d as { value: unknown }).value);
  return true;
}
