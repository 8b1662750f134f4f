import { describe, expect, it } from 'vitest';
import { RESULT_METRIC_NAMES, type ConfigView, type SweepParameter } from '../../../../contract/apiResults';
import { buildHeadline } from '../../../../core/results/views/headline';
import { ratioOfMeans } from '../../../../core/results/views/ratio';
import { summarise } from '../../../../core/results';

/** t(0.975, 4) from any t table. */
const T_975_DF4 = 2.7764451051977987;

describe('ratio of two means with a 95 % CI', () => {
  it('equal CVs and n = 3 on both sides give Welch df = 4', () => {
    const a = summarise([2, 2.2, 1.8]); // mean 2, sd 0.2, cv 0.1
    const b = summarise([1, 1.1, 0.9]); // mean 1, sd 0.1, cv 0.1
    const r = ratioOfMeans(a, b)!;
    const se = Math.sqrt(0.01 / 3 + 0.01 / 3);
    expect(r.ratio).toBeCloseTo(2, 12);
    expect(r.ci95Low).toBeCloseTo(2 * Math.exp(-T_975_DF4 * se), 9);
    expect(r.ci95High).toBeCloseTo(2 * Math.exp(T_975_DF4 * se), 9);
  });

  it('has no interval with a single cycle, and no ratio without a positive mean', () => {
    expect(ratioOfMeans(summarise([2]), summarise([0.9, 1.1]))).toEqual({ ratio: 2, ci95Low: null, ci95High: null });
    expect(ratioOfMeans(summarise([]), summarise([1, 1.1]))).toBeNull();
    expect(ratioOfMeans(summarise([1, 1]), summarise([0, 0]))).toBeNull();
  });
});

const bs: SweepParameter = { path: 'pytorch.batch_size', label: 'batch size', kind: 'number', values: [1, 8, 64] };
const prec: SweepParameter = { path: 'precision', label: 'precision', kind: 'string', values: ['bf16', 'fp16'] };

function config(key: string, params: Record<string, string | number>, jPerToken: number[]): ConfigView {
  const metrics = Object.fromEntries(RESULT_METRIC_NAMES.map((m) => [m, summarise([])])) as ConfigView['metrics'];
  metrics.jPerOutputToken = summarise(jPerToken);
  return {
    groupKey: key, label: key, model: 'gpt2', backend: 'pytorch', precision: null, batchSize: null, gpuName: null,
    campaignIds: [], sources: ['imported'], cycles: jPerToken.length, resultIds: [], params, metrics, cycleValues: [],
    quality: { grade: 'A', caveats: [], checks: [], outputTokensReported: null, outputTokensBounded: null },
    llemJPerOutputToken: metrics.jPerOutputToken,
    flags: { highVariance: [], thermalThrottledCycles: 0, powerThrottledCycles: 0, llemWarnings: {}, hashMismatches: 0, cyclesWithoutEnergy: 0, singleCycle: jPerToken.length < 2 },
  };
}

describe('headline', () => {
  it('names the single parameter with the largest effect, holding the others fixed', () => {
    const configs = [
      config('a', { 'pytorch.batch_size': 1, precision: 'bf16' }, [0.40, 0.41, 0.39]),
      config('b', { 'pytorch.batch_size': 8, precision: 'bf16' }, [0.15, 0.16, 0.14]),
      config('c', { 'pytorch.batch_size': 64, precision: 'bf16' }, [0.05, 0.052, 0.048]),
      // fp16 at batch 1 is the worst overall, but its only single-parameter partner differs less.
      config('d', { 'pytorch.batch_size': 1, precision: 'fp16' }, [0.5, 0.5, 0.5]),
    ];
    const h = buildHeadline(configs, [bs, prec]);
    if (!h.available) throw new Error(h.reason);
    expect(h.text).toBe('batch size 64 uses 8.0× less energy per output token than batch size 1');
    expect(h.parameter).toBe('pytorch.batch_size');
    expect(h.factor.ratio).toBeCloseTo(0.4 / 0.05, 9);
    expect(h.context).toContain('precision bf16');
    expect(h.significant).toBe(true);
    expect(h.ciText).toMatch(/^95 % CI \d+(\.\d+)?–\d+(\.\d+)?×$/);
    expect(h.factor.ci95Low!).toBeLessThan(8);
    expect(h.factor.ci95High!).toBeGreaterThan(8);
  });

  it('falls back to best vs worst when no pair differs in one setting only, and says so', () => {
    const configs = [
      config('x', { 'pytorch.batch_size': 1, precision: 'bf16' }, [0.4, 0.42]),
      config('y', { 'pytorch.batch_size': 64, precision: 'fp16' }, [0.1, 0.11]),
    ];
    const h = buildHeadline(configs, [bs, prec]);
    if (!h.available) throw new Error(h.reason);
    expect(h.parameter).toBeNull();
    expect(h.text).toMatch(/^y uses 3\.\d× less energy per output token than x$/);
    expect(h.context).toContain('differ in batch size, precision');
  });

  it('says why there is no headline', () => {
    const one = buildHeadline([config('a', {}, [1, 1.1])], []);
    expect(one).toMatchObject({ available: false });
    const unmeasured = buildHeadline([config('a', { precision: 'bf16' }, []), config('b', { precision: 'fp16' }, [1])], [prec]);
    expect(unmeasured.available).toBe(false);
    if (!unmeasured.available) expect(unmeasured.reason).toMatch(/energy measurement/);
  });

  it('single cycles give a factor without an interval, and the text says what to do', () => {
    const h = buildHeadline([config('a', { precision: 'bf16' }, [0.3]), config('b', { precision: 'fp16' }, [0.2])], [prec]);
    if (!h.available) throw new Error(h.reason);
    expect(h.text).toBe('precision fp16 uses 1.5× less energy per output token than precision bf16');
    expect(h.factor.ci95Low).toBeNull();
    expect(h.significant).toBeNull();
    expect(h.ciText).toMatch(/at least two cycles/);
  });
});
