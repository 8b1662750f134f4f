import type { TelemetrySample } from '../../contract/telemetry';

/**
 * Energy over a window of samples of one GPU, two ways, in O(1) memory (a run can last hours at 10 Hz):
 *  - counter: last − first reading of the total-energy counter (what Zeus does; exact to the driver's
 *    resolution, independent of the sampling rate);
 *  - integrated: trapezoidal integral of power over consecutive samples (what llem's NVML backend does, §8.3);
 *    a pair with a missing power reading is skipped, as llem does.
 */
export class EnergyAccumulator {
  private firstCounterMj: number | null = null;
  private lastCounterMj: number | null = null;
  private lastPower: { tMs: number; w: number } | null = null;
  private integratedJ = 0;
  private powerPairs = 0;
  count = 0;
  startMs: number | null = null;
  endMs: number | null = null;

  add(s: TelemetrySample): void {
    this.count++;
    if (this.startMs === null) this.startMs = s.tMs;
    this.endMs = s.tMs;
    if (s.energyMj !== null) {
      // A counter that goes backwards (driver reload) invalidates the difference; restart from here.
      if (this.lastCounterMj !== null && s.energyMj < this.lastCounterMj) this.firstCounterMj = null;
      if (this.firstCounterMj === null) this.firstCounterMj = s.energyMj;
      this.lastCounterMj = s.energyMj;
    }
    if (s.powerW !== null) {
      if (this.lastPower !== null && s.tMs > this.lastPower.tMs) {
        this.integratedJ += ((this.lastPower.w + s.powerW) / 2) * ((s.tMs - this.lastPower.tMs) / 1000);
        this.powerPairs++;
      }
      this.lastPower = { tMs: s.tMs, w: s.powerW };
    } else {
      this.lastPower = null;
    }
  }

  /** J, or null when there was no counter or it never advanced past one reading. */
  get counterJ(): number | null {
    if (this.firstCounterMj === null || this.lastCounterMj === null || this.count < 2) return null;
    return (this.lastCounterMj - this.firstCounterMj) / 1000;
  }

  /** J, or null with fewer than two consecutive power readings. */
  get integrated(): number | null {
    return this.powerPairs > 0 ? this.integratedJ : null;
  }
}

/** Trapezoidal energy (J) of a finished sample list; the same rule as EnergyAccumulator, for tests and exports. */
export function integratePowerJ(samples: readonly Pick<TelemetrySample, 'tMs' | 'powerW'>[]): number | null {
  let total = 0;
  let pairs = 0;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (a.powerW === null || b.powerW === null || b.tMs <= a.tMs) continue;
    total += ((a.powerW + b.powerW) / 2) * ((b.tMs - a.tMs) / 1000);
    pairs++;
  }
  return pairs > 0 ? total : null;
}
