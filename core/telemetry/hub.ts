import { ok, type Result } from '../../contract/result';
import type { RunEnergy, TelemetryFrame, TelemetryGpu, TelemetryPhase, TelemetrySample, TelemetrySourceKind } from '../../contract/telemetry';
import type { Db } from '../store/database';
import { DisplayCoalescer } from './coalescer';
import { EnergyAccumulator } from './energy';
import type { TelemetrySource } from './source';
import { TelemetryWriter, type TelemetryLayout } from './sampleWriterStore';

export interface TelemetryHubOptions {
  /** null = telemetry off: the hub still works (no samples, no energy). */
  source: TelemetrySource | null;
  /** Where samples are stored; null = display only (e.g. a live view with no campaign running). */
  db: Db | null;
  /** Storage layout (writer.ts); default `chunks` (telemetry_chunks). */
  layout?: TelemetryLayout;
  /** Subscriber rate limit; default 100 ms (= the default sampling rate, so no added latency). */
  displayIntervalMs?: number;
  flushIntervalMs?: number;
  onError?: (message: string) => void;
}

export type RunEnergyMeasured = Omit<RunEnergy, 'llemJ'>;

/**
 * Fans samples out: tags each with the current run/attempt/phase, stores it (batched), feeds the per-run
 * energy accumulators, and forwards it to subscribers at display rate.
 */
export class TelemetryHub {
  private runId: number | null = null;
  private attempt: number | null = null;
  private phase: TelemetryPhase = 'idle';
  private readonly listeners = new Set<(frame: TelemetryFrame) => void>();
  private readonly writer: TelemetryWriter | null;
  private readonly coalescer: DisplayCoalescer;
  private energy = new Map<string, EnergyAccumulator>();
  private started = false;
  /** The sampled GPUs, in CUDA's order for llem's environment (see visibleDevices.ts). */
  gpus: TelemetryGpu[] = [];
  readonly kind: TelemetrySourceKind;

  /** The GPU llem calls GPU 0 (CUDA device 0 = the first visible one): where llem's own energy figure belongs. */
  get llemGpuIndex(): number {
    return this.gpus[0]?.index ?? 0;
  }

  constructor(private readonly options: TelemetryHubOptions) {
    this.kind = options.source?.kind ?? 'off';
    this.writer = options.db
      ? new TelemetryWriter(options.db, { flushIntervalMs: options.flushIntervalMs, onError: options.onError, source: this.kind, layout: options.layout })
      : null;
    this.coalescer = new DisplayCoalescer(options.displayIntervalMs ?? 100, (samples, coalesced) => this.publish(samples, coalesced));
  }

  async start(): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    if (!this.options.source) return ok({ gpus: [] });
    const started = await this.options.source.start(
      (samples) => this.ingest(samples),
      (message) => this.options.onError?.(message),
    );
    if (started.ok) {
      this.gpus = started.value.gpus;
      this.started = true;
    }
    return started;
  }

  async stop(): Promise<void> {
    if (this.started) await this.options.source?.stop();
    this.started = false;
    this.coalescer.stop();
    this.writer?.close();
  }

  subscribe(listener: (frame: TelemetryFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** From now on samples belong to this run attempt; its energy windows start empty. */
  beginRun(runId: number, attempt: number): void {
    this.runId = runId;
    this.attempt = attempt;
    this.phase = 'starting';
    this.energy = new Map();
    this.boundary();
  }

  setPhase(phase: TelemetryPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.boundary();
  }

  private boundary(): void {
    if (!this.started) return;
    try {
      this.options.source?.markBoundary?.();
    } catch (e) {
      this.options.onError?.(`The sampler could not read its energy counter at a phase boundary: ${(e as Error).message}`);
    }
  }

  /** Ends the run attempt: flushes its samples to the store and returns its measured energy per GPU/window. */
  endRun(nextPhase: TelemetryPhase = 'idle'): RunEnergyMeasured[] {
    this.writer?.flush();
    const runId = this.runId;
    const attempt = this.attempt;
    const out: RunEnergyMeasured[] = [];
    if (runId !== null && attempt !== null) {
      for (const [key, acc] of [...this.energy.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const [gpu, window] = key.split(':') as [string, 'run' | 'measuring'];
        out.push({
          runId,
          attempt,
          gpuIndex: Number(gpu),
          window,
          counterJ: acc.counterJ,
          counterMethod: acc.method,
          bridgeJ: acc.bridgeJ,
          counterReads: acc.counterReads,
          gpuUuid: this.gpus.find((g) => g.index === Number(gpu))?.uuid ?? null,
          integratedJ: acc.integrated,
          sampleCount: acc.count,
          startMs: acc.startMs,
          endMs: acc.endMs,
        });
      }
    }
    this.runId = null;
    this.attempt = null;
    this.phase = nextPhase;
    this.energy = new Map();
    return out;
  }

  flush(): void {
    this.writer?.flush();
  }

  /** Entry point for sources (public for tests and benchmarks that drive the hub directly). */
  ingest(samples: TelemetrySample[]): void {
    const runId = this.runId;
    const attempt = this.attempt;
    const phase = this.phase;
    if (runId !== null) {
      for (const s of samples) {
        this.accumulator(s.gpuIndex, 'run').add(s);
        if (phase === 'measuring') this.accumulator(s.gpuIndex, 'measuring').add(s);
      }
    }
    this.writer?.add(samples.map((sample) => ({ sample, runId, attempt, phase })));
    if (this.listeners.size > 0) this.coalescer.push(samples);
  }

  private accumulator(gpu: number, window: 'run' | 'measuring'): EnergyAccumulator {
    const key = `${gpu}:${window}`;
    let acc = this.energy.get(key);
    if (!acc) {
      acc = new EnergyAccumulator();
      this.energy.set(key, acc);
    }
    return acc;
  }

  private publish(samples: TelemetrySample[], coalesced: number): void {
    const frame: TelemetryFrame = { source: this.kind, runId: this.runId, phase: this.phase, samples, coalesced };
    for (const listener of this.listeners) {
      try {
        listener(frame);
      } catch (e) {
        this.options.onError?.(`A telemetry subscriber failed: ${(e as Error).message}`);
      }
    }
  }
}
