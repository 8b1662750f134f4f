import type { DoctorFinding } from '../../contract/doctor';
import { PROFILES } from '../../contract/llem/profiles';
import { locateLlem, readLlemConfig, type LocateOptions } from '../runner/llemDiscovery';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import { readLlemDoctor } from '../runner/llemDoctorReport';
import { LLEM_PATH_ENV } from '../system/probe';
import { execCapture } from '../system/execCapture';
import { findOnPath } from '../system/findExecutable';
import { probeNvml } from '../telemetry/sources/nvml';
import type { Result } from '../../contract/result';
import type { TelemetryGpu } from '../../contract/telemetry';

export interface DoctorOptions extends LocateOptions {
  /** Seams for tests: NVML is probed in-process by default. */
  probeNvml?: () => Result<{ gpus: TelemetryGpu[] }>;
  /** The telemetry source campaigns record with (Settings / LLEM_STUDIO_TELEMETRY); default `auto`. */
  telemetrySpec?: string;
}

/**
 * Checks what running campaigns needs — llem (found, its version → schema profile, what `llem config` says about
 * GPU, backends and energy), NVML and nvidia-smi for the app's own telemetry — and says how to fix each problem.
 * Used by `llem-studio doctor` and the Settings page.
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorFinding[]> {
  const env = options.env ?? process.env;
  const findings: DoctorFinding[] = [];
  const add = (id: string, status: DoctorFinding['status'], message: string, fixHint: string | null = null) => findings.push({ id, status, message, fixHint });

  const llem = await locateLlem(options);
  if (!llem.ok) {
    add('llem.found', 'error', llem.error.message, `Install the PyPI release with "pip install llenergymeasure" (0.7.0), then choose its llem or Python in Settings → llem, pass --llem PATH, or set ${LLEM_PATH_ENV}.`);
  } else {
    add('llem.found', 'ok', `llem: ${llem.value.display} (${describeSource(llem.value.source)})`);
    const version = await detectLlemProfile(llem.value, env);
    if (!version.ok) {
      add('llem.version', 'error', version.error.message, 'Check that this llem runs in a terminal ("llem --version"); reinstall llenergymeasure if it does not.');
    } else if (version.value.guessed) {
      add(
        'llem.version',
        'warn',
        `llem ${version.value.version}: ${version.value.reason}; configs are written for the "${version.value.profile}" schema.`,
        'If runs fail with config errors, install a known llem (0.8.0 / the v0.8.0 or v0.7.0 tags) or update llem Studio.',
      );
    } else {
      add('llem.version', 'ok', `llem ${version.value.version} → "${version.value.profile}" schema (${version.value.reason})`);
    }
    // Ask each llem only what it has: the PyPI release (0.7.0) has `llem doctor` and no `llem config`.
    const hasDoctor = version.ok && PROFILES[version.value.profile].hasDoctorCommand;
    const config = hasDoctor ? null : await readLlemConfig(llem.value, env);
    if (config === null) {
      const report = await readLlemDoctor(llem.value, env);
      if (report.ok) findings.push(...report.value);
      else add('llem.doctor', 'warn', report.error.message, 'Run "llem doctor" in a terminal to see what fails.');
    } else if (!config.ok) {
      add('llem.config', 'warn', config.error.message, 'Run "llem config" in a terminal to see what fails.');
    } else {
      const c = config.value;
      if (c.gpus.length === 0) add('llem.gpu', 'error', 'llem sees no GPU (torch finds no CUDA device).', 'Install a CUDA build of PyTorch and the NVIDIA driver; check "nvidia-smi".');
      else add('llem.gpu', 'ok', `llem sees ${c.gpus.map((g) => `${g.name}${g.vramGb !== null ? ` (${g.vramGb} GB)` : ''}`).join(', ')}${c.driver ? `, driver ${c.driver}` : ''}`);
      const installed = c.backends.filter((b) => b.installed);
      if (installed.length === 0) add('llem.backends', 'error', 'No inference backend is installed for llem.', 'pip install "llenergymeasure[pytorch]" (or [vllm]).');
      else add('llem.backends', 'ok', `Backends: ${installed.map((b) => `${b.name}${b.version ? ` ${b.version}` : ''}`).join(', ')}`);
      if (c.energy === null) add('llem.energy', 'warn', 'llem has no energy backend: it will report 0 J.', 'pip install nvidia-ml-py (or zeus) in llem\'s environment.');
      else if (c.energy === 'codecarbon') {
        add('llem.energy', 'warn', 'llem would use CodeCarbon, which crashes after inference in this llem version (contract §9.12).', 'pip install nvidia-ml-py (or zeus) so llem picks NVML/Zeus instead.');
      } else add('llem.energy', 'ok', `llem energy backend: ${c.energy}`);
      if (c.configLoaded) add('llem.userConfig', 'ok', `llem user config ${c.configPath ?? ''} is loaded (runs from llem Studio use an app-owned config folder instead).`);
    }
  }

  const telemetry = options.telemetrySpec ?? 'auto';
  if (telemetry.startsWith('replay:')) add('telemetry', 'ok', `GPU telemetry: replayed from ${telemetry.slice('replay:'.length)} (not this machine's GPU)`);
  else if (telemetry === 'off') add('telemetry', 'warn', 'GPU telemetry is off: runs keep only llem\'s own energy.', 'Choose "auto" as the telemetry source in Settings → llem.');
  else add('telemetry', 'ok', `GPU telemetry source: ${telemetry}`);

  const nvml = (options.probeNvml ?? probeNvml)();
  if (nvml.ok) add('nvml', 'ok', `NVML: ${nvml.value.gpus.map((g) => `GPU ${g.index} ${g.name}`).join(', ')} (telemetry with energy counter and instant power)`);
  else add('nvml', 'warn', nvml.error.message, 'Install the NVIDIA driver (it provides libnvidia-ml / nvml.dll). Without NVML the app falls back to nvidia-smi (no energy counter).');

  const smi = findOnPath('nvidia-smi', env);
  if (!smi) {
    add('nvidia-smi', nvml.ok ? 'ok' : 'warn', 'nvidia-smi is not on PATH.', nvml.ok ? null : telemetry === 'auto' ? 'Install the NVIDIA driver utilities, or live telemetry will be off.' : null);
  } else {
    const run = await execCapture(smi, ['--query-gpu=index,name', '--format=csv,noheader'], { timeoutMs: 10_000, env });
    if (run.failure || run.exitCode !== 0) add('nvidia-smi', 'warn', `nvidia-smi fails: ${run.failure ?? (run.stderr.trim() || `exit ${run.exitCode}`)}`, 'Check the NVIDIA driver installation ("nvidia-smi" in a terminal).');
    else add('nvidia-smi', 'ok', `nvidia-smi: ${smi}`);
  }
  return findings;
}

function describeSource(source: string): string {
  switch (source) {
    case 'configured':
      return 'configured path';
    case 'env':
      return `from ${LLEM_PATH_ENV}`;
    case 'python':
      return 'from the configured Python interpreter';
    default:
      return 'found on PATH';
  }
}

/** `llem-studio doctor [--llem PATH] [--python PATH] [--json]`: exit 0 without errors, 1 with any. */
export async function runDoctorCommand(opts: DoctorOptions & { json?: boolean } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const findings = await doctor(opts);
  const exitCode = findings.some((f) => f.status === 'error') ? 1 : 0;
  if (opts.json) return { exitCode, stdout: JSON.stringify(findings, null, 2) + '\n', stderr: '' };
  const mark = { ok: '✓', warn: '!', error: '✗' } as const;
  const lines = findings.flatMap((f) => [`${mark[f.status]} ${f.message}`, ...(f.fixHint && f.status !== 'ok' ? [`    fix: ${f.fixHint}`] : [])]);
  return { exitCode, stdout: lines.join('\n') + '\n', stderr: '' };
}
