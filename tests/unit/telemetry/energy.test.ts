import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../contract/telemetry';
import { EnergyAccumulator, integratePowerJ } from '../../../core/telemetry/energy';

const sample = (tMs: number, powerW: number | null, energyMj: number | null): TelemetrySample => ({
  gpuIndex: 0,
  tMs,
  powerW,
  powerInstant: true,
  energyMj,
  temperatureC: null,
  smUtilPct: null,
  memoryUsedMb: null,
  memoryTotalMb: null,
  smClockMhz: null,
  memClockMhz: null,
  throttleReasons: null,
});

describe('per-run energy', () => {
  it('integrates power with the trapezoid rule and differences the counter', () => {
    const acc = new EnergyAccumulator();
    // 100 W → 200 W over 1 s, then 200 W for 1 s: 150 J + 200 J.
    [sample(0, 100, 5_000), sample(1000, 200, 155_000), sample(2000, 200, 355_000)].forEach((s) => acc.add(s));
    expect(acc.integrated).toBeCloseTo(350, 9);
    expect(acc.counterJ).toBeCloseTo(350, 9);
    expect(acc.count).toBe(3);
    expect([acc.startMs, acc.endMs]).toEqual([0, 2000]);
  });

  it('skips pairs with a missing power reading (as llem does) and needs two samples', () => {
    const acc = new EnergyAccumulator();
    acc.add(sample(0, 100, null));
    expect(acc.integrated).toBeNull();
    expect(acc.counterJ).toBeNull();
    acc.add(sample(100, null, null));
    acc.add(sample(200, 100, null));
    expect(acc.integrated).toBeNull();
    acc.add(sample(300, 100, null));
    expect(acc.integrated).toBeCloseTo(10, 9);
  });

  it('restarts the counter difference when the counter goes backwards (driver reload)', () => {
    const acc = new EnergyAccumulator();
    [sample(0, 1, 1000), sample(100, 1, 2000), sample(200, 1, 10), sample(300, 1, 510)].forEach((s) => acc.add(s));
    expect(acc.counterJ).toBeCloseTo(0.5, 9);
  });

  it('the running accumulator equals the batch integral for any sample series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 500 }), p: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { freq: 5 }) }), { maxLength: 60 }),
        (steps) => {
          let t = 0;
          const samples = steps.map((s) => sample((t += s.dt), s.p, null));
          const acc = new EnergyAccumulator();
          samples.forEach((s) => acc.add(s));
          const batch = integratePowerJ(samples);
          if (batch === null) expect(acc.integrated).toBeNull();
          else expect(acc.integrated).toBeCloseTo(batch, 6);
        },
      ),
      { numRuns: 200 },
    );
  });
});
