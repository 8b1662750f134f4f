import type { EChartsCoreOption } from 'echarts/core';
import { CHART_FONT_FAMILY, type ChartColours } from '../../components/EChart';
import { replayEnergyJ } from './demoFigures';

/**
 * The Demo page's chart options as pure functions of plain data (the transformProps pattern of Superset's
 * echarts plugins): tests check the options as data, the page only renders them. Sizes come in as numbers
 * (`fontSize` from the viewport width) so text on a projector grows with the screen.
 */

type Colours = Pick<ChartColours, 'text' | 'subtleText' | 'axis' | 'grid' | 'series'>;

/** Chart text size for a viewport width: 12 px at 1280, growing to about 20 px at 1920 and beyond. */
export function demoFontSize(viewportWidth: number): number {
  return Math.round(Math.min(24, Math.max(12, viewportWidth * 0.0105)));
}

/** One x-axis maximum for every chart of the stage: the longer replay, in whole seconds, never below 1 s. */
export function sharedTimeAxisMax(durations: readonly (number | null | undefined)[]): number {
  const longest = Math.max(0, ...durations.filter((d): d is number => typeof d === 'number' && Number.isFinite(d)));
  return Math.max(1, Math.ceil(longest));
}

/** A power-scale maximum (W) above every reading, in steps of 50 W, at least 100 W. */
export function powerScaleMax(readings: readonly (number | null)[]): number {
  const peak = readings.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  return Math.max(100, Math.ceil((peak * 1.2) / 50) * 50);
}

function axis(c: Colours, fontSize: number) {
  return {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.subtleText, fontSize },
    nameTextStyle: { color: c.subtleText, fontSize },
    splitLine: { lineStyle: { color: c.grid } },
  };
}

function base(c: Colours, fontSize: number) {
  return {
    backgroundColor: 'transparent',
    color: c.series,
    textStyle: { color: c.text, fontFamily: CHART_FONT_FAMILY, fontSize },
    animation: false,
    aria: { enabled: true },
  };
}

export interface GaugeInput {
  /** Power now (W); null: no reading yet. */
  powerW: number | null;
  maxW: number;
  /** The replay of this side is over: the gauge reads 0 W and says so, never the last reading. */
  finished: boolean;
  fontSize: number;
  colour: string;
}

export function demoGaugeOption(input: GaugeInput, c: Colours): EChartsCoreOption {
  const value = input.finished ? 0 : input.powerW;
  const width = Math.round(input.fontSize * 0.9);
  return {
    ...base(c, input.fontSize),
    series: [
      {
        type: 'gauge',
        min: 0,
        max: input.maxW,
        // A flatter arc than the default 270°: its end labels sit beside the reading, not under it.
        startAngle: 200,
        endAngle: -20,
        radius: '76%',
        center: ['50%', '62%'],
        progress: { show: true, width, itemStyle: { color: input.colour } },
        axisLine: { lineStyle: { width } },
        axisTick: { show: false },
        splitLine: { length: width * 0.6, lineStyle: { color: c.axis } },
        // Scale labels outside the arc, clear of the reading in its middle.
        axisLabel: { color: c.subtleText, distance: -(width + Math.round(input.fontSize * 1.6)), fontSize: Math.round(input.fontSize * 0.8) },
        // A finished side has no needle: nothing is running, and the needle at 0 would cross "0 W".
        pointer: { show: !input.finished, width: Math.max(4, Math.round(input.fontSize / 3)), itemStyle: { color: input.colour } },
        detail: {
          valueAnimation: false,
          // The number and its unit, or that the run is over.
          // eslint-disable-next-line no-restricted-syntax -- a gauge's detail is canvas text, not HTML
          formatter: input.finished ? '0 W\nfinished' : '{value} W',
          color: c.text,
          fontSize: Math.round(input.fontSize * 1.6),
          lineHeight: Math.round(input.fontSize * 1.8),
          offsetCenter: [0, input.finished ? '38%' : '30%'],
        },
        data: value === null ? [] : [{ value: Math.round(value), name: 'GPU power' }],
        title: { show: false },
        splitNumber: 2,
      },
    ],
  };
}

export interface PowerInput {
  /** Seconds since the first sample, and the power (W) at each. */
  t: readonly number[];
  v: readonly (number | null)[];
  /** Replay time (s): samples after it are not drawn yet. */
  at: number;
  /** The shared x-axis maximum (s), the same on both sides. */
  xMax: number;
  maxW: number;
  fontSize: number;
  colour: string;
}

