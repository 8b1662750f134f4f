import { describe, expect, it } from 'vitest';
import type { ConfigView, SweepParameter } from '../../../contract/apiResults';
import { NOT_APPLICABLE, parallelOption } from '../../../renderer/src/pages/results/charts/parallelOption';
import { energyByParameterOption } from '../../../renderer/src/pages/results/charts/energyByParameterOption';

const batch: SweepParameter = { path: 'pytorch.batch_size', label: 'batch size', kind: 'number', values: [1, 8, null] };
const backend: SweepParameter = { path: 'backend', label: 'backend', kind: 'string', values: ['pytorch', 'vllm'] };

function config(key: string, campaign: string | null, params: Record<string, string | number | null>, j: number): ConfigView {
  return {
    groupKey: key,
    label: key,
    model: 'gpt2',
    campaignIds: campaign ? [campaign] : [],
    params,
    cycles: 2,
    metrics: { jPerOutputToken: { mean: j, ci95Low: j * 0.9, ci95High: j * 1.1 }, tokensPerSecond: { mean: 100 / j } },
    cycleValues: [],
  } as unknown as ConfigView;
}

const configs = [
  config('a1', 'A', { 'pytorch.batch_size': 1, backend: 'pytorch' }, 2),
  config('a8', 'A', { 'pytorch.batch_size': 8, backend: 'pytorch' }, 1),
  config('bv', 'B', { 'pytorch.batch_size': null, backend: 'vllm' }, 0.5),
];
const groupOf = (c: ConfigView) => ({ key: c.campaignIds[0] ?? '', name: c.campaignIds[0] === 'A' ? 'batching' : c.campaignIds[0] === 'B' ? 'vllm-try' : 'imported' });
const colours = ['#a', '#b', '#c', '#d'];

describe('parallel coordinates option (pure data)', () => {
  it('one axis per shown setting, a campaign axis first when the scope holds several, lines coloured by campaign', () => {
    const o = parallelOption({ configs, parameters: [batch, backend], groupOf, seriesColours: colours });
    expect(o.axes.map((a) => a.name)).toEqual(['campaign', 'batch size', 'backend', 'J/token', 'tok/s']);
    expect(o.axes[0]).toMatchObject({ type: 'category', data: ['batching', 'vllm-try'] });
    // A setting the vLLM configuration lacks reads n/a, never "unset".
    expect(o.data[2]!.value).toEqual(['vllm-try', NOT_APPLICABLE, 'vllm', 0.5, 200]);
    expect(o.data.map((d) => d.lineStyle.color)).toEqual(['#a', '#a', '#b']);
  });

  it('one campaign: no campaign axis, one colour per line', () => {
    const o = parallelOption({ configs: configs.slice(0, 2), parameters: [{ ...batch, values: [1, 8] }], groupOf, seriesColours: colours });
    expect(o.axes.map((a) => a.name)).toEqual(['batch size', 'J/token', 'tok/s']);
    expect(o.axes[0]).toMatchObject({ type: 'log' });
    expect(o.data.map((d) => d.lineStyle.color)).toEqual(['#a', '#b']);
  });
});

describe('energy by parameter, grouped by campaign', () => {
  it('one line per campaign, points keep their CI; a setting a configuration lacks names no line', () => {
    const o = energyByParameterOption({ configs, parameters: [backend, batch], param: backend, reference: null, seriesColours: colours, groupBy: 'campaign', groupOf });
    const lines = (o.series as { type: string; name: string; data: { value: unknown[] }[] }[]).filter((s) => s.type === 'line');
    expect(lines.map((l) => l.name)).toEqual(['batch size 1 · campaign batching', 'batch size 8 · campaign batching', 'gpt2 · campaign vllm-try']);
    expect(o.series.filter((s) => s.type === 'custom')).toHaveLength(3);
  });
});
