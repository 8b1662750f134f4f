import { describe, expect, it } from 'vitest';
import { phaseBands, runPowerOption } from '../../../renderer/src/pages/runs/runPowerOption';

const colours = { text: '#111', subtleText: '#555', axis: '#ccc', grid: '#eee', series: ['#0072B2', '#E69F00'] };
const startMs = 1_000_000;
const phases = [
  { phase: 'baseline', atMs: startMs - 2000, message: null },
  { phase: 'warmup', atMs: startMs + 3000, message: null },
  { phase: 'measuring', atMs: startMs + 5000, message: null },
  { phase: 'finishing', atMs: startMs + 20_000, message: null },
];

describe('run power chart option (pure data)', () => {
  it('turns phases into bands on the seconds axis, clipped to the samples', () => {
    expect(phaseBands(phases, startMs, 12)).toEqual([
      { phase: 'baseline', from: 0, to: 3 },
      { phase: 'warmup', from: 3, to: 5 },
      { phase: 'measuring', from: 5, to: 12 },
    ]);
  });

  it('plots every sample and shades each phase with its name, the measured window strongest', () => {
    const option = runPowerOption({ startMs, t: [0, 6, 12], v: [60, 300, null], totalSamples: 3, source: 'nvml' }, phases, colours);
    const series = (option.series as { data: unknown[]; markArea: { data: [{ name: string; itemStyle: { opacity: number } }, { xAxis: number }][] } }[])[0]!;
    expect(series.data).toEqual([
      [0, 60],
      [6, 300],
      [12, null],
    ]);
    const names = series.markArea.data.map(([from]) => from.name);
    expect(names).toEqual(['baseline', 'warmup', 'measuring']);
    const opacity = Object.fromEntries(series.markArea.data.map(([from]) => [from.name, from.itemStyle.opacity]));
    expect(opacity.measuring).toBeGreaterThan(opacity.warmup!);
    expect((option.yAxis as { name: string }).name).toContain('(W)');
    // Too narrow to name without overprinting its neighbours: drawn, unnamed.
    const narrow = runPowerOption({ startMs, t: [0, 100], v: [1, 2], totalSamples: 2, source: null }, phases, colours);
    const narrowNames = (narrow.series as { markArea: { data: [{ name: string }, unknown][] } }[])[0]!.markArea.data.map(([from]) => from.name);
    expect(narrowNames).toEqual(['', '', 'measuring', 'finishing']);
  });
});
