import { describe, expect, it } from 'vitest';
import { phaseBands, phaseListText, runPowerOption } from '../../../renderer/src/pages/runs/runPowerOption';

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

  it('shows each phase once: progress rows repeating a phase continue its band, the runner markers are named', () => {
    // What the runner stores for one run: a marker, llem's phases, a "measuring" row per batch line, the exit marker.
    const stored = [
      { phase: 'llem_started', atMs: startMs, message: 'llem started' },
      { phase: 'starting', atMs: startMs + 500, message: null },
      { phase: 'measuring', atMs: startMs + 1300, message: 'Starting measurement: 10 prompts' },
      { phase: 'measuring', atMs: startMs + 1320, message: 'Batch 0-0' },
      { phase: 'measuring', atMs: startMs + 9000, message: 'Batch 1-9' },
      { phase: 'done', atMs: startMs + 16_400, message: null },
      { phase: 'process_exit', atMs: startMs + 17_000, message: 'llem exited (0)' },
    ];
    expect(phaseBands(stored, startMs, 18)).toEqual([
      { phase: 'starting', from: 0, to: 1.3 },
      { phase: 'measuring', from: 1.3, to: 16.4 },
      { phase: 'done', from: 16.4, to: 17 },
      { phase: 'after llem', from: 17, to: 18 },
    ]);
  });

  it('lists the bands with hundredths on a short timeline, tenths on a long one', () => {
    const bands = [
      { phase: 'baseline', from: 0.3, to: 0.34 },
      { phase: 'measuring', from: 0.34, to: 2 },
    ];
    expect(phaseListText(bands, 2)).toBe('baseline 0.30–0.34 · measuring 0.34–2.00');
    expect(phaseListText([{ phase: 'measuring', from: 1.3, to: 16.4 }], 16.4)).toBe('measuring 1.3–16.4');
    expect(phaseListText([], 5)).toBe('');
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
