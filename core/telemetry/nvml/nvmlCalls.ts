/**
 * NVML calls shared by the main-thread sampler (sources/nvml.ts) and the worker-thread sampler (workerSource.ts).
 *
 * Every function here is SELF-CONTAINED: it uses only its parameters and JavaScript/Node globals, no import and
 * no module-level value. The worker is started from their source text (`fn.toString()`, see workerScript.ts), so
 * it needs no separate file that every bundler (CLI, Electron, GPU bundle) would have to learn to copy. Types are
 * fine (they vanish at compile time); a reference to anything outside the function is not (tests/unit/telemetry/
 * nvmlWorker.test.ts runs them inside a real worker).
 */

import type koffiModule from 'koffi';

export type NvmlFn = (...args: unknown[]) => number;

/** The NVML entry points the samplers use, with koffi's calling convention (out-params are 1-element arrays or objects). */
export interface NvmlApi {
  init: NvmlFn;
  shutdown: NvmlFn;
  errorString: (code: number) => string;
  getCount: NvmlFn;
  getHandle: NvmlFn;
  getName: NvmlFn;
  getUuid: NvmlFn | null;
  power: NvmlFn;
  energy: NvmlFn;
  temperature: NvmlFn;
  utilization: NvmlFn;
  memory: NvmlFn;
  clock: NvmlFn;
  reasons: NvmlFn | null;
  fieldValues: NvmlFn | null;
}

export interface NvmlDevice {
  index: number;
  handle: unknown;
  name: string;
  /** `GPU-xxxxxxxx-…` (null when the driver does not report one). */
  uuid: string | null;
  /** Reads that returned NOT_SUPPORTED once are not tried again. */
  unsupported: Set<string>;
}

/** What `readNvmlSample` returns: contract/telemetry.ts' TelemetrySample, spelled out so this file imports nothing. */
export interface NvmlSample {
  gpuIndex: number;
  tMs: number;
  powerW: number | null;
  powerInstant: boolean;
  energyMj: number | null;
  temperatureC: number | null;
  smUtilPct: number | null;
  memoryUsedMb: number | null;
  memoryTotalMb: number | null;
  smClockMhz: number | null;
  memClockMhz: number | null;
  throttleReasons: number | null;
}

type Koffi = typeof koffiModule;

/** Binds NVML through koffi (type names are process-wide in koffi, so they are declared once per thread). */
export function bindNvmlLibrary(koffi: Koffi, candidates: string[]): { ok: true; api: NvmlApi } | { ok: false; message: string } {
  let lib: ReturnType<Koffi['load']> | null = null;
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      lib = koffi.load(candidate);
      break;
    } catch (e) {
      failures.push(`${candidate}: ${(e as Error).message}`);
    }
  }
  if (!lib) return { ok: false, message: `NVML could not be loaded (${failures.join('; ')}).` };
  const loaded = lib;
  try {
    const g = globalThis as { __llemNvmlTypes?: boolean };
    if (!g.__llemNvmlTypes) {
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
      g.__llemNvmlTypes = true;
    }
    const fn = (proto: string) => loaded.func(proto) as unknown as NvmlFn;
    const optional = (proto: string): NvmlFn | null => {
      try {
        return fn(proto);
      } catch {
        return null;
      }
    };
    return {
      ok: true,
      api: {
        init: fn('int nvmlInit_v2()'),
        shutdown: fn('int nvmlShutdown()'),
        errorString: loaded.func('const char *nvmlErrorString(int result)') as unknown as (code: number) => string,
        getCount: fn('int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)'),
        getHandle: fn('int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)'),
        getName: fn('int nvmlDeviceGetName(nvmlDevice_t device, _Out_ uint8_t *name, unsigned int length)'),
        getUuid: optional('int nvmlDeviceGetUUID(nvmlDevice_t device, _Out_ uint8_t *uuid, unsigned int length)'),
        power: fn('int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *power)'),
        energy: fn('int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, _Out_ unsigned long long *energy)'),
        temperature: fn('int nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, _Out_ unsigned int *temp)'),
        utilization: fn('int nvmlDeviceGetUtilizationRates(nvmlDevice_t device, _Out_ nvmlUtilization_t *util)'),
        memory: fn('int nvmlDeviceGetMemoryInfo(nvmlDevice_t device, _Out_ nvmlMemory_t *memory)'),
        clock: fn('int nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, _Out_ unsigned int *clock)'),
        reasons:
          optional('int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)') ??
          optional('int nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device, _Out_ unsigned long long *reasons)'),
        fieldValues: optional('int nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, _Inout_ nvmlFieldValue_t *values)'),
      },
    };
  } catch (e) {
    return { ok: false, message: `NVML was found but its functions could not be bound: ${(e as Error).message}` };
  }
}

