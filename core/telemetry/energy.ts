import type { TelemetrySample } from '../../contract/telemetry';

/**
 * How a window's counter-based energy (`counterJ`) was made (stored per figure in run_energy.counter_method):
 *  - `counter`: the total-energy counter was read on every sample of the window (the sampler before issue 19,
 *    at 10 Hz): last − first reading, nothing estimated;
 *  - `counter_bridged`: the counter was read at a lower rate (1 Hz, plus at every phase boundary the runner
 *    sees); the counter difference between the first and last reading in the window, plus the stretches before
 *    the first and after the last reading integrated from the 10 Hz power samples (`bridgeJ`).
 * `null` = no counter reading in the window (nvidia-smi, old GPUs): only `integratedJ` exists.
 */
export type CounterMethod = 'counter' | 'counter_bridged';

/**
 * Energy over a window of samples of one GPU, two ways, in O(1) memory (a run can last hours at 10 Hz):
 *  - counter: total-energy counter differences (what Zeus does; exact to the driver's resolution), bridged at
 *    the window's edges by integrated power where the counter was not read on the edge sample;
 *  - integrated: trapezoidal integral of power over consecutive samples (what llem's NVML backend does, §8.3);
 *    a pair with a missing power reading is skipped, as llem does.
 * A counter that goes backwards (driver reload) closes one counter segment and opens the next; the stretch
 * between the two readings is bridged by integrated power, like an edge.
 */
export class EnergyAccumulator {
  private firstCounterMj: number | null = null;
  private lastCounterMj: number | null = null;
  /** Counter energy of segments closed by a counter reset, J. */
  private closedSegmentsJ = 0;
  private lastPower: { tMs: number; w: number } | null = null;
  private integratedJ = 0;
  private powerPairs = 0;
  /** Integrated power since the last counter reading (or since the window start before the first one), J. */
  private sinceCounterJ = 0;
  /** Integrated power before the first counter reading, J (fixed once the first reading arrives). */
  private leadJ = 0;
  private resetBridgesJ = 0;
  /** Samples of the window that carried no counter reading while the window had at least one that did. */
  private samplesWithoutCounter = 0;
  count = 0;
  counterReads = 0;
  startMs: number | null = null;
  endMs: number | null = null;

  add(s: TelemetrySample): void {
    this.count++;
    if (this.startMs === null) this.startMs = s.tMs;
    this.endMs = s.tMs;
    if (s.powerW !== null) {
      if (this.lastPower !== null && s.tMs > this.lastPower.tMs) {
        const pairJ = ((this.lastPower.w + s.powerW) / 2) * ((s.tMs - this.lastPower.tMs) / 1000);
        this.integratedJ += pairJ;
        this.sinceCounterJ += pairJ;
        this.powerPairs++;
      }
      this.lastPower = { tMs: s.tMs, w: s.powerW };
    } else {
      this.lastPower = null;
    }
    if (s.energyMj === null) {
      this.samplesWithoutCounter++;
      return;
    }
    this.counterReads++;
    if (this.firstCounterMj === null) {
      this.firstCounterMj = s.energyMj;
      this.leadJ = this.sinceCounterJ;
    } else if (this.lastCounterMj !== null && s.energyMj < this.lastCounterMj) {
      // Driver reload: keep the energy counted so far, bridge the gap by power, restart from this reading.
      this.closedSegmentsJ += (this.lastCounterMj - this.firstCounterMj) / 1000;
      this.resetBridgesJ += this.sinceCounterJ;
      this.firstCounterMj = s.energyMj;
    }
    this.lastCounterMj = s.energyMj;
    this.sinceCounterJ = 0;
  }

  /** The window's energy from the counter, bridged where needed (see `method`), J; null without a reading. */
  get counterJ(): number | null {
    if (this.firstCounterMj === null || this.lastCounterMj === null || this.count < 2) return null;
    return this.closedSegmentsJ + (this.lastCounterMj - this.firstCounterMj) / 1000 + this.bridgeJ!;
  }

  /** The part of `counterJ` that comes from integrated power (edges and reset gaps), J; null without a reading. */
  get bridgeJ(): number | null {
    if (this.firstCounterMj === null) return null;
    return this.leadJ + this.resetBridgesJ + this.sinceCounterJ;
  }

  get method(): CounterMethod | null {
    if (this.counterJ === null) return null;
    return this.samplesWithoutCounter === 0 && this.resetBridgesJ === 0 ? 'counter' : 'counter_bridged';
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
