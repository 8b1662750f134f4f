import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateRuns, type RunRecord } from '../../../core/results/aggregate';
import { deriveMetrics } from '../../../core/results/derivedMetrics';
import { paretoFront, energyThroughputFront, energyLatencyFront } from '../../../core/results/pareto';

let nextId = 1;
function run(p: Partial<RunRecord> = {}): RunRecord {
  return {
    result_id: nextId++,
    run_id: null,
    campaign_id: null,
    group_key: 'cfg-a',
    source: 'imported',
    model: 'm',
    backend: 'pytorch',
    precision: 'bf16',
    batch_size: 1,
    gpu_name: 'GPU',
    hash_verified: 1,
    throttle_detected: 0,
    throttle_thermal: 0,
    throttle_power: 0,
    warning_codes: null,
    total_energy_j: 640,
    energy_adjusted_j: 320,
    avg_energy_per_token_j: 1,
    output_tokens: 640,
    total_tokens: 1920,
    n_prompts: 5,
    total_inference_time_sec: 4,
    avg_tokens_per_second: 480,
    duration_sec: 5,
    e2e_latency_mean_ms: null,
    max_output_tokens: null,
    quality: null,
    ...p,
  };
}

describe('derived metrics of one result (hand-computed)', () => {
  it('computes J/token raw and adjusted, J/request, tokens/s, power, Wh/1k tokens, latency', () => {
    const d = deriveMetrics(run());
    expect(d.jPerOutputToken).toBe(1); // 640 J ÷ 640 output tokens (figureDefinitions)
    expect(d.jPerOutputTokenAdjusted).toBe(0.5); // 320 J / 640 tokens
    expect(d.jPerRequest).toBe(128); // 640 J / 5 prompts
    expect(d.jPerRequestAdjusted).toBe(64);
    expect(d.tokensPerSecond).toBe(480);
    expect(d.outputTokensPerSecond).toBe(160); // 640 / 4 s
    expect(d.avgPowerW).toBe(128); // 640 J / 5 s window
    expect(d.whPer1kOutputTokens).toBeCloseTo(1000 / 3600, 12);
    expect(d.whPer1kOutputTokensAdjusted).toBeCloseTo(500 / 3600, 12);
    expect(d.latencyPerRequestS).toBe(0.8); // 4 s / 5 prompts
    expect(deriveMetrics(run({ e2e_latency_mean_ms: 250 })).latencyPerRequestS).toBe(0.25);
  });

  it('treats 0 J (energy disabled) as not measured, not as free', () => {
    const d = deriveMetrics(run({ total_energy_j: 0, energy_adjusted_j: 0, avg_energy_per_token_j: 0 }));
    expect(d.totalEnergyJ).toBeNull();
    expect(d.jPerOutputToken).toBeNull();
    expect(d.jPerOutputTokenAdjusted).toBeNull();
    expect(d.avgPowerW).toBeNull();
    expect(d.tokensPerSecond).toBe(480);
  });

  it('survives nulls everywhere', () => {
    const d = deriveMetrics(
      run({ total_energy_j: null, energy_adjusted_j: null, avg_energy_per_token_j: null, output_tokens: null, n_prompts: null, total_inference_time_sec: null, avg_tokens_per_second: null, duration_sec: null }),
    );
    expect(Object.values(d).every((v) => v === null)).toBe(true);
  });
});

