import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunEventSchema, type RunEvent } from '../../../contract/runEvents';
import { isProcessAlive } from '../../../core/processes/processTree';
import { ProcessRegistry } from '../../../core/processes/registry';
import { CampaignRunner, plainYamlWriter, type CampaignRunnerDeps, type CampaignRunnerOptions } from '../../../core/runner/campaignRunner';
import { importIntoResultsStore } from '../../../core/runner/importResult';
import type { LlemCommand } from '../../../core/runner/llemDiscovery';
import type { CampaignPlan } from '../../../core/runner/runPlan';
export { makePlan } from './fixtures/plans';
import { openDatabase, type Db } from '../../../core/store/database';
import type { TelemetryHub } from '../../../core/telemetry/hub';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
export const fakeLlem: LlemCommand = { command: process.execPath, args: [FAKE_LLEM], source: 'configured', display: 'fake llem' };

export interface Sandbox {
  dir: string;
  dataDir: string;
  pidDir: string;
  db: Db;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function sandbox(extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-runner-'));
  const dataDir = path.join(dir, 'data');
  const pidDir = path.join(dir, 'pids');
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  return {
    dir,
    dataDir,
    pidDir,
    db,
    env: { ...process.env, FAKE_LLEM_STEP_MS: '5', FAKE_LLEM_PID_DIR: pidDir, ...extraEnv },
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function makeRunner(
  s: Sandbox,
  plan: CampaignPlan,
  options: CampaignRunnerOptions = {},
  extra: Partial<CampaignRunnerDeps> = {},
): { runner: CampaignRunner; events: RunEvent[]; registry: ProcessRegistry } {
  const registry = extra.registry ?? new ProcessRegistry();
  const runner = new CampaignRunner(
    {
      db: s.db,
      dataDir: s.dataDir,
      registry,
      llem: fakeLlem,
      llemVersion: { version: '0.8.0', profile: 'head', guessed: false },
      writeExperimentYaml: plainYamlWriter,
      importRunResult: importIntoResultsStore,
      telemetry: (extra.telemetry ?? null) as TelemetryHub | null,
      env: s.env,
      options: { graceMs: 1500, ...options },
      ...extra,
    },
    plan,
  );
  const events: RunEvent[] = [];
  // Every event must match the published schema (what the UI validates against).
  runner.subscribe((e) => events.push(RunEventSchema.parse(e)));
  return { runner, events, registry };
}

/** Pids the fake llem (and its grandchildren) recorded. */
export function recordedPids(pidDir: string): number[] {
  try {
    return readdirSync(pidDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(readFileSync(path.join(pidDir, f), 'utf8')));
  } catch {
    return [];
  }
}

/** Waits until none of the recorded processes is alive (they may need a moment after SIGKILL). */
export async function livePidsAfter(pidDir: string, waitMs = 3000): Promise<number[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive = recordedPids(pidDir).filter(isProcessAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function runRows(db: Db, campaignId: string) {
  return db
    .prepare('SELECT id, run_index, status, failure_reason, error_message, attempt, exit_code, exit_signal, output_dir FROM runs WHERE campaign_id = ? ORDER BY run_index')
    .all(campaignId) as {
    id: number;
    run_index: number;
    status: string;
    failure_reason: string | null;
    error_message: string | null;
    attempt: number;
    exit_code: number | null;
    exit_signal: string | null;
    output_dir: string | null;
  }[];
}
