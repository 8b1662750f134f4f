import koffi from 'koffi';
import { err, ok, type Result } from '../../../contract/result';
import type { TelemetryGpu, TelemetrySample } from '../../../contract/telemetry';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from '../source';

/**
 * Preferred source: NVML (the library behind nvidia-smi) called in-process through koffi. It offers what
 * nvidia-smi cannot: the total-energy counter (mJ since driver load, Volta+) and instantaneous power
 * (field NVML_FI_DEV_POWER_INSTANT; nvmlDeviceGetPowerUsage is a 1 s average on Ampere and newer).
 * Calls are synchronous and cheap (µs; the energy counter ~ms), so they run on the timer directly.
 */
const NVML_SUCCESS = 0;
const NVML_FI_DEV_POWER_INSTANT = 186;
const NVML_TEMPERATURE_GPU = 0;
const NVML_CLOCK_SM = 1;
const NVML_CLOCK_MEM = 2;

export function nvmlLibraryCandidates(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') {
    const sys = `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\nvml.dll`;
    const nvsmi = `${process.env.ProgramW6432 ?? process.env.ProgramFiles ?? 'C:\\Program Files'}\\NVIDIA Corporation\\NVSMI\\nvml.dll`;
    return ['nvml.dll', sys, nvsmi];
  }
  return ['libnvidia-ml.so.1', 'libnvidia-ml.so'];
}

type Fn = (...args: unknown[]) => number;
interface NvmlApi {
  init: Fn;
  shutdown: Fn;
  errorString: (code: number) => string;
  getCount: Fn;
  getHandle: Fn;
  getName: Fn;
  power: Fn;
  energy: Fn;
  temperature: Fn;
  utilization: Fn;
  memory: Fn;
  clock: Fn;
  reasons: Fn | null;
  fieldValues: Fn | null;
}

let typesDefined = false;
/** koffi registers type names process-wide, so they are declared once however many sources are made. */
function defineTypes(): void {
  if (typesDefined) return;
  koffi.pointer('nvmlDevice_t', koffi.opaque('nvmlDevice_st'));
  koffi.struct('nvmlUtilization_t', { gpu: 'unsigned int', memory: 'unsigned int' });
  koffi.struct('nvmlMemory_t', { total: 'unsigned long long', free: 'unsigned long long', used: 'unsigned long long' });
  // The value union (double / uint / ulong / ullong / sllong / sint / ushort) is 8 bytes, 8-aligned; it is
  // declared as one 64-bit integer and the member the field's valueType names is picked out after the call.
  koffi.struct('nvmlFieldValue_t', {
    fieldId: 'unsigned int',
    scopeId: 'unsigned int',
    timestamp: 'long long',
    latencyUsec: 'long long',
    valueType: 'int',
    nvmlReturn: 'int',
    value: 'unsigned long long',
  });
  typesDefined = true;
}

function loadApi(): Result<NvmlApi> {
  let lib: ReturnType<typeof koffi.load> | null = null;
  const failures: string[] = [];
  for (const candidate of nvmlLibraryCandidates()) {
    try {
      lib = koffi.load(candidate);
      break;
    } catch (e) {
      failures.push(`${candidate}: ${(e as Error).message}`);
    }
  }
  if (!lib) return err('nvml_unavailable', `NVML could not be loaded (${failures.join('; ')}).`);
  try {
    defineTypes();
    const optional = (proto: string): Fn | null => {
      try {
        return lib.func(proto) as unknown as Fn;
      } catch {
        return null;
      }
    };
    const api: NvmlApi = {
      init: lib.func('int nvmlInit_v2()') as unknown as Fn,
      shutdown: lib.func('int nvmlShutdown()') as unknown as Fn,
      errorString: lib.func('const char *nvmlErrorString(int result)') as unknown as (code: number) => string,
      getCount: lib.func('int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)') as unknown as Fn,
      getHandle: lib.func('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)') as unknown as Fn,
      getName: lib.func('int nvmlDeviceGetName(nvmlDevice_t device, _Out_ uint8_t *name, unsigned int length)') as unknown as Fn,
      power: lib.func('int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *power)') as unknown as Fn,
      energy: lib.func('int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, _Out_ unsigned long long *energy)') as unknown as Fn,
      temperature: lib.func('int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, _Out_ unsigned int *temp)') as unknown as Fn,
      utilization: lib.func('int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, _Out_ nvmlUtilization_t *util)') as unknown as Fn,
      memory: lib.func('int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)') as unknown as Fn,
      clock: lib.func('int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, _Out_ unsigned int *clock)') as unknown as Fn,
      reasons:
        optional('int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)') ??
        optional('int nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)'),
      fieldValues: optional('int nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, _Inout_ nvmlFieldValue_t *values)'),
    };
    return ok(api);
  } catch (e) {
    return err('nvml_unavailable', `NVML was found but its functions could not be bound: ${(e as Error).message}`);
  }
}

const toNumber = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  return null;
};

interface Device {
  index: number;
  handle: unknown;
  name: string;
  /** Reads that returned NOT_SUPPORTED once are not tried again. */
  unsupported: Set<string>;
}

export class NvmlSource implements TelemetrySource {
  readonly kind = 'nvml' as const;
  private api: NvmlApi | null = null;
  private devices: Device[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs = DEFAULT_SAMPLE_INTERVAL_MS) {}