/** nvmlInit + every device with its name and UUID; shuts NVML down again on failure. */
export function openNvmlDevices(api: NvmlApi): { ok: true; devices: NvmlDevice[] } | { ok: false; code: string; message: string } {
  const describe = (code: number): string => {
    try {
      return `${api.errorString(code)} (${code})`;
    } catch {
      return `error ${code}`;
    }
  };
  const rc = api.init();
  if (rc !== 0) return { ok: false, code: 'nvml_init_failed', message: `nvmlInit failed: ${describe(rc)} (is the NVIDIA driver loaded?)` };
  const count = [0];
  const c = api.getCount(count);
  if (c !== 0) {
    api.shutdown();
    return { ok: false, code: 'nvml_failed', message: `nvmlDeviceGetCount failed: ${describe(c)}` };
  }
  const text = (buf: Buffer): string => buf.toString('utf8', 0, Math.max(0, buf.indexOf(0) < 0 ? buf.length : buf.indexOf(0)));
  const devices: NvmlDevice[] = [];
  for (let index = 0; index < (count[0] ?? 0); index++) {
    const out: unknown[] = [null];
    if (api.getHandle(index, out) !== 0) continue;
    const nameBuf = Buffer.alloc(96);
    const name = api.getName(out[0], nameBuf, nameBuf.length) === 0 ? text(nameBuf) : `GPU ${index}`;
    const uuidBuf = Buffer.alloc(96);
    const uuid = api.getUuid && api.getUuid(out[0], uuidBuf, uuidBuf.length) === 0 ? text(uuidBuf) || null : null;
    devices.push({ index, handle: out[0], name, uuid, unsupported: new Set() });
  }
  if (devices.length === 0) {
    api.shutdown();
    return { ok: false, code: 'no_gpu', message: 'NVML initialised but reports no GPU.' };
  }
  return { ok: true, devices };
}

/**
 * One sample of one device. `withCounter` decides whether the total-energy counter is read: that call busy-waits
 * ~4 ms of CPU on recent drivers (docs/gpu-run.md), every other read here costs µs.
 */
