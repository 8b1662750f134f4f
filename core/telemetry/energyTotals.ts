import type { RunEnergy } from '../../contract/telemetry';

export interface GpuEnergyTotal {
  window: 'run' | 'measuring';
  /** Sum over the GPUs; null when any GPU lacks the figure (a partial sum would read as the whole). */
  counterJ: number | null;
  integratedJ: number | null;
  /** Each GPU's figures as stored (kept per device: the sum never replaces them). */
  gpus: { gpuIndex: number; gpuUuid: string | null; counterJ: number | null; integratedJ: number | null }[];
}

/** A run's energy over all its GPUs for one window (several GPUs per run: tensor parallel, multi-GPU vLLM). */
export function sumAcrossGpus(rows: readonly Pick<RunEnergy, 'gpuIndex' | 'window' | 'counterJ' | 'integratedJ' | 'gpuUuid'>[], window: 'run' | 'measuring'): GpuEnergyTotal {
  const gpus = rows
    .filter((r) => r.window === window)
    .sort((a, b) => a.gpuIndex - b.gpuIndex)
    .map((r) => ({ gpuIndex: r.gpuIndex, gpuUuid: r.gpuUuid ?? null, counterJ: r.counterJ, integratedJ: r.integratedJ }));
  const sum = (pick: (g: (typeof gpus)[number]) => number | null) =>
    gpus.length > 0 && gpus.every((g) => pick(g) !== null) ? gpus.reduce((s, g) => s + pick(g)!, 0) : null;
  return { window, counterJ: sum((g) => g.counterJ), integratedJ: sum((g) => g.integratedJ), gpus };
}
