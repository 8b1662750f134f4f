import { describe, expect, it } from 'vitest';
import type { ConfigView, SweepParameter } from '../../../contract/apiResults';
import { energyByParameterOption } from '../../../renderer/src/pages/results/charts/energyByParameterOption';

const batch: SweepParameter = { path: 'pytorch.batch_size', label: 'batch size', kind: 'number', values: [1, 8] };
const summary = (mean: number | null, lo: number | null = null, hi: number | null = null) => ({ mean, ci95Low: lo, ci95High: hi });

/** A configuration at one batch size whose cycles ran on the given hosts/GPUs with the given J/token. */
function config(batchSize: number, cycles: { host: string | null; gpu: string | null; j: number }[]): ConfigView {
  const mean = cycles.reduce((a, c) => a + c.j, 0) / cycles.length;
  return {
    groupKey: `b${batchSize}`,
    label: `batch size ${batchSize}`,
    model: 'org/tiny',
    params: { 'pytorch.batch_size': batchSize },
    cycles: cycles.length,
    metrics: { jPerOutputToken: summary(mean, mean * 0.9, mean * 1.1) },
    cycleValues: cycles.map((c, i) => ({ resultId: batchSize * 10 + i, jPerOutputToken: c.j, tokensPerSecond: 100, host: c.host, gpuUuid: c.gpu })),
  } as unknown as ConfigView;
}

const configs = [
  config(1, [
    { host: 'node-a', gpu: 'GPU-aaaaaaaa-1111-2222-3333-444444444444', j: 2 },
    { host: 'node-b', gpu: 'GPU-bbbbbbbb-1111-2222-3333-444444444444', j: 4 },
    { host: 'node-a', gpu: 'GPU-aaaaaaaa-1111-2222-3333-444444444444', j: 3 },
  ]),
  config(8, [
    { host: 'node-b', gpu: 'GPU-bbbbbbbb-1111-2222-3333-444444444444', j: 1 },
    { host: null, gpu: null, j: 0.5 },
  ]),
];
const base = { configs, parameters: [batch], param: batch, reference: null, seriesColours: ['#111', '#222', '#333'] };

type Line = { id: string; name: string; type: string; data: { value: [number, number]; point: { cycles: number; placement: string | null } }[] };
const linesOf = (series: Record<string, unknown>[]) => (series as Line[]).filter((s) => s.type === 'line');

describe('energy by parameter chart option (pure data)', () => {
  it('ungrouped: one line through each configuration mean, with its 95 % CI bars', () => {
    const o = energyByParameterOption({ ...base, groupBy: 'none' });
    const lines = linesOf(o.series);
    expect(lines.map((l) => l.name)).toEqual(['org/tiny']);
    expect(lines[0]!.data.map((d) => d.value)).toEqual([
      [1, 3],
      [8, 0.75],
    ]);
    expect(o.series.filter((s) => s.type === 'custom')).toHaveLength(1);
  });

  it('grouped by host: one line per host, each point the mean of that host’s cycles; unrecorded hosts are named so', () => {
    const o = energyByParameterOption({ ...base, groupBy: 'host' });
    const lines = linesOf(o.series);
    const byName = Object.fromEntries(lines.map((l) => [l.name, l.data.map((d) => [...d.value, d.point.cycles])]));
    expect(byName).toEqual({
      'org/tiny · host node-a': [[1, 2.5, 2]],
      'org/tiny · host node-b': [
        [1, 4, 1],
        [8, 1, 1],
      ],
      'org/tiny · host not recorded': [[8, 0.5, 1]],
    });
    expect(o.lines).toBe(3);
    // A part of a configuration's cycles gets no confidence interval: no error bars drawn.
    expect(o.series.filter((s) => s.type === 'custom')).toHaveLength(0);
  });

  it('grouped by GPU: lines named by shortened UUID; the tooltip gives the whole UUID, escaped', () => {
    const o = energyByParameterOption({ ...base, groupBy: 'gpu' });
    const names = linesOf(o.series).map((l) => l.name);
    expect(names).toEqual(['org/tiny · GPU GPU-aaaaaaaa-111…', 'org/tiny · GPU GPU-bbbbbbbb-111…', 'org/tiny · GPU not recorded']);
    const line = linesOf(o.series)[0]!;
    const text = o.tooltip.formatter({ seriesName: line.name, data: line.data[0] as never });
    expect(text).toContain('GPU GPU-aaaaaaaa-1111-2222-3333-444444444444');
    expect(text).toContain('2 cycle(s)');
  });

  it('escapes a host name from the data in the tooltip', () => {
    const evil = [config(1, [{ host: '<img src=x onerror=alert(1)>', gpu: null, j: 1 }])];
    const o = energyByParameterOption({ ...base, configs: evil, groupBy: 'host' });
    const line = linesOf(o.series)[0]!;
    const text = o.tooltip.formatter({ seriesName: line.name, data: line.data[0] as never });
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img');
  });
});
