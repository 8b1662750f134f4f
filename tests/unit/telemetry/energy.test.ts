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

  it('keeps the energy counted before a counter reset (driver reload) and bridges the gap by power', () => {
    const acc = new EnergyAccumulator();
    [sample(0, 1, 1000), sample(100, 1, 2000), sample(200, 1, 10), sample(300, 1, 510)].forEach((s) => acc.add(s));
    // 1 J before the reset + 0.1 J (1 W over the 100 ms between the readings around it) + 0.5 J after.
    expect(acc.counterJ).toBeCloseTo(1.6, 9);
    expect(acc.bridgeJ).toBeCloseTo(0.1, 9);
    expect(acc.method).toBe('counter_bridged');
  });

  it('with the counter on every sample: plain counter difference, nothing bridged', () => {
    const acc = new EnergyAccumulator();
    [sample(0, 100, 5_000), sample(100, 300, 25_000), sample(200, 100, 45_000)].forEach((s) => acc.add(s));
    expect(acc.method).toBe('counter');
    expect(acc.counterJ).toBeCloseTo(40, 9);
    expect(acc.bridgeJ).toBe(0);
    expect(acc.counterReads).toBe(3);
  });

  it('with a sparse counter: counter between the outermost readings, power integrated before and after them', () => {
    const acc = new EnergyAccumulator();
    // power 100 W, then the counter read at 200 ms and 1200 ms (1000 J apart: the GPU drew more than the
    // samples show between them — the counter is trusted there), then 100 W again until 1400 ms.
    [
      sample(0, 100, null),
      sample(100, 100, null),
      sample(200, 100, 7_000_000),
      sample(700, 100, null),
      sample(1200, 100, 8_000_000),
      sample(1300, 100, null),
      sample(1400, 100, null),
    ].forEach((s) => acc.add(s));
    expect(acc.method).toBe('counter_bridged');
    expect(acc.bridgeJ).toBeCloseTo(20 + 20, 9);
    expect(acc.counterJ).toBeCloseTo(20 + 1000 + 20, 9);
    expect(acc.integrated).toBeCloseTo(140, 9);
    expect(acc.counterReads).toBe(2);
  });

  it('a window with one counter reading is all bridge; without any, there is no counter figure', () => {
    const one = new EnergyAccumulator();
    [sample(0, 50, null), sample(1000, 50, 123), sample(2000, 50, null)].forEach((s) => one.add(s));
    expect(one.counterJ).toBeCloseTo(100, 9);
    expect(one.bridgeJ).toBeCloseTo(100, 9);
    const none = new EnergyAccumulator();
    [sample(0, 50, null), sample(1000, 50, null)].forEach((s) => none.add(s));
    expect([none.counterJ, none.bridgeJ, none.method]).toEqual([null, null, null]);
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