describe('aggregateRuns', () => {
  it('summarises each unique config across its cycles', () => {
    const runs = [
      run({ total_energy_j: 640 /* 1.0 J/token × 640 tokens */ }),
      run({ total_energy_j: 768 /* 1.2 J/token × 640 tokens */ }),
      run({ total_energy_j: 896 /* 1.4 J/token × 640 tokens */ }),
      run({ group_key: 'cfg-b', model: 'other', total_energy_j: 1280 /* 2 J/token × 640 tokens */ }),
    ];
    const aggs = aggregateRuns(runs);
    expect(aggs).toHaveLength(2);
    const a = aggs.find((g) => g.groupKey === 'cfg-a')!;
    expect(a.cycles).toBe(3);
    const s = a.metrics.jPerOutputToken;
    // mean 1.2, sd 0.2, half-width t(0.975,2)·0.2/√3 = 0.496828
    expect(s.mean).toBeCloseTo(1.2, 12);
    expect(s.sd).toBeCloseTo(0.2, 12);
    expect(s.ci95HalfWidth).toBeCloseTo(0.496828, 5);
    expect(s.cv).toBeCloseTo(0.2 / 1.2, 12);
    expect(a.flags.highVariance).toContain('jPerOutputToken'); // CV 16.7 % > 10 %
    expect(a.flags.singleCycle).toBe(false);
    const b = aggs.find((g) => g.groupKey === 'cfg-b')!;
    expect(b.flags.singleCycle).toBe(true);
    expect(b.metrics.jPerOutputToken.ci95HalfWidth).toBeNull();
  });

  it('flags thermal throttling, llem warnings, hash mismatches and missing energy per cycle', () => {
    const aggs = aggregateRuns([
      run({ throttle_detected: 1, warning_codes: 'thermal_drift_detected,short_measurement_duration' }),
      run({ throttle_power: 1, warning_codes: 'short_measurement_duration', hash_verified: 0 }),
      run({ total_energy_j: 0, warning_codes: '__proto__' }),
    ]);
    const f = aggs[0]!.flags;
    expect(f.thermalThrottledCycles).toBe(1);
    expect(f.powerThrottledCycles).toBe(1);
    expect(f.llemWarnings).toEqual({ thermal_drift_detected: 1, short_measurement_duration: 2, ['__proto__']: 1 });
    expect(Object.getPrototypeOf(f.llemWarnings)).toBe(Object.prototype);
    expect(f.hashMismatches).toBe(1);
    expect(f.cyclesWithoutEnergy).toBe(1);
    expect(aggs[0]!.metrics.totalEnergyJ.n).toBe(2);
  });

  it('respects a custom variance threshold', () => {
    const runs = [run({ total_energy_j: 640 /* 1.0 J/token × 640 tokens */ }), run({ total_energy_j: 652.8 /* 1.02 J/token × 640 tokens */ })];
    expect(aggregateRuns(runs).at(0)!.flags.highVariance).toEqual([]);
    expect(aggregateRuns(runs, { cvThreshold: 0.001 }).at(0)!.flags.highVariance).toContain('jPerOutputToken');
  });
});

describe('Pareto front', () => {
  const dominates = (a: [number, number], b: [number, number]) => a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);

  it('equals the brute-force definition (min/min) on random point sets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }), (pts) => {
        const items = pts.map((p, i) => ({ i, p }));
        const fast = paretoFront(items, { x: (t) => t.p[0], y: (t) => t.p[1], xSense: 'min', ySense: 'min' }).map((t) => t.i).sort((a, b) => a - b);
        const slow = items.filter((t) => !items.some((o) => dominates(o.p, t.p))).map((t) => t.i);
        expect(fast).toEqual(slow);
      }),
      { numRuns: 300 },
    );
  });

  it('handles max senses and skips missing coordinates', () => {
    const items = [
      { id: 'a', tps: 100, j: 1 },
      { id: 'b', tps: 200, j: 2 },
      { id: 'c', tps: 150, j: 3 }, // dominated by b (less throughput, more energy)
      { id: 'd', tps: null, j: 0.1 },
    ];
    const front = paretoFront(items, { x: (t) => t.tps, y: (t) => t.j, xSense: 'max', ySense: 'min' });
    expect(front.map((t) => t.id)).toEqual(['b', 'a']);
  });

  it('energy vs throughput and energy vs latency over aggregates', () => {
    const aggs = aggregateRuns([
      run({ group_key: 'slow-frugal', total_energy_j: 320 /* 0.5 J/token × 640 tokens */, avg_tokens_per_second: 100, total_inference_time_sec: 10 }),
      run({ group_key: 'fast-hungry', total_energy_j: 1280 /* 2 J/token × 640 tokens */, avg_tokens_per_second: 1000, total_inference_time_sec: 1 }),
      run({ group_key: 'bad', total_energy_j: 1920 /* 3 J/token × 640 tokens */, avg_tokens_per_second: 50, total_inference_time_sec: 20 }),
    ]);
    expect(energyThroughputFront(aggs).map((a) => a.groupKey)).toEqual(['fast-hungry', 'slow-frugal']);
    expect(energyLatencyFront(aggs).map((a) => a.groupKey)).toEqual(['fast-hungry', 'slow-frugal']);
  });
});
