import path from 'node:path';
import type { LlemConfigReport, LlemProfile } from '../../contract/doctor';
import { PROFILES, parseVersionLine, profileForUnknownVersion } from '../llem/profiles';
import { err, ok, type Result } from '../../contract/result';
import { execCapture } from '../system/execCapture';
import { findOnPath, isExecutableFile } from '../system/findExecutable';
import { LLEM_PATH_ENV, lastMeaningfulLine } from '../system/probe';

/** How to invoke llem: an executable, or a Python interpreter plus the code that starts llem's CLI. */
export interface LlemCommand {
  command: string;
  /** Arguments that come before llem's own (`run …`, `--version`). */
  args: string[];
  source: 'configured' | 'env' | 'python' | 'path';
  /** For messages: what the user would type. */
  display: string;
}

export interface LocateOptions {
  /** An explicit llem executable (Settings, or the CLI's --llem): wins over everything. */
  configuredPath?: string | null;
  /** A Python interpreter that has the llenergymeasure package (Settings). */
  pythonInterpreter?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** llem's console script is `llem = "llenergymeasure.cli:app"`; this starts the same app from an interpreter. */
const PYTHON_ENTRY = 'import sys; sys.argv[0] = "llem"; from llenergymeasure.cli import app; app()';

/**
 * Finds llem in this order: configured path, env LLEM_STUDIO_LLEM, the configured Python interpreter (its
 * `llem` script beside it, else `python -c` with llem's entry point), then PATH.
 */
export async function locateLlem(options: LocateOptions = {}): Promise<Result<LlemCommand>> {
  const env = options.env ?? process.env;
  if (options.configuredPath) {
    return isExecutableFile(options.configuredPath)
      ? ok({ command: options.configuredPath, args: [], source: 'configured', display: options.configuredPath })
      : err('llem_not_found', `The configured llem path ${options.configuredPath} is not an executable file.`, { path: options.configuredPath });
  }
  const fromEnv = env[LLEM_PATH_ENV];
  if (fromEnv) {
    return isExecutableFile(fromEnv)
      ? ok({ command: fromEnv, args: [], source: 'env', display: fromEnv })
      : err('llem_not_found', `${LLEM_PATH_ENV} is set to ${fromEnv}, which is not an executable file.`, { path: fromEnv });
  }
  if (options.pythonInterpreter) {
    const py = options.pythonInterpreter;
    const check = await execCapture(py, ['-c', 'import llenergymeasure'], { timeoutMs: 30_000, env });
    if (check.failure || check.exitCode !== 0) {
      return err('llem_not_found', `The Python interpreter ${py} cannot import llenergymeasure: ${(check.failure ?? check.stderr.trim().split('\n').pop()) || `exit ${check.exitCode}`}`, {
        path: py,
      });
    }
    const scriptDir = path.dirname(py);
    for (const name of process.platform === 'win32' ? ['llem.exe', path.join('Scripts', 'llem.exe')] : ['llem']) {
      const candidate = path.join(scriptDir, name);
      if (isExecutableFile(candidate)) return ok({ command: candidate, args: [], source: 'python', display: candidate });
    }
    return ok({ command: py, args: ['-c', PYTHON_ENTRY], source: 'python', display: `${py} -c <llem entry point>` });
  }
  const onPath = findOnPath('llem', env);
  if (onPath) return ok({ command: onPath, args: [], source: 'path', display: onPath });
  return err('llem_not_found', `llem was not found: not configured, ${LLEM_PATH_ENV} not set, and not on PATH.`);
}

export interface LlemVersion {
  version: string;
  profile: LlemProfile;
  /** True when the version is not one the contract describes (profile is then a best guess). */
  guessed: boolean;
}

/**
 * `llem --version` prints `llem v<version>` (§4.10). Version numbers are not monotonic (§0, §9.1): the v0.7.0
 * tag prints 1.17.0, v0.8.0 prints 1.18.0, HEAD prints 0.8.0 — so the mapping is by exact value first.
 */
export function parseLlemVersion(stdout: string): Result<LlemVersion> {
  const m = /llem v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(stdout);
  if (!m) return err('llem_version_unreadable', `Unexpected output of llem --version: ${JSON.stringify(stdout.trim().slice(0, 200))}`);
  const version = m[1]!;
  // The versions the campaign model knows, from its one profile table (HEAD 0.8.0, tags 1.18.0/1.17.0, PyPI 0.7.0).
  const known = Object.values(PROFILES).find((p) => parseVersionLine(p.versionLine) === version);
  if (known) return ok({ version, profile: known.id, guessed: false });
  return ok({ version, ...profileForUnknownVersion(version) });
}

/** Parses `llem config [-v]` (§4.9): sections in fixed order, each a header then 2-space-indented lines. */
export function parseLlemConfig(stdout: string): LlemConfigReport {
  const report: LlemConfigReport = { gpus: [], driver: null, backends: [], energy: null, configPath: null, configLoaded: null, python: null };
  let section = '';
  for (const raw of stdout.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    if (!/^\s/.test(raw)) {
      section = raw.trim();
      continue;
    }
    const line = raw.trim();
    switch (section) {
      case 'GPU': {
        const driver = /^Driver: (.+)$/.exec(line);
        if (driver) report.driver = driver[1]!.trim();
        else if (line !== 'No GPU detected') {
          const g = /^(.*?)\s+(\d+(?:\.\d+)?) GB$/.exec(line);
          report.gpus.push(g ? { name: g[1]!.trim(), vramGb: Number(g[2]) } : { name: line, vramGb: null });
        }
        break;
      }
      case 'Backends': {
        const b = /^(\w+): (installed|not installed)(?:\s+\(([^)]*)\))?/.exec(line);
        if (b) {
          const installed = b[2] === 'installed';
          report.backends.push({ name: b[1]!, installed, version: installed && b[3] ? b[3] : null });
        }
        break;
      }
      case 'Energy': {
        const e = /^Energy: (\w+)/.exec(line);
        if (e) report.energy = e[1] === 'none' ? null : e[1]!;
        break;
      }
      case 'Config': {
        const p = /^Path: (.+)$/.exec(line);
        if (p) report.configPath = p[1]!.trim();
        const s = /^Status: (.+)$/.exec(line);
        if (s) report.configLoaded = s[1]!.trim() === 'loaded';
        break;
      }
      case 'Python':
        if (/^\d+\.\d+/.test(line)) report.python = line;
        break;
    }
  }
  return report;
}

