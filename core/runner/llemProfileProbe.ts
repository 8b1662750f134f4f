import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { PROBE_CONFIGS, detectProfile, type LlemProbeResults } from '../llem/profiles';
import { execCapture, type Captured } from '../system/execCapture';
import { locateLlem, readLlemVersion, type LlemCommand, type LlemVersion, type LocateOptions } from './llemDiscovery';

/**
 * Which llem schema profile the installed llem speaks, decided by what it *accepts* (contract §0: version strings
 * are not monotonic across releases, so the string alone can mislead). Two small experiment configs go through
 * `llem run <file> --dry-run` (validate only, exit 0 = accepted, 2 = config error — contract §4.1, §4.5):
 * `dataset_order` exists only at contract HEAD; `task:` + `serving_mode` only in the PyPI 0.7.0 (v2.0) schema.
 * When both are rejected, `llem run --help` listing `--cycles` separates the v0.8.0 tag from v0.7.0.
 * The probes run in a throw-away working directory (llem may leave litter in its cwd).
 */

export interface LlemDetection extends LlemVersion {
  /** Plain-words reason for the profile (shown by doctor and Settings). */
  reason: string;
  /** What each probe answered (null = no answer: llem crashed, timed out, or the probe was not needed). */
  evidence: LlemProbeResults;
}

const PROBE_TIMEOUT_MS = 120_000;

// Keyed by the llem command, its file's mtime and the environment it runs in: a re-installed llem (or another
// PATH / virtualenv) is probed again, while a long-lived server does not re-probe on every Settings visit.
const cache = new Map<string, LlemDetection>();

function cacheKey(llem: LlemCommand, env: NodeJS.ProcessEnv): string {
  let mtime = 'unknown';
  try {
    mtime = String(statSync(llem.command).mtimeMs);
  } catch {
    /* a command we cannot stat is still probed; it just gets no stable key */
  }
  const envText = JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return [llem.command, ...llem.args, mtime, envText].join('\0');
}

/** Accepted (exit 0), rejected as a config error (exit 2), or no answer (anything else). */
function accepted(run: Captured): boolean | null {
  if (run.failure) return null;
  if (run.exitCode === 0) return true;
  if (run.exitCode === 2) return false;
  return null;
}

export async function detectLlemProfile(llem: LlemCommand, env: NodeJS.ProcessEnv = process.env): Promise<Result<LlemDetection>> {
  const key = cacheKey(llem, env);
  const cached = cache.get(key);
  if (cached) return ok(cached);

  const version = await readLlemVersion(llem, env);
  if (!version.ok) return version;

  let dir: string;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'llem-studio-probe-'));
  } catch (e) {
    return err('probe_failed', `Could not create a scratch directory to probe llem: ${(e as Error).message}`);
  }
  try {
    const probeEnv = { ...env, PYTHONIOENCODING: 'utf-8', PYTHONUNBUFFERED: '1' };
    const dryRun = async (name: keyof typeof PROBE_CONFIGS): Promise<boolean | null> => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(file, PROBE_CONFIGS[name]);
      return accepted(await execCapture(llem.command, [...llem.args, 'run', file, '--dry-run'], { timeoutMs: PROBE_TIMEOUT_MS, env: probeEnv, cwd: dir }));
    };
    const [acceptsV2Shape, acceptsHeadShape] = await Promise.all([dryRun('v2Shape'), dryRun('headShape')]);
    let helpListsCycles: boolean | null = null;
    if (acceptsV2Shape !== true && acceptsHeadShape === false) {
      const help = await execCapture(llem.command, [...llem.args, 'run', '--help'], { timeoutMs: PROBE_TIMEOUT_MS, env: probeEnv, cwd: dir });
      helpListsCycles = help.failure || help.exitCode !== 0 ? null : /--cycles\b/.test(help.stdout + help.stderr);
    }
    const evidence: LlemProbeResults = { versionOutput: `llem v${version.value.version}`, acceptsV2Shape, acceptsHeadShape, helpListsCycles };
    const detection = detectProfile(evidence);
    const result: LlemDetection = {
      version: version.value.version,
      profile: detection.profile,
      guessed: !detection.confident,
      reason: detection.reason,
      evidence,
    };
    cache.set(key, result);
    return ok(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For tests: forget earlier detections. */
export function clearLlemProfileCache(): void {
  cache.clear();
}

/**
 * The profile of the llem this machine would run (configured path, LLEM_STUDIO_LLEM, Python, PATH), or null with
 * the reason when none is found or it cannot be probed — callers then use the default profile (contract HEAD).
 */
export async function detectInstalledProfile(options: LocateOptions = {}): Promise<{ profile: LlemDetection['profile'] | null; note: string }> {
  const llem = await locateLlem(options);
  if (!llem.ok) return { profile: null, note: `${llem.error.message} Using the newest schema the contract documents (HEAD).` };
  const detected = await detectLlemProfile(llem.value, options.env ?? process.env);
  if (!detected.ok) return { profile: null, note: `${detected.error.message} Using the newest schema the contract documents (HEAD).` };
  return { profile: detected.value.profile, note: `${detected.value.reason} (${llem.value.display})` };
}