  /** Loads and initialises NVML and lists the GPUs (also used by the doctor). */
  open(): Result<{ gpus: TelemetryGpu[] }> {
    const loaded = loadApi();
    if (!loaded.ok) return loaded;
    const api = loaded.value;
    const rc = api.init();
    if (rc !== NVML_SUCCESS) return err('nvml_init_failed', `nvmlInit failed: ${safeError(api, rc)} (is the NVIDIA driver loaded?)`);
    const count = [0];
    const c = api.getCount(count);
    if (c !== NVML_SUCCESS) {
      api.shutdown();
      return err('nvml_failed', `nvmlDeviceGetCount failed: ${safeError(api, c)}`);
    }
    const devices: Device[] = [];
    for (let index = 0; index < (count[0] ?? 0); index++) {
      const out: unknown[] = [null];
      if (api.getHandle(index, out) !== NVML_SUCCESS) continue;
      const buf = Buffer.alloc(96);
      const name = api.getName(out[0], buf, buf.length) === NVML_SUCCESS ? buf.toString('utf8', 0, Math.max(0, buf.indexOf(0))) : `GPU ${index}`;
      devices.push({ index, handle: out[0], name, unsupported: new Set() });
    }
    if (devices.length === 0) {
      api.shutdown();
      return err('no_gpu', 'NVML initialised but reports no GPU.');
    }
    this.api = api;
    this.devices = devices;
    return ok({ gpus: devices.map((d) => ({ index: d.index, name: d.name })) });
  }

  async start(sink: (samples: TelemetrySample[]) => void, onError: (message: string) => void): Promise<Result<{ gpus: TelemetryGpu[] }>> {
    const opened = this.api ? ok({ gpus: this.devices.map((d) => ({ index: d.index, name: d.name })) }) : this.open();
    if (!opened.ok) return opened;
    let reported = false;
    const tick = () => {
      try {
        sink(this.devices.map((d) => this.read(d)));
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

  private read(d: Device): TelemetrySample {
    const api = this.api!;
    const tMs = Date.now();
    const uint = (key: string, call: (out: number[]) => number): number | null => {
      if (d.unsupported.has(key)) return null;
      const out = [0];
      const rc = call(out);
      if (rc === 3 /* NOT_SUPPORTED */) d.unsupported.add(key);
      return rc === NVML_SUCCESS ? toNumber(out[0]) : null;
    };
    let powerW: number | null = null;
    let powerInstant = false;
    if (api.fieldValues && !d.unsupported.has('instant')) {
      const fv = { fieldId: NVML_FI_DEV_POWER_INSTANT, scopeId: 0, timestamp: 0, latencyUsec: 0, valueType: 0, nvmlReturn: 0, value: 0 };
      const rc = api.fieldValues(d.handle, 1, fv);
      if (rc === NVML_SUCCESS && fv.nvmlReturn === NVML_SUCCESS) {
        // valueType 1 = unsigned int (mW): the low 32 bits of the union.
        const raw = BigInt(fv.value as unknown as number | bigint) & 0xffffffffn;
        powerW = Number(raw) / 1000;
        powerInstant = true;
      } else {
        d.unsupported.add('instant');
      }
    }
    if (powerW === null) {
      const mw = uint('power', (o) => api.power(d.handle, o));
      powerW = mw === null ? null : mw / 1000;
    }
    const util = { gpu: 0, memory: 0 };
    const utilOk = !d.unsupported.has('util') && api.utilization(d.handle, util) === NVML_SUCCESS;
    const mem = { total: 0, free: 0, used: 0 };
    const memOk = !d.unsupported.has('mem') && api.memory(d.handle, mem) === NVML_SUCCESS;
    const reasons = api.reasons ? uint('reasons', (o) => api.reasons!(d.handle, o)) : null;
    return {
      gpuIndex: d.index,
      tMs,
      powerW,
      powerInstant,
      energyMj: uint('energy', (o) => api.energy(d.handle, o)),
      temperatureC: uint('temp', (o) => api.temperature(d.handle, NVML_TEMPERATURE_GPU, o)),
      smUtilPct: utilOk ? toNumber(util.gpu) : null,
      memoryUsedMb: memOk ? (toNumber(mem.used) ?? 0) / (1024 * 1024) : null,
      memoryTotalMb: memOk ? (toNumber(mem.total) ?? 0) / (1024 * 1024) : null,
      smClockMhz: uint('smclk', (o) => api.clock(d.handle, NVML_CLOCK_SM, o)),
      memClockMhz: uint('memclk', (o) => api.clock(d.handle, NVML_CLOCK_MEM, o)),
      throttleReasons: reasons !== null && Number.isSafeInteger(reasons) ? reasons : null,
    };
  }
}

function safeError(api: NvmlApi, code: number): string {
  try {
    return `${api.errorString(code)} (${code})`;
  } catch {
    return `error ${code}`;
  }
}

/** Whether NVML can be opened here (for the doctor), closing it again. */
export function probeNvml(): Result<{ gpus: TelemetryGpu[] }> {
  const source = new NvmlSource();
  const opened = source.open();
  void source.stop();
  return opened;
}
