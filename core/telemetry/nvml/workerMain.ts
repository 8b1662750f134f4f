import type * as workerThreads from 'node:worker_threads';
import type { bindNvmlLibrary, createFakeNvml, FakeNvmlOptions, NvmlApi, NvmlDevice, openNvmlDevices, readNvmlSample } from './nvmlCalls';

/** How the worker gets its NVML: the real library through koffi, or the fake (benchmarks, tests). */
export type NvmlDriverSpec = { kind: 'koffi'; koffiPath: string; candidates: string[] } | { kind: 'fake'; options: FakeNvmlOptions };

export interface NvmlWorkerData {
  driver: NvmlDriverSpec;
  intervalMs: number;
  /** The energy counter is read at most this often, plus on every boundary request. */
  counterIntervalMs: number;
}

/** main → worker */
export type ToWorker = { type: 'start'; indices: number[] } | { type: 'boundary' } | { type: 'stop' };
/** worker → main */
export type FromWorker =
  | { type: 'opened'; gpus: { index: number; name: string; uuid: string | null }[] }
  | { type: 'open_failed'; code: string; message: string }
  | { type: 'samples'; samples: ReturnType<typeof readNvmlSample>[] }
  | { type: 'read_failed'; message: string }
  | { type: 'stopped' };

export interface NvmlWorkerDeps {
  bindNvmlLibrary: typeof bindNvmlLibrary;
  createFakeNvml: typeof createFakeNvml;
  openNvmlDevices: typeof openNvmlDevices;
  readNvmlSample: typeof readNvmlSample;
  require: (id: string) => unknown;
}

/**
 * The sampler's thread (SELF-CONTAINED, like nvmlCalls.ts: it is started from its source text). It owns NVML:
 * opens it, reports the devices, then on `start` reads the chosen devices every `intervalMs` — power,
 * temperature, clocks… every tick; the total-energy counter (a ~4 ms busy wait in the driver) only every
 * `counterIntervalMs` and at once on a `boundary` request (a phase change the runner saw). The busy wait thus
 * never blocks the event loop that serves the UI, and happens 10x less often than at 10 Hz.
 */
export function nvmlWorkerMain(deps: NvmlWorkerDeps): void {
  const { parentPort, workerData } = deps.require('node:worker_threads') as typeof workerThreads;
  const data = workerData as NvmlWorkerData;
  const port = parentPort!;
  const post = (m: FromWorker) => port.postMessage(m);
  let api: NvmlApi;
  if (data.driver.kind === 'fake') {
    api = deps.createFakeNvml(data.driver.options);
  } else {
    let koffi: Parameters<typeof bindNvmlLibrary>[0];
    try {
      koffi = deps.require(data.driver.koffiPath) as typeof koffi;
    } catch (e) {
      post({ type: 'open_failed', code: 'nvml_thread_failed', message: `koffi could not be loaded in the sampler thread: ${(e as Error).message}.` });
      return;
    }
    const bound = deps.bindNvmlLibrary(koffi, data.driver.candidates);
    if (!bound.ok) {
      post({ type: 'open_failed', code: 'nvml_unavailable', message: bound.message });
      return;
    }
    api = bound.api;
  }
  const opened = deps.openNvmlDevices(api);
  if (!opened.ok) {
    post({ type: 'open_failed', code: opened.code, message: opened.message });
    return;
  }
  post({ type: 'opened', gpus: opened.devices.map((d) => ({ index: d.index, name: d.name, uuid: d.uuid })) });

  let devices: NvmlDevice[] = [];
  let timer: ReturnType<typeof setInterval> | null = null;
  let lastCounterMs = -Infinity;
  let reported = false;
  const tick = (forceCounter: boolean) => {
    const now = Date.now();
    // Half a tick of slack: at 100 ms ticks a 1000 ms counter interval reads every 10th tick, not every 11th.
    const withCounter = forceCounter || now - lastCounterMs >= data.counterIntervalMs - data.intervalMs / 2;
    if (withCounter) lastCounterMs = now;
    try {
      post({ type: 'samples', samples: devices.map((d) => deps.readNvmlSample(api, d, withCounter)) });
    } catch (e) {
      if (!reported) post({ type: 'read_failed', message: `NVML read failed: ${(e as Error).message}` });
      reported = true;
    }
  };
  port.on('message', (m: ToWorker) => {
    if (m.type === 'start') {
      devices = opened.devices.filter((d) => m.indices.includes(d.index));
      if (timer === null) timer = setInterval(() => tick(false), data.intervalMs);
      tick(true);
    } else if (m.type === 'boundary') {
      if (timer !== null) tick(true);
    } else if (m.type === 'stop') {
      if (timer !== null) clearInterval(timer);
      timer = null;
      api.shutdown();
      post({ type: 'stopped' });
      port.close();
    }
  });
}