export async function readLlemVersion(llem: LlemCommand, env: NodeJS.ProcessEnv = process.env): Promise<Result<LlemVersion>> {
  const run = await execCapture(llem.command, [...llem.args, '--version'], { timeoutMs: 60_000, env: { ...env, PYTHONIOENCODING: 'utf-8' } });
  if (run.failure) return err('llem_failed', `${llem.display} --version failed: ${run.failure}`, { path: llem.command });
  if (run.exitCode !== 0) {
    const detail = (run.stderr || run.stdout).trim().split('\n').pop() ?? '';
    return err('llem_failed', `${llem.display} --version exited with ${run.exitCode}${detail ? `: ${detail}` : ''}`, { path: llem.command });
  }
  return parseLlemVersion(run.stdout);
}

export async function readLlemConfig(llem: LlemCommand, env: NodeJS.ProcessEnv = process.env): Promise<Result<LlemConfigReport>> {
  const run = await execCapture(llem.command, [...llem.args, 'config', '-v'], { timeoutMs: 120_000, env: { ...env, PYTHONIOENCODING: 'utf-8' } });
  if (run.failure) return err('llem_failed', `${llem.display} config failed: ${run.failure}`, { path: llem.command });
  if (run.exitCode !== 0) return err('llem_failed', `${llem.display} config exited with ${run.exitCode}: ${lastMeaningfulLine(run.stderr || run.stdout)}`);
  return ok(parseLlemConfig(run.stdout));
}
