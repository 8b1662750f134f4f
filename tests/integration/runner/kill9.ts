import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { DATABASE_FILE_NAME } from '../../../core/store/database';
import { FAKE_LLEM, livePidsAfter, REPO_ROOT } from './helpers';

/** Failpoints of CampaignRunner (see CampaignRunnerDeps.failpoint): the moments between durable writes. */
export const FAILPOINTS = ['after-begin', 'after-spawn', 'after-exit', 'before-import', 'after-import', 'after-finish', 'after-recovery'];

export async function bundleCliEntry(name: string): Promise<string> {
  const dir = path.join(REPO_ROOT, '.cache', 'test-bundles');
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `${name}.mjs`);
  await build({
    entryPoints: [path.join(REPO_ROOT, 'tests/integration/runner/fixtures/cliEntry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', loader: { '.py': 'text' },
    logLevel: 'warning',
  });
  return outfile;
}

export interface TrialReport {
  trial: number;
  how: string;
  firstExit: string;
  problems: string[];
}

/** A small deterministic PRNG, so a failing trial can be replayed from its seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runChild(bundle: string, env: NodeJS.ProcessEnv, killAfterMs: number | null, timeoutMs: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const killer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      if (killer) clearTimeout(killer);
      clearTimeout(guard);
      resolve({ code, signal, stderr });
    });
  });
}

/**
 * One trial: run a 4-run campaign in a separate process, SIGKILL it at a random moment (a random delay, or
 * exactly at a random failpoint), run it again to completion, then check the invariants.
 */
export async function kill9Trial(trial: number, bundle: string, seed: number, replayFile: string | null): Promise<TrialReport> {
  const random = rng(seed + trial * 7919);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-kill9-'));
  const dataDir = path.join(dir, 'data');
  const pidDir = path.join(dir, 'pids');
  const problems: string[] = [];
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ENTRY_DATA_DIR: dataDir,
    ENTRY_LLEM: FAKE_LLEM,
    ENTRY_TELEMETRY: replayFile && trial % 2 === 1 ? `replay:${replayFile}` : 'off',
    FAKE_LLEM_STEP_MS: String(5 + Math.floor(random() * 20)),
    FAKE_LLEM_PID_DIR: pidDir,
  };
  let how: string;
  let killAfter: number | null = null;
  const env = { ...baseEnv };
  if (trial % 3 === 0) {
    killAfter = 150 + Math.floor(random() * 1800);
    how = `SIGKILL after ${killAfter} ms`;
  } else {
    const fp = FAILPOINTS[Math.floor(random() * FAILPOINTS.length)]!;
    const nth = fp === 'after-recovery' ? 1 : 1 + Math.floor(random() * 4);
    env.ENTRY_FAILPOINT = `${fp}:${nth}`;
    how = `SIGKILL at ${fp} #${nth}`;
  }
  try {
    const first = await runChild(bundle, env, killAfter, 60_000);
    const firstExit = first.signal ?? `exit ${first.code}`;
    const second = await runChild(bundle, baseEnv, null, 60_000);
    if (second.code !== 0) problems.push(`resume exited ${second.signal ?? second.code}: ${second.stderr.trim().split('\n').slice(-3).join(' | ')}`);

    const db = new Database(path.join(dataDir, DATABASE_FILE_NAME));
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
      const runs = db.prepare("SELECT id, status FROM runs WHERE campaign_id = 'crashy' ORDER BY run_index").all() as { id: number; status: string }[];
      if (runs.length !== 4) problems.push(`expected 4 runs, found ${runs.length}`);
      const notDone = runs.filter((r) => r.status !== 'succeeded');
      if (notDone.length > 0) problems.push(`runs not succeeded (lost): ${notDone.map((r) => `${r.id}:${r.status}`).join(', ')}`);
      const perRun = db.prepare('SELECT run_id, COUNT(*) AS n FROM results GROUP BY run_id').all() as { run_id: number | null; n: number }[];
      const dup = perRun.filter((r) => r.n > 1);
      if (dup.length > 0) problems.push(`results imported twice: ${JSON.stringify(dup)}`);
      const total = (db.prepare('SELECT COUNT(*) AS n FROM results').get() as { n: number }).n;
      if (total !== runs.length) problems.push(`expected ${runs.length} results, found ${total}`);
      const unlinked = runs.filter((r) => !perRun.some((p) => p.run_id === r.id));
      if (unlinked.length > 0) problems.push(`runs without a result (lost): ${unlinked.map((r) => r.id).join(', ')}`);
      const running = (db.prepare("SELECT COUNT(*) AS n FROM run_attempts WHERE status = 'running'").get() as { n: number }).n;
      if (running > 0) problems.push(`${running} attempt(s) still 'running'`);
      const leases = (db.prepare('SELECT COUNT(*) AS n FROM leases').get() as { n: number }).n;
      if (leases > 0) problems.push(`${leases} lease(s) left behind`);
      const succeededAttempts = (db.prepare("SELECT COUNT(*) AS n FROM run_attempts WHERE status = 'succeeded'").get() as { n: number }).n;
      if (succeededAttempts !== runs.length) problems.push(`expected ${runs.length} succeeded attempts, found ${succeededAttempts}`);
    } finally {
      db.close();
    }
    const alive = await livePidsAfter(pidDir, 5000);
    if (alive.length > 0) problems.push(`orphan llem processes: ${alive.join(', ')}`);
    for (const p of alive) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const campaignDir = path.join(dataDir, 'runs', 'crashy');
    const scratchLeft = readdirSync(campaignDir).filter((d) => {
      try {
        return readdirSync(path.join(campaignDir, d)).includes('scratch');
      } catch {
        return false;
      }
    });
    if (scratchLeft.length > 0) problems.push(`scratch litter left in ${scratchLeft.join(', ')}`);
    return { trial, how, firstExit, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `count` trials, `parallel` at a time. */
export async function kill9Trials(count: number, parallel: number, bundle: string, seed: number, replayFile: string | null): Promise<TrialReport[]> {
  const reports: TrialReport[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      reports.push(await kill9Trial(i, bundle, seed, replayFile));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return reports.sort((a, b) => a.trial - b.trial);
}