export function demoPowerOption(input: PowerInput, c: Colours): EChartsCoreOption {
  const data: [number, number][] = [];
  for (let i = 0; i < input.t.length; i++) {
    const t = input.t[i]!;
    const v = input.v[i];
    if (t > input.at) break;
    if (v !== null && v !== undefined) data.push([t, v]);
  }
  return {
    ...base(c, input.fontSize),
    grid: { left: input.fontSize * 3.4, right: input.fontSize, top: input.fontSize * 1.6, bottom: input.fontSize * 1.8 },
    xAxis: { type: 'value', name: 's', min: 0, max: input.xMax, ...axis(c, input.fontSize) },
    yAxis: { type: 'value', name: 'W', min: 0, max: input.maxW, interval: input.maxW / 2, ...axis(c, input.fontSize) },
    series: [{ type: 'line', name: 'GPU power (W)', showSymbol: false, data, lineStyle: { color: input.colour, width: 2 }, areaStyle: { color: input.colour, opacity: 0.15 } }],
  };
}

export interface RaceSide {
  name: string;
  t: readonly number[];
  v: readonly (number | null)[];
  /** The run's measured total (J): the curve ends there (demoFigures.replayEnergyJ). */
  totalEnergyJ: number | null;
  colour: string;
}

/**
 * Cumulative energy of both sides on one chart, on the shared time axis: one point a sample up to the replay time,
 * so the line that climbs faster (and further) is the one using more energy. The y-axis is fixed to the larger
 * total from the start, so the race does not rescale as it runs.
 */
export function demoRaceOption(sides: readonly RaceSide[], at: number, xMax: number, fontSize: number, c: Colours): EChartsCoreOption {
  const series = sides.map((side) => {
    const data: [number, number][] = [];
    for (const t of side.t) {
      if (t > at) break;
      data.push([t, Math.round(replayEnergyJ(side.t, side.v, t, side.totalEnergyJ))]);
    }
    const end = side.t.at(-1) ?? 0;
    if (at > 0 && at < end && (data.at(-1)?.[0] ?? -1) < at) data.push([at, Math.round(replayEnergyJ(side.t, side.v, at, side.totalEnergyJ))]);
    return { type: 'line', name: side.name, showSymbol: false, data, lineStyle: { color: side.colour, width: 3 }, itemStyle: { color: side.colour } };
  });
  const totals = sides.map((s) => s.totalEnergyJ ?? replayEnergyJ(s.t, s.v, Infinity, null));
  const yMax = niceCeiling(Math.max(1, ...totals));
  const layout = raceLegendLayout(fontSize);
  return {
    ...base(c, fontSize),
    // The legend has its own band above the plot (grid.top starts below it), and each name is cut with an ellipsis at
    // a width that lets both fit side by side on a 1280 px screen: it never runs off the canvas or over the lines.
    legend: {
      type: 'scroll',
      top: 0,
      left: 0,
      itemHeight: layout.itemHeight,
      itemGap: layout.itemGap,
      textStyle: { color: c.text, fontSize, width: layout.nameWidth, overflow: 'truncate' },
      tooltip: { show: true },
      data: sides.map((s) => s.name),
    },
    grid: { left: fontSize * 5.4, right: fontSize * 1.5, top: layout.gridTop, bottom: fontSize * 1.8 },
    xAxis: { type: 'value', name: 's', min: 0, max: xMax, ...axis(c, fontSize) },
    // The unit on each label ("4,000 J") rather than as an axis name: a name would need its own band under the legend.
    // eslint-disable-next-line no-restricted-syntax -- an axis label is canvas text, not HTML
    yAxis: { type: 'value', min: 0, max: yMax, interval: yMax / 2, ...axis(c, fontSize), axisLabel: { color: c.subtleText, fontSize, formatter: joulesLabel } },
    series,
  };
}

/** "4,000 J": a race axis label with its unit. */
export function joulesLabel(value: number): string {
  return `${value.toLocaleString('en')} J`;
}

/**
 * The race legend's band (px): one row of `fontSize` text at the top, then the plot. `gridTop` leaves the row's
 * height plus half a label (the top y-axis label is centred on the plot's top edge) so neither overlaps the other.
 */
export function raceLegendLayout(fontSize: number): { rowHeight: number; gridTop: number; nameWidth: number; itemHeight: number; itemGap: number } {
  const rowHeight = Math.ceil(fontSize * 1.4);
  return {
    rowHeight,
    gridTop: rowHeight + Math.ceil(fontSize * 0.9),
    nameWidth: Math.round(fontSize * 34),
    itemHeight: Math.round(fontSize * 0.9),
    itemGap: Math.round(fontSize * 1.5),
  };
}

/** 7,482 → 8,000; 552 → 600: a round axis top just above the value. */
export function niceCeiling(x: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(x));
  const steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  for (const s of steps) if (s * magnitude >= x) return s * magnitude;
  return 10 * magnitude;
}
