import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUARDIAN_MARKER, GUARDIAN_PYTHON_ENV } from '../../../core/processes/guardian';
import { processCommandLine } from '../../../core/processes/processTree';
import { findOnPath } from '../../../core/system/findExecutable';
import { missingDependency } from '../../helpers/externalDependency';
import { FAKE_LLEM, livePidsAfter, recordedPids, REPO_ROOT } from './helpers';
import { bundleCliEntry, kill9Trials } from './kill9';

/**
 * kill -9 of the orchestrating process at random moments, then resume: zero runs lost, zero results
 * imported twice, integrity_check ok, no orphan llem processes, no litter. KILL9_TRIALS raises the count
 * (scripts/kill9-trials.mjs); KILL9_SEED replays a failing series.
 */
const TRIALS = Number(process.env.KILL9_TRIALS ?? 20);
const SEED = Number(process.env.KILL9_SEED ?? Date.now() % 100000);
const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

let bundle = '';
beforeAll(async () => {
  bundle = await bundleCliEntry(`kill9-entry-${process.pid}`);
});

describe('kill -9 of the app at random points, then resume', () => {
  it(`${TRIALS} trials: nothing lost, nothing duplicated, database intact, no orphans`, async () => {
    const reports = await kill9Trials(TRIALS, 2, bundle, SEED, REPLAY);
    const failed = reports.filter((r) => r.problems.length > 0);
    if (failed.length > 0) console.error(`kill9 seed ${SEED}:\n` + failed.map((r) => `#${r.trial} ${r.how} (${r.firstExit}): ${r.problems.join('; ')}`).join('\n'));
    expect(reports).toHaveLength(TRIALS);
    // The trials must really have killed the runner mid-campaign most of the time, or they prove nothing.
    expect(reports.filter((r) => r.firstExit === 'SIGKILL').length).toBeGreaterThanOrEqual(Math.ceil(TRIALS / 2));
    expect(failed.map((r) => `#${r.trial} ${r.how}: ${r.problems.join('; ')}`)).toEqual([]);
  }, 600_000);
});

// The CLI picks the Python guardian when it knows a Python (LLEM_STUDIO_PYTHON here; llem's shebang for a real
// llem) and its own Node otherwise (the fake llem is a Node script): both must leave no orphan.
const python = findOnPath('python3') ?? findOnPath('python');
const noPython = missingDependency('Python 3 (runs the Python process guardian)', python ? null : 'neither python3 nor python is on PATH');
const CASES = [
  ...['fake/hang', 'fake/hang-hard'].map((model) => ({ model, guardian: 'Node', env: {} as NodeJS.ProcessEnv })),
  ...(python && !noPython ? ['fake/hang', 'fake/hang-hard'].map((model) => ({ model, guardian: 'Python', env: { [GUARDIAN_PYTHON_ENV]: python } as NodeJS.ProcessEnv })) : []),
];

/** The process group of a live pid (Linux: field 5 of /proc/<pid>/stat, after the parenthesised command). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('no orphan llem after the app dies', () => {
  it.each(CASES)('kill -9 of the app during $model ($guardian guardian): the llem process group is gone within the grace period, without any resume', async ({ model, guardian, env }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-orphan-'));
    const pidDir = path.join(dir, 'pids');
    try {
      const child = spawn(process.execPath, [bundle], {
        env: { ...process.env, ...env, ENTRY_DATA_DIR: path.join(dir, 'data'), ENTRY_LLEM: FAKE_LLEM, ENTRY_MODELS: model, ENTRY_CYCLES: '1', FAKE_LLEM_PID_DIR: pidDir, FAKE_LLEM_STEP_MS: '5' },
        stdio: 'ignore',
      });
      // Wait until llem (and, for hang-hard, its SIGINT-ignoring grandchild) is up.
      const want = model === 'fake/hang-hard' ? 2 : 1;
      const deadline = Date.now() + 15_000;
      while (recordedPids(pidDir).length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(recordedPids(pidDir).length).toBe(want);
      // llem's group is led by the guardian that was meant to run (its command line carries the marker).
      const leader = processGroupOf(recordedPids(pidDir)[0]!);
      const cmdline = processCommandLine(leader) ?? '';
      expect(cmdline).toContain(GUARDIAN_MARKER);
      expect(path.basename(cmdline.split(' ')[0]!)).toMatch(guardian === 'Python' ? /^python/ : /^node/);
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      // The entry's grace period is 1 s: SIGINT first, SIGKILL of the group after it.
      expect(await livePidsAfter(pidDir, 4000)).toEqual([]);
    } finally {
      for (const p of recordedPids(pidDir)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
