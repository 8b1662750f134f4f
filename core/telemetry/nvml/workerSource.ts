import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from '../../../contract/result';
import type { TelemetryGpu, TelemetrySample } from '../../../contract/telemetry';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from '../source';
import { NvmlSource, nvmlLibraryCandidates } from '../sources/nvml';
import { resolveVisibleDevices } from '../visibleDevices';
import type { FakeNvmlOptions } from './nvmlCalls';
import type { FromWorker, NvmlDriverSpec, NvmlWorkerData, ToWorker } from './workerMain';
import { nvmlWorkerScript } from './workerScript';

/** The sampler thread could not run (as opposed to NVML failing inside it). */
const THREAD_FAILED = 'nvml_thread_failed';

/** The energy counter's default rate: once a second, plus at every phase boundary (issue 19). */
export const DEFAULT_COUNTER_INTERVAL_MS = 1000;

export interface NvmlWorkerSourceOptions {
  intervalMs?: number;
  counterIntervalMs?: number;
  /** The environment llem runs with: its CUDA_VISIBLE_DEVICES picks the GPUs sampled. */
  env?: NodeJS.ProcessEnv;
  /** Benchmarks and tests: a fake NVML instead of the driver's library. */
  fake?: FakeNvmlOptions;
  /** Tests: where the thread loads koffi from (default: resolved from this module). */
  koffiPath?: string;
}

/**
 * NVML sampled on a worker thread (workerMain.ts): power and the rest at 10 Hz, the total-energy counter at 1 Hz
 * and at every phase boundary (`markBoundary`). The counter call busy-waits ~4 ms in the driver; on this
 * thread it would stall the event loop that also serves the UI, and at 10 Hz it cost 4 % of a core by itself.
 */
export class NvmlWorkerSource implements TelemetrySource {
  readonly kind = 'nvml' as const;
  private worker: Worker | null = null;
  private fallback: NvmlSource | null = null;
  private gpus: TelemetryGpu[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly options: NvmlWorkerSourceOptions = {}) {}

  get counterIntervalMs(): number {
    return this.options.counterIntervalMs ?? DEFAULT_COUNTER_INTERVAL_MS;
  }

  /**
   * Starts the sampler thread. Where the thread itself cannot run (no worker threads, koffi not loadable from a
   * thread in some packaging), it falls back to sampling on this thread (sources/nvml.ts: counter at 10 Hz) and
   * says so through `onError`; NVML's own failures (no driver, no GPU) are returned as they are.
   */
  async start(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    const started = await this.startWorker(sink, onError);
    if (started.ok || started.error.code !== THREAD_FAILED || this.options.fake) return started;
    const fallback = new NvmlSource(this.options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS, { env: this.options.env });
    const opened = await fallback.start(sink, onError);
    if (!opened.ok) return opened;
    this.fallback = fallback;
    this.gpus = opened.value.gpus;
    onError(`${started.error.message} Sampling NVML on the main thread instead (energy counter at 10 Hz, ~4 % of a core on recent drivers).`);
    return opened;
  }

  private async startWorker(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    if (this.worker) return ok({ gpus: this.gpus });
    const driver: NvmlDriverSpec = this.options.fake ? { kind: 'fake', options: this.options.fake } : koffiDriver(this.options.koffiPath);
    const workerData: NvmlWorkerData = {
      driver,
      intervalMs: this.options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
      counterIntervalMs: this.counterIntervalMs,
    };
    let worker: Worker;
    try {
      worker = new Worker(nvmlWorkerScript(), { eval: true, workerData });
    } catch (e) {
      return err(THREAD_FAILED, `The NVML sampler thread could not start: ${(e as Error).message}.`);
    }
    const env = this.options.env ?? process.env;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: Result<{ gpus: TelemetryGpu[] }>) => {
        if (!settled) resolve(r);
        settled = true;
      };
      worker.on('error', (e) => {
        if (!settled) settle(err(THREAD_FAILED, `The NVML sampler thread failed: ${e.message}.`));
        else onError(`The NVML sampler thread failed: ${e.message}`);
        this.worker = null;
      });
      worker.on('exit', () => {
        if (!settled) settle(err(THREAD_FAILED, 'The NVML sampler thread ended before it opened NVML.'));
      });
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'samples':
            sink(m.samples);
            return;
          case 'read_failed':
            onError(m.message);
            return;
          case 'open_failed':
            settle(err(m.code, m.message));
            void worker.terminate();
            return;
          case 'opened': {
            const visible = resolveVisibleDevices(env.CUDA_VISIBLE_DEVICES, m.gpus, env.CUDA_DEVICE_ORDER);
            if (!visible.ok) {
              settle(err('no_visible_gpu', visible.message, { path: 'CUDA_VISIBLE_DEVICES' }));
              void worker.terminate();
              return;
            }
            this.warnings.push(...visible.warnings);
            const indices = [...new Set(visible.devices.map((d) => d.nvmlIndex))];
            // In CUDA's order: the first is the device llem calls GPU 0.
            this.gpus = indices.map((i) => m.gpus.find((g) => g.index === i)!).map((g) => ({ index: g.index, name: g.name, uuid: g.uuid }));
            this.worker = worker;
            this.post({ type: 'start', indices });
            settle(ok({ gpus: this.gpus }));
            return;
          }
          case 'stopped':
            return;
        }
      });
    });
  }

  /** A phase boundary: read the energy counter now (on the sampler thread; the sample follows in a few ms). */
  markBoundary(): void {
    this.post({ type: 'boundary' });
  }

  async stop(): Promise<void> {
    if (this.fallback) await this.fallback.stop();
    this.fallback = null;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    // NVML shuts down on the thread that opened it; a thread stuck in the driver is not waited for forever.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([exited, timeout]);
    await worker.terminate();
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }
}

function koffiDriver(given?: string): NvmlDriverSpec {
  let koffiPath = given ?? 'koffi';
  try {
    if (given === undefined) koffiPath = createRequire(import.meta.url).resolve('koffi');
  } catch {
    // resolved by the worker's own require from the working directory, which reports clearly if it fails
  }
  return { kind: 'koffi', koffiPath, candidates: nvmlLibraryCandidates() };
}