export function readNvmlSample(api: NvmlApi, d: NvmlDevice, withCounter: boolean): NvmlSample {
  const SUCCESS = 0;
  const NOT_SUPPORTED = 3;
  const toNumber = (v: unknown): number | null => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v === 'bigint') return Number(v);
    return null;
  };
  const tMs = Date.now();
  const uint = (key: string, call: (out: number[]) => number): number | null => {
    if (d.unsupported.has(key)) return null;
    const out = [0];
    const rc = call(out);
    if (rc === NOT_SUPPORTED) d.unsupported.add(key);
    return rc === SUCCESS ? toNumber(out[0]) : null;
  };
  let powerW: number | null = null;
  let powerInstant = false;
  if (api.fieldValues && !d.unsupported.has('instant')) {
    // NVML_FI_DEV_POWER_INSTANT = 186 (nvmlDeviceGetPowerUsage is a 1 s average on Ampere and newer).
    const fv = { fieldId: 186, scopeId: 0, timestamp: 0, latencyUsec: 0, valueType: 0, nvmlReturn: 0, value: 0 };
    const rc = api.fieldValues(d.handle, 1, fv);
    if (rc === SUCCESS && fv.nvmlReturn === SUCCESS) {
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
  const utilOk = !d.unsupported.has('util') && api.utilization(d.handle, util) === SUCCESS;
  const mem = { total: 0, free: 0, used: 0 };
  const memOk = !d.unsupported.has('mem') && api.memory(d.handle, mem) === SUCCESS;
  const reasons = api.reasons ? uint('reasons', (o) => api.reasons!(d.handle, o)) : null;
  return {
    gpuIndex: d.index,
    tMs,
    powerW,
    powerInstant,
    energyMj: withCounter ? uint('energy', (o) => api.energy(d.handle, o)) : null,
    temperatureC: uint('temp', (o) => api.temperature(d.handle, 0 /* NVML_TEMPERATURE_GPU */, o)),
    smUtilPct: utilOk ? toNumber(util.gpu) : null,
    memoryUsedMb: memOk ? (toNumber(mem.used) ?? 0) / (1024 * 1024) : null,
    memoryTotalMb: memOk ? (toNumber(mem.total) ?? 0) / (1024 * 1024) : null,
    smClockMhz: uint('smclk', (o) => api.clock(d.handle, 1 /* NVML_CLOCK_SM */, o)),
    memClockMhz: uint('memclk', (o) => api.clock(d.handle, 2 /* NVML_CLOCK_MEM */, o)),
    throttleReasons: reasons !== null && Number.isSafeInteger(reasons) ? reasons : null,
  };
}

export interface FakeNvmlOptions {
  /** One entry per fake GPU. */
  gpus: { name: string; uuid: string; baseW: number; swingW: number }[];
  /** CPU time the energy-counter call burns in a busy wait, ms (driver 580 on an H100: ~3.9 ms). */
  energyCallBusyMs: number;
  /** Period of the fake power's sine wave, ms. */
  periodMs?: number;
}

/**
 * A stand-in for NVML with koffi's calling convention, for benchmarks and tests (no GPU here). Power follows
 * `baseW + swingW·sin(2πt/period)`; the energy counter is its exact integral since the epoch, in mJ, so a
 * sampler's bridged energy can be checked against the truth. Its energy call busy-waits like the real driver's.
 */
export function createFakeNvml(options: FakeNvmlOptions): NvmlApi {
  const period = options.periodMs ?? 7000;
  const omega = (2 * Math.PI) / period;
  const powerAt = (g: FakeNvmlOptions['gpus'][number], tMs: number) => g.baseW + g.swingW * Math.sin(omega * tMs);
  // ∫ power dt in J from 0 to t (t in ms): base·t/1000 + swing·(1 − cos ωt)/(ω·1000)
  const energyJAt = (g: FakeNvmlOptions['gpus'][number], tMs: number) => (g.baseW * tMs) / 1000 + (g.swingW * (1 - Math.cos(omega * tMs))) / (omega * 1000);
  const gpuOf = (handle: unknown) => options.gpus[handle as number]!;
  const writeText = (buf: Buffer, text: string) => {
    buf.fill(0);
    buf.write(text.slice(0, buf.length - 1), 'utf8');
    return 0;
  };
  const ok = 0;
  return {
    init: () => ok,
    shutdown: () => ok,
    errorString: (code: number) => `fake NVML error ${code}`,
    getCount: (out) => {
      (out as number[])[0] = options.gpus.length;
      return ok;
    },
    getHandle: (index, out) => {
      (out as unknown[])[0] = index;
      return ok;
    },
    getName: (handle, buf) => writeText(buf as Buffer, gpuOf(handle).name),
    getUuid: (handle, buf) => writeText(buf as Buffer, gpuOf(handle).uuid),
    power: (handle, out) => {
      (out as number[])[0] = Math.round(powerAt(gpuOf(handle), Date.now()) * 1000);
      return ok;
    },
    energy: (handle, out) => {
      (out as number[])[0] = Math.round(energyJAt(gpuOf(handle), Date.now()) * 1000);
      const until = performance.now() + options.energyCallBusyMs;
      while (performance.now() < until) {
        // the real driver busy-waits here (docs/gpu-run.md)
      }
      return ok;
    },
    temperature: (_handle, _sensor, out) => {
      (out as number[])[0] = 60;
      return ok;
    },
    utilization: (_handle, util) => {
      (util as { gpu: number }).gpu = 97;
      return ok;
    },
    memory: (_handle, mem) => {
      const m = mem as { total: number; used: number; free: number };
      m.total = 80 * 1024 ** 3;
      m.used = 20 * 1024 ** 3;
      m.free = m.total - m.used;
      return ok;
    },
    clock: (_handle, type, out) => {
      (out as number[])[0] = type === 1 ? 1980 : 2619;
      return ok;
    },
    reasons: (_handle, out) => {
      (out as number[])[0] = 0;
      return ok;
    },
    fieldValues: (handle, _count, fv) => {
      const f = fv as { nvmlReturn: number; value: number; valueType: number };
      f.valueType = 1;
      f.nvmlReturn = ok;
      f.value = Math.round(powerAt(gpuOf(handle), Date.now()) * 1000);
      return ok;
    },
  };
}
