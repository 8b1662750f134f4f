import { err, ok, type Result } from '../../contract/result';
import { findOnPath } from '../system/findExecutable';
import { DEFAULT_SAMPLE_INTERVAL_MS, type TelemetrySource } from './source';
import { NvidiaSmiSource } from './sources/nvidiaSmi';
import { NvmlWorkerSource } from './nvml/workerSource';
import { NvmlSource } from './sources/nvml';
import { ReplaySource } from './sources/replay';

/** `nvml` | `nvidia-smi` | `off` | `replay:<file>` | `auto` (NVML, else nvidia-smi, else off). */
export type TelemetrySpec = string;

export function parseTelemetrySpec(spec: string): Result<{ kind: 'nvml' | 'nvidia-smi' | 'off' | 'auto' } | { kind: 'replay'; file: string }> {
  if (spec === 'nvml' || spec === 'nvidia-smi' || spec === 'off' || spec === 'auto') return ok({ kind: spec });
  if (spec.startsWith('replay:') && spec.length > 'replay:'.length) return ok({ kind: 'replay', file: spec.slice('replay:'.length) });
  return err('invalid_telemetry', `Unknown telemetry source "${spec}": use nvml, nvidia-smi, off, auto or replay:<file>.`, { path: '--telemetry' });
}

/**
 * Builds the source a spec names. `null` value = telemetry off. With `auto`, a missing GPU is not an error
 * (the run still works, with llem's own energy only); a source asked for by name that cannot open is.
 */
export function createTelemetrySource(
  spec: TelemetrySpec,
  options: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {},
): Result<{ source: TelemetrySource | null; note: string | null }> {
  const parsed = parseTelemetrySpec(spec);
  if (!parsed.ok) return parsed;
  const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const env = options.env ?? process.env;
  switch (parsed.value.kind) {
    case 'off':
      return ok({ source: null, note: null });
    case 'replay': {
      const source = ReplaySource.fromFile(parsed.value.file, intervalMs);
      return source.ok ? ok({ source: source.value, note: null }) : source;
    }
    case 'nvml': {
      const opened = probe(intervalMs, env);
      return opened.ok ? ok({ source: new NvmlWorkerSource({ intervalMs, env }), note: null }) : opened;
    }
    case 'nvidia-smi': {
      const smi = findOnPath('nvidia-smi', env);
      if (!smi) return err('nvidia_smi_missing', 'nvidia-smi is not on PATH.', { path: '--telemetry' });
      return ok({ source: new NvidiaSmiSource(smi, intervalMs, env), note: null });
    }
    case 'auto': {
      const opened = probe(intervalMs, env);
      if (opened.ok) return ok({ source: new NvmlWorkerSource({ intervalMs, env }), note: null });
      const smi = findOnPath('nvidia-smi', env);
      if (smi) return ok({ source: new NvidiaSmiSource(smi, intervalMs, env), note: `NVML unavailable (${opened.error.message}); using nvidia-smi.` });
      return ok({ source: null, note: `No GPU telemetry: ${opened.error.message} and nvidia-smi is not on PATH.` });
    }
  }
}

/**
 * Opens NVML here and closes it again: whether the library, the driver and a GPU llem can see are there, answered
 * synchronously (the sampler itself opens NVML again on its own thread).
 */
function probe(intervalMs: number, env: NodeJS.ProcessEnv) {
  const probeSource = new NvmlSource(intervalMs, { env });
  const opened = probeSource.open();
  void probeSource.stop();
  return opened;
}
