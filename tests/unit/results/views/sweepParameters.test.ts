import { describe, expect, it } from 'vitest';
import { flattenConfig, varyingParameters } from '../../../../core/results/views/sweepParameters';

describe('swept parameters recovered from effective_config', () => {
  it('flattens nested sections, ignores output_dir and Docker runner keys, keeps nulls', () => {
    const flat = flattenConfig({
      model: 'gpt2',
      output_dir: '/tmp/a',
      runner_image: 'img:1',
      decoder: { temperature: 1, top_k: 50 },
      pytorch: null,
      stop: ['a', 'b'],
    });
    expect(Object.fromEntries(flat)).toEqual({
      model: 'gpt2',
      'decoder.temperature': 1,
      'decoder.top_k': 50,
      pytorch: null,
      stop: '["a","b"]',
    });
  });

  it('finds the leaf that differs when one config has a null section and another fills it', () => {
    const a = flattenConfig({ model: 'gpt2', pytorch: null, precision: 'bf16', output_dir: '/x/1' });
    const b = flattenConfig({ model: 'gpt2', pytorch: { batch_size: 8, use_cache: null }, precision: 'bf16', output_dir: '/x/2' });
    const c = flattenConfig({ model: 'gpt2', pytorch: { batch_size: 64, use_cache: null }, precision: 'bf16', output_dir: '/x/3' });
    const params = varyingParameters([c, a, b]);
    expect(params).toEqual([{ path: 'pytorch.batch_size', label: 'batch size', kind: 'number', values: [8, 64, null] }]);
  });

  it('orders parameters by how many values they take and keeps full paths when short names clash', () => {
    const mk = (bs: number, k1: number, k2: number) =>
      flattenConfig({ pytorch: { batch_size: bs }, decoder: { top_k: k1 }, vllm: { sampling: { top_k: k2 } } });
    const params = varyingParameters([mk(1, 10, 5), mk(2, 20, 5), mk(4, 10, 6)]);
    expect(params.map((p) => [p.path, p.label, p.values])).toEqual([
      ['pytorch.batch_size', 'batch size', [1, 2, 4]],
      ['decoder.top_k', 'decoder.top_k', [10, 20]],
      ['vllm.sampling.top_k', 'vllm.sampling.top_k', [5, 6]],
    ]);
  });

  it('has nothing to report for one configuration or identical ones', () => {
    const one = flattenConfig({ model: 'gpt2', n: 5 });
    expect(varyingParameters([one])).toEqual([]);
    expect(varyingParameters([one, flattenConfig({ model: 'gpt2', n: 5, output_dir: 'elsewhere' })])).toEqual([]);
  });

  it('tells the number 1 from the string "1" and sorts strings naturally', () => {
    const params = varyingParameters([flattenConfig({ x: 1 }), flattenConfig({ x: '1' })]);
    expect(params[0]?.kind).toBe('mixed');
    expect(params[0]?.values).toEqual([1, '1']);
    const names = varyingParameters(['m10', 'm2', 'm1'].map((model) => flattenConfig({ model })));
    expect(names[0]?.values).toEqual(['m1', 'm2', 'm10']);
  });
});
