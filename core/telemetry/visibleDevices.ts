/**
 * Which NVML devices a CUDA process sees, from its CUDA_VISIBLE_DEVICES (pure: no NVML, no environment access,
 * so the SLURM node sampler can mirror it line for line).
 *
 * CUDA's rules, as documented in the CUDA C Programming Guide (env vars) and nvidia-smi's UUID forms:
 *  - unset: every device; set but empty: none;
 *  - a comma-separated list of entries, each an ordinal (`0`), a GPU UUID or a unique prefix of one
 *    (`GPU-8d3e…`, the `GPU-` part included), a MIG instance UUID (`MIG-…`), or the older MIG form
 *    `MIG-GPU-<gpu uuid>/<gi>/<ci>`;
 *  - parsing stops at the first entry that names no device (a typo hides every device after it), and a
 *    device named twice is such an entry too.
 * A MIG instance maps to its parent GPU: NVML's energy counter and power are per physical GPU, so the energy of
 * a MIG run is the whole GPU's (shared with the other instances); `mig: true` says so.
 * Ordinals are CUDA's ordinals, which equal NVML's indices only in PCI bus order: CUDA's default order is
 * "fastest first", the same for identical GPUs; for mixed GPUs without CUDA_DEVICE_ORDER=PCI_BUS_ID the
 * mapping is reported as uncertain.
 */

export interface NvmlDeviceIdentity {
  /** NVML index (PCI bus order). */
  index: number;
  name: string;
  /** `GPU-xxxxxxxx-xxxx-…`; null when the driver gives none. */
  uuid: string | null;
  /** UUIDs of this GPU's MIG instances (`MIG-…`), where known. */
  migUuids?: readonly string[];
}

export interface VisibleDevice {
  /** The entry as written in CUDA_VISIBLE_DEVICES (null when the variable is unset). */
  entry: string | null;
  /** CUDA ordinal inside the process (position in the list). */
  cudaOrdinal: number;
  nvmlIndex: number;
  uuid: string | null;
  mig: boolean;
}

export type VisibleDevicesResult =
  | { ok: true; devices: VisibleDevice[]; warnings: string[] }
  | { ok: false; message: string };

export function resolveVisibleDevices(
  cudaVisibleDevices: string | undefined,
  nvml: readonly NvmlDeviceIdentity[],
  cudaDeviceOrder?: string,
): VisibleDevicesResult {
  const byIndex = [...nvml].sort((a, b) => a.index - b.index);
  if (cudaVisibleDevices === undefined) {
    return { ok: true, devices: byIndex.map((d, i) => ({ entry: null, cudaOrdinal: i, nvmlIndex: d.index, uuid: d.uuid, mig: false })), warnings: orderWarnings(byIndex, cudaDeviceOrder, true) };
  }
  const entries = cudaVisibleDevices.split(',').map((e) => e.trim());
  if (cudaVisibleDevices.trim() === '') return { ok: true, devices: [], warnings: [] };
  const devices: VisibleDevice[] = [];
  const warnings: string[] = [];
  let usedOrdinal = false;
  for (const entry of entries) {
    const found = matchEntry(entry, byIndex);
    const stop = (why: string) => {
      warnings.push(`CUDA_VISIBLE_DEVICES entry "${entry}" ${why}: CUDA ignores it and every entry after it.`);
    };
    if ('error' in found) {
      stop(found.error);
      break;
    }
    if (devices.some((d) => d.nvmlIndex === found.device.index && !found.mig)) {
      stop('names a device already listed');
      break;
    }
    if (/^\d+$/.test(entry)) usedOrdinal = true;
    devices.push({ entry, cudaOrdinal: devices.length, nvmlIndex: found.device.index, uuid: found.device.uuid, mig: found.mig });
  }
  if (devices.length === 0 && entries.length > 0) {
    return { ok: false, message: `CUDA_VISIBLE_DEVICES="${cudaVisibleDevices}" names no GPU this machine has (${describe(byIndex)}).` };
  }
  return { ok: true, devices, warnings: [...warnings, ...orderWarnings(byIndex, cudaDeviceOrder, usedOrdinal)] };
}

function matchEntry(entry: string, nvml: readonly NvmlDeviceIdentity[]): { device: NvmlDeviceIdentity; mig: boolean } | { error: string } {
  if (entry === '') return { error: 'is empty' };
  if (/^\d+$/.test(entry)) {
    const device = nvml[Number(entry)];
    return device ? { device, mig: false } : { error: `is ordinal ${entry}, but there are ${nvml.length} GPUs` };
  }
  const legacyMig = /^MIG-(GPU-[0-9a-f-]+)\/\d+\/\d+$/i.exec(entry);
  if (legacyMig) {
    const device = nvml.find((d) => d.uuid !== null && d.uuid.toLowerCase() === legacyMig[1]!.toLowerCase());
    return device ? { device, mig: true } : { error: 'names a MIG instance of a GPU this machine does not have' };
  }
  if (/^MIG-/i.test(entry)) {
    const device = nvml.find((d) => d.migUuids?.some((m) => m.toLowerCase() === entry.toLowerCase()));
    return device ? { device, mig: true } : { error: 'names a MIG instance NVML does not list' };
  }
  if (/^GPU-/i.test(entry)) {
    const matches = nvml.filter((d) => d.uuid !== null && d.uuid.toLowerCase().startsWith(entry.toLowerCase()));
    if (matches.length === 1) return { device: matches[0]!, mig: false };
    return { error: matches.length === 0 ? 'matches no GPU UUID' : `is a prefix of ${matches.length} GPU UUIDs` };
  }
  return { error: 'is neither an ordinal, a GPU-… UUID nor a MIG-… UUID' };
}

function orderWarnings(nvml: readonly NvmlDeviceIdentity[], cudaDeviceOrder: string | undefined, usedOrdinal: boolean): string[] {
  if (!usedOrdinal || cudaDeviceOrder === 'PCI_BUS_ID') return [];
  const names = new Set(nvml.map((d) => d.name));
  if (names.size <= 1) return [];
  return ['GPUs of different models and CUDA_DEVICE_ORDER is not PCI_BUS_ID: CUDA orders them fastest first, so CUDA ordinals may not be NVML indices; set CUDA_DEVICE_ORDER=PCI_BUS_ID or use GPU UUIDs.'];
}

function describe(nvml: readonly NvmlDeviceIdentity[]): string {
  return nvml.length === 0 ? 'none' : nvml.map((d) => `${d.index}: ${d.uuid ?? d.name}`).join(', ');
}
