import koffi from 'koffi';
import { err, ok, type Result } from '../../../contract/result';
import type { TelemetryGpu, TelemetrySample } from '../../../contract/telemetry';
import { bindNvmlLibrary, openNvmlDevices, readNvmlSample, type NvmlApi, type NvmlDevice } from '../nvml/nvmlCalls';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from '../source';
import { resolveVisibleDevices } from '../visibleDevices';

/**
 * NVML (the library behind nvidia-smi) called in-process through koffi. It offers what nvidia-smi cannot: the
 * total-energy counter (mJ since driver load, Volta+) and instantaneous power (field NVML_FI_DEV_POWER_INSTANT;
 * nvmlDeviceGetPowerUsage is a 1 s average on Ampere and newer).
 *
 * This is the sampler as it was before issue 19: every call on this thread's timer, the energy counter on every
 * tick. The counter call busy-waits ~3.9 ms in the driver (H100, driver 580), so at 10 Hz it costs ~4 % of a core
 * and stalls this event loop. Runs use nvml/workerSource.ts (a worker thread, counter at 1 Hz + phase
 * boundaries); this one stays for the doctor's probe (open and close, no sampling), as the fallback where a
 * worker cannot start, and for the side-by-side benchmark (bench/sampler-cpu.ts).
 */
export function nvmlLibraryCandidates(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') {
    const sys = `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\nvml.dll`;
    const nvsmi = `${process.env.ProgramW6432 ?? process.env.ProgramFiles ?? 'C:\\Program Files'}\\NVIDIA Corporation\\NVSMI\\nvml.dll`;
    return ['nvml.dll', sys, nvsmi];
  }
  return ['libnvidia-ml.so.1', 'libnvidia-ml.so'];
}

export class NvmlSource implements TelemetrySource {
  readonly kind = 'nvml' as const;
  private api: NvmlApi | null = null;
  private devices: NvmlDevice[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs = DEFAULT_SAMPLE_INTERVAL_MS,
    /** `api`: a fake NVML (benchmarks); `env`: llem's environment, whose CUDA_VISIBLE_DEVICES picks the GPUs. */
    private readonly options: { api?: NvmlApi; env?: NodeJS.ProcessEnv } = {},
  ) {}

  /** Loads and initialises NVML and lists the GPUs (also used by the doctor). */
  open(): Result<{ gpus: TelemetryGpu[] }> {
    let api = this.options.api;
    if (!api) {
      const bound = bindNvmlLibrary(koffi, nvmlLibraryCandidates());
      if (!bound.ok) return err('nvml_unavailable', bound.message);
      api = bound.api;
    }
    const opened = openNvmlDevices(api);
    if (!opened.ok) return err(opened.code, opened.message);
    const env = this.options.env ?? process.env;
    const visible = resolveVisibleDevices(env.CUDA_VISIBLE_DEVICES, opened.devices, env.CUDA_DEVICE_ORDER);
    if (!visible.ok) {
      api.shutdown();
      return err('no_visible_gpu', visible.message, { path: 'CUDA_VISIBLE_DEVICES' });
    }
    // In CUDA's order: the first is the device llem calls GPU 0.
    const indices = [...new Set(visible.devices.map((d) => d.nvmlIndex))];
    this.api = api;
    this.devices = indices.map((i) => opened.devices.find((d) => d.index === i)!);
    return ok({ gpus: this.gpuList() });
  }

  private gpuList(): TelemetryGpu[] {
    return this.devices.map((d) => ({ index: d.index, name: d.name, uuid: d.uuid }));
  }

  async start(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    const opened = this.api ? ok({ gpus: this.gpuList() }) : this.open();
    if (!opened.ok) return opened;
    let reported = false;
    const tick = () => {
      try {
        sink(this.devices.map((d) => readNvmlSample(this.api!, d, true)));
      } catch (e) {
        if (!reported) onError(`NVML read failed: ${(e as Error).message}`);
        reported = true;
      }
    };
    this.timer = setInterval(tick, this.intervalMs);
    tick();
    return opened;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.api) this.api.shutdown();
    this.api = null;
    this.devices = [];
  }
}

/** Whether NVML can be opened here (for the doctor), closing it again. */
export function probeNvml(): Result<{ gpus: TelemetryGpu[] }> {
  const source = new NvmlSource();
  const opened = source.open();
  void source.stop();
  return opened;
}
