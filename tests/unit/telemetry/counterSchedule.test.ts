import { describe, expect, it } from 'vitest';
import type { TelemetryPhase, TelemetrySample } from '../../../contract/telemetry';
import { thinCounterReadings } from '../../../core/telemetry/counterSchedule';

const s = (tMs: number, energyMj: number | null = tMs * 100): TelemetrySample => ({
  gpuIndex: 0,
  tMs,
  powerW: 100,
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

describe('the 1 Hz + boundaries counter schedule applied to a 10 Hz recording', () => {
  it('keeps the first reading, one per second (half a tick of slack), and the first of every phase', () => {
    const phases: TelemetryPhase[] = [];
    for (let i = 0; i < 35; i++) phases.push(i < 13 ? 'loading' : 'measuring');
    // ticks drift a little, as real timers do: 100–102 ms apart
    let t = 0;
    const tagged = phases.map((phase, i) => ({ sample: s((t += i === 0 ? 0 : 100 + (i % 3))), phase }));
    const kept = thinCounterReadings(tagged, { counterIntervalMs: 1000, tickMs: 100 })
      .map((x, i) => (x.sample.energyMj === null ? null : i))
      .filter((i) => i !== null);
    // 0: first; 10: ~1003 ms later; 13: measuring starts (boundary); 23, 33: a second after the last reading.
    expect(kept).toEqual([0, 10, 13, 23, 33]);
    expect(tagged.every((x) => x.sample.energyMj !== null)).toBe(true); // the input is not modified
  });

  it('a sample without a counter is not counted as a reading', () => {
    const tagged = [s(0, null), s(100), s(200)].map((sample) => ({ sample, phase: 'measuring' as const }));
    const out = thinCounterReadings(tagged, { counterIntervalMs: 1000, tickMs: 100 });
    expect(out.map((x) => x.sample.energyMj)).toEqual([null, 10_000, null]);
  });
});
