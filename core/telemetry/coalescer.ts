import type { TelemetrySample } from '../../contract/telemetry';

/**
 * Limits how often subscribers hear about samples (the display rate) without adding delay when samples are
 * slower than that: the first batch after a quiet interval goes out at once (leading edge), later ones within
 * the interval are merged — newest sample per GPU — and go out when the interval ends (trailing edge).
 */
export class DisplayCoalescer {
  private pending = new Map<number, TelemetrySample>();
  private pendingCount = 0;
  private lastEmit = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (samples: TelemetrySample[], coalesced: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(samples: readonly TelemetrySample[]): void {
    for (const s of samples) {
      const prev = this.pending.get(s.gpuIndex);
      if (!prev || prev.tMs <= s.tMs) this.pending.set(s.gpuIndex, s);
      this.pendingCount++;
    }
    if (this.timer !== null) return;
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.pendingCount = 0;
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const samples = [...this.pending.values()].sort((a, b) => a.gpuIndex - b.gpuIndex);
    const count = this.pendingCount;
    this.pending = new Map();
    this.pendingCount = 0;
    this.lastEmit = this.now();
    this.emit(samples, count);
  }
}
