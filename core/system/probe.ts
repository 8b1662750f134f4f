import type { AppInfo, GpuInfo, LlemStatus } from '../../contract/api';
import type { Result } from '../../contract/result';
import { execCapture } from './execCapture';
import { findOnPath, isExecutableFile } from './findExecutable';

/** Environment variable naming the llem executable to use (else PATH). */
export const LLEM_PATH_ENV = 'LLEM_STUDIO_LLEM';

export function locateLlem(env: NodeJS.ProcessEnv = process.env): { path: string } | { reason: string } {
  const configured = env[LLEM_PATH_ENV];
  if (configured) {
    return isExecutableFile(configured)
      ? { path: configured }
      : { reason: `${LLEM_PATH_ENV} is set to ${configured}, which is not an executable file` };
  }
  const onPath = findOnPath('llem', env);
  return onPath ? { path: onPath } : { reason: 'llem was not found on PATH (pip install llenergymeasure, or set LLEM_STUDIO_LLEM)' };
}

/** Where llem is and what `llem --version` prints (llem prints `llem v<version>`, contract §4.10). */
export async function probeLlem(env: NodeJS.ProcessEnv = process.env): Promise<LlemStatus> {
  const located = locateLlem(env);
  if ('reason' in located) return { found: false, reason: located.reason };
  const run = await execCapture(located.path, ['--version'], { timeoutMs: 20_000, env: { ...env, PYTHONIOENCODING: 'utf-8' } });
  if (run.failure) return { found: false, reason: `${located.path} --version failed: ${run.failure}` };
  if (run.exitCode !== 0) {
    const detail = (run.stderr || run.stdout).trim().split('\n').slice(-1)[0] ?? '';
    return { found: false, reason: `${located.path} --version exited with ${run.exitCode}${detail ? `: ${detail}` : ''}` };
  }
  return { found: true, path: located.path, versionOutput: run.stdout.trim() };
}

/** `llem --version` of an llem already located (Settings' choice, env or PATH; core/runner/llemDiscovery.ts). */
export async function probeLlemCommand(
  located: Result<{ command: string; args: string[]; display: string }>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LlemStatus> {
  if (!located.ok) return { found: false, reason: `${located.error.message} Install it with pip install llenergymeasure, then choose it in Settings → llem.` };
  const { command, args, display } = located.value;
  const run = await execCapture(command, [...args, '--version'], { timeoutMs: 20_000, env: { ...env, PYTHONIOENCODING: 'utf-8' } });
  if (run.failure) return { found: false, reason: `${display} --version failed: ${run.failure}` };
  if (run.exitCode !== 0) {
    const detail = lastMeaningfulLine(run.stderr || run.stdout);
    return { found: false, reason: `${display} --version exited with ${run.exitCode}${detail ? `: ${detail}` : ''}` };
  }
  return { found: true, path: display, versionOutput: run.stdout.trim() };
}

/**
 * The last line of a CLI's error output that says something: Typer/rich frame their errors in box-drawing lines
 * (`╰──────╯`), whose last line alone reads as a clipped border.
 */
export function lastMeaningfulLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/[\u2500-\u257f]+/g, ' ').replace(/\s+/g, ' ').trim())
    .filter((line) => /[A-Za-z0-9]/.test(line));
  return lines[lines.length - 1] ?? '';
}

/** GPUs as nvidia-smi lists them; the telemetry layer talks to NVML directly. */
export async function probeGpus(env: NodeJS.ProcessEnv = process.env): Promise<AppInfo['gpus']> {
  const smi = findOnPath('nvidia-smi', env);
  if (!smi) return { found: false, reason: 'none found (nvidia-smi is not on PATH)' };
  const run = await execCapture(smi, ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'], { timeoutMs: 10_000, env });
  if (run.failure || run.exitCode !== 0) {
    return { found: false, reason: `none found (nvidia-smi failed: ${run.failure ?? run.stderr.trim() ?? run.exitCode})` };
  }
  const devices = parseNvidiaSmiGpuList(run.stdout);
  return devices.length > 0 ? { found: true, source: 'nvidia-smi', devices } : { found: false, reason: 'none found (nvidia-smi listed no GPU)' };
}

export function parseNvidiaSmiGpuList(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const [index, name, memory] = line.split(',').map((part) => part.trim());
    if (!index || !name || !/^\d+$/.test(index)) continue;
    const memoryTotalMb = memory !== undefined && /^\d+(\.\d+)?$/.test(memory) ? Number(memory) : null;
    gpus.push({ index: Number(index), name, memoryTotalMb });
  }
  return gpus;
}
