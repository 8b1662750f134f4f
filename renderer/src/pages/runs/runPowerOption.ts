import type { RunDetail } from '../../../../contract/apiRuns';

/** The colours the option needs (a subset of components/EChart's ChartColours, so this stays free of echarts). */
export interface PowerOptionColours {
  text: string;
  subtleText: string;
  axis: string;
  grid: string;
  series: string[];
}

/** Phase bands drawn behind the power line; the measured window stands out, the others are pale. */
const PHASE_OPACITY: Record<string, number> = { measuring: 0.22, warmup: 0.12, baseline: 0.12, thermal: 0.08, loading: 0.08 };

/** Share of the time axis a phase band needs for its name to be printed in it. */
export const MIN_LABELLED_FRACTION = 0.1;

export interface PhaseBand {
  phase: string;
  /** Seconds since the timeline's first sample. */
  from: number;
  to: number;
}

/**
 * What a band is called for a run_phases value: the runner's two markers (core/runner/timeBreakdown.ts) are not llem
 * phases; after "llem started" llem is still starting, after "llem exited" the app reads its result.
 */
const BAND_NAMES: Record<string, string> = { llem_started: 'starting', process_exit: 'after llem' };

/**
 * Phase intervals on the timeline's axis: each phase lasts until a different one starts, the last until the final
 * sample. The runner stores a row per progress update (every batch line is another "measuring" row), so rows that
 * repeat the phase before them continue it rather than start a band. Phases outside the sampled span are clipped
 * to it; empty ones are dropped.
 */
export function phaseBands(phases: RunDetail['phases'], startMs: number, endSeconds: number): PhaseBand[] {
  const changes: { phase: string; atMs: number }[] = [];
  for (const p of phases) {
    const phase = BAND_NAMES[p.phase] ?? p.phase;
    if (changes.at(-1)?.phase !== phase) changes.push({ phase, atMs: p.atMs });
  }
  const bands: PhaseBand[] = [];
  changes.forEach((p, i) => {
    const from = Math.max(0, (p.atMs - startMs) / 1000);
    const next = changes[i + 1];
    const to = Math.min(endSeconds, next ? (next.atMs - startMs) / 1000 : endSeconds);
    if (to > from) bands.push({ phase: p.phase, from, to });
  });
  return bands;
}

/**
 * The drawer's list of bands: "starting 0.00–1.30 · measuring 1.30–16.40". Hundredths on a timeline under 10 s
 * (a short run's phases last fractions of a second, and tenths would print them as "0.3–0.3"), tenths above.
 */
export function phaseListText(bands: PhaseBand[], endSeconds: number): string {
  const digits = endSeconds < 10 ? 2 : 1;
  return bands.map((b) => `${b.phase} ${b.from.toFixed(digits)}–${b.to.toFixed(digits)}`).join(' · ');
}

/**
 * The run detail drawer's power chart as plain data (tested in tests/unit/renderer/runPowerOption.test.ts):
 * GPU 0 power over seconds, with the run's phases shaded and named.
 */
export function runPowerOption(timeline: NonNullable<RunDetail['timeline']>, phases: RunDetail['phases'], c: PowerOptionColours): Record<string, unknown> {
  const end = timeline.t.length ? timeline.t[timeline.t.length - 1]! : 0;
  const bands = phaseBands(phases, timeline.startMs, end);
  const axis = {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.subtleText, fontSize: 12 },
    nameTextStyle: { color: c.subtleText, fontSize: 12 },
    splitLine: { lineStyle: { color: c.grid } },
  };
  return {
    grid: { left: 64, right: 24, top: 32, bottom: 48 },
    xAxis: { type: 'value', name: 'Time since the first sample (s)', nameLocation: 'middle', nameGap: 30, min: 0, max: end, ...axis },
    yAxis: { type: 'value', name: 'GPU 0 power (W)', scale: true, ...axis },
    tooltip: { trigger: 'axis' },
    series: [
      {
        id: 'power',
        name: 'GPU 0 power (W)',
        type: 'line',
        symbol: 'none',
        lineStyle: { color: c.series[0], width: 1.5 },
        itemStyle: { color: c.series[0] },
        data: timeline.t.map((t, i) => [t, timeline.v[i] ?? null]),
        markArea: {
          silent: true,
          label: { color: c.text, fontSize: 12, position: 'insideTop' },
          // A band too narrow for its name stays unnamed (names would print over each other); the list under the chart names it.
          data: bands.map((b) => [
            { name: end > 0 && (b.to - b.from) / end >= MIN_LABELLED_FRACTION ? b.phase : '', xAxis: b.from, itemStyle: { color: c.series[1], opacity: PHASE_OPACITY[b.phase] ?? 0.05 } },
            { xAxis: b.to },
          ]),
        },
      },
    ],
  };
}
