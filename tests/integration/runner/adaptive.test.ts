import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdaptiveCliFlags } from '../../../core/adaptive/cliAdaptive';
import { runRunCommand, type CommandIo } from '../../../core/cli/run';
import { openDatabase } from '../../../core/store/database';
import { readAdaptiveCampaign, readProposals, type ProposalRecord } from '../../../core/adaptive/adaptiveStore';
import { listResults, type ResultListRow } from '../../../core/results/resultListStore';
import { optunaMissing, VENV_PYTHON } from '../../unit/adaptive/sidecarHelpers';
import { FAKE_LLEM } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-adaptive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(extraEnv: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const value: CommandIo = {
    stdout: Object.assign({ write: (c: string) => ((stdout += c), true) }, { isTTY: false, columns: 200 }) as unknown as CommandIo['stdout'],
    stderr: { write: (c: string) => ((stderr += c), true) } as unknown as CommandIo['stderr'],
    env: { ...process.env, FAKE_LLEM_STEP_MS: '2', FAKE_LLEM_PID_DIR: path.join(dir, 'pids'), ...extraEnv },
    onInterrupt: () => () => {},
  };
  return { io: value, out: () => stdout, err: () => stderr };
}

/** 2 models × 6 prompt counts × 2 precisions = 24 configurations; the fake llem runs out of memory on fake/oom. */
const STUDY = `name: adaptive-demo
model: "org/tiny"
sweep:
  model: ["org/tiny", "fake/oom"]
  n: [2, 4, 6, 8, 10, 12]
  precision: [bf16, fp16]
`;

interface StoredRun {
  run_index: number;
  hash: string;
  status: string;
  summary: string;
}
function storedRuns(dataDir: string): { campaign: string; runs: StoredRun[]; attempts: number } {
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  try {
    const campaign = db.prepare("SELECT id FROM campaigns WHERE id LIKE 'adaptive-%'").pluck().get() as string;
    const runs = db
      .prepare(
        `SELECT r.run_index, e.measurement_config_hash AS hash, r.status, e.summary FROM runs r JOIN experiments e ON e.id = r.experiment_id
         WHERE r.campaign_id = ? ORDER BY r.run_index`,
      )
      .all(campaign) as StoredRun[];
    const attempts = db.prepare('SELECT COUNT(*) FROM run_attempts').pluck().get() as number;
    return { campaign, runs, attempts };
  } finally {
    db.close();
  }
}

/** The campaign's rows as the Results page lists them (results.list). */
function resultsOf(dataDir: string, campaign: string): ResultListRow[] {
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  try {
    const listed = listResults(opened.value, { campaignId: campaign, limit: 1000 });
    if (!listed.ok) throw new Error(listed.error.message);
    return listed.value.rows;
  } finally {
    opened.value.close();
  }
}

/** The stored reasons of the campaign's proposals (migration 010). */
function storedReasons(dataDir: string, campaign: string): ProposalRecord[] {
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  try {
    return readProposals(opened.value, campaign);
  } finally {
    opened.value.close();
  }
}

describe.skipIf(optunaMissing())('llem-studio run --adaptive (fake llem, real Optuna sidecar)', () => {
  const flags = (budget: number) => ({ adaptive: true, budget, objective: 'energy,throughput', seed: 4, optimizerPython: VENV_PYTHON });

  it('prints model names from the study with their control characters shown, never raw (a terminal would obey them)', async () => {
    const file = path.join(dir, 'study.yaml');
    // YAML's "\e" is ESC: an OSC title change and a screen clear hidden in a model name.
    writeFileSync(file, 'name: adaptive-hostile\nmodel: "org/tiny\\e]0;pwned\\a\\e[2J"\nsweep:\n  precision: [bf16, fp16]\n');
    const a = io();
    const run = await runRunCommand({ studyFile: file, dataDir: path.join(dir, 'data'), llem: FAKE_LLEM, telemetry: 'off', adaptive: flags(2) }, a.io);
    expect(run.exitCode).toBe(0);
    expect(a.out()).toContain('/ tiny\\u001b]0;pwned\\u0007\\u001b[2J');
    // eslint-disable-next-line no-control-regex -- looking for raw controls is the point
    expect(a.out() + a.err()).not.toMatch(/[\u0007\u001b]/);
  });

  it('runs budget-many distinct configurations as normal stored runs, tells OOM as infeasible, and resumes from SQLite', async () => {
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, STUDY);
    const dataDir = path.join(dir, 'data');

    const a = io();
    const first = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off', adaptive: flags(8) }, a.io);
    expect(a.err()).toBe('');
    expect(first.exitCode).toBe(0);
    expect(a.out()).toMatch(/Adaptive search: tpe, seed 4, 24 valid configurations, budget 8 run\(s\)/);
    expect(a.out()).toMatch(/\[1\/8\] next: .* — TPE proposal/);
    expect(a.out()).toMatch(/8 of 24 configurations run \(budget spent\)/);
    const after8 = storedRuns(dataDir);
    expect(after8.runs).toHaveLength(8);
    expect(new Set(after8.runs.map((r) => r.hash)).size).toBe(8);
    // Every OOM run failed and was told to the optimizer as infeasible, every other run succeeded.
    for (const r of after8.runs) expect(r.status).toBe(r.summary.includes('/ oom /') ? 'failed' : 'succeeded');
    const ooms = after8.runs.filter((r) => r.status === 'failed').length;
    expect(ooms).toBeGreaterThan(0); // seed 4 does try the model that runs out of memory
    expect(a.out().match(/infeasible \(out_of_memory\): told to the optimizer as a constraint violation/g)?.length ?? 0).toBe(ooms);

    // Why each run was chosen is stored: the sampler's trial, start-up vs model, what it had been told, the front.
    const reasons8 = storedReasons(dataDir, after8.campaign);
    expect(reasons8.map((r) => r.runIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(reasons8.map((r) => r.configKey)).toEqual(after8.runs.map((r) => r.hash));
    reasons8.forEach((r, i) => {
      expect(r.sampler).toBe('tpe');
      expect(r.told.map((t) => t.runIndex)).toEqual([...Array(i).keys()]); // everything before it, in order
      expect(r.outcome).toBe(after8.runs[i]!.status === 'failed' ? 'failed' : 'feasible');
      if (r.outcome === 'failed') expect(r.outcomeDetail?.reason).toBe('out_of_memory');
      for (const f of r.front) expect(r.told[f]?.outcome).toBe('feasible');
    });
    // 24 configurations: TPE's start-up is 4 random trials, so the first four say so.
    expect(reasons8.slice(0, 4).map((r) => r.mode)).toEqual(['startup', 'startup', 'startup', 'startup']);
    expect(reasons8[0]!.front).toEqual([]);

    // A larger budget resumes the same campaign: the study is rebuilt from the stored runs, 4 more runs follow.
    const b = io();
    const second = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off', adaptive: flags(12) }, b.io);
    expect(second.exitCode).toBe(0);
    expect(b.out()).toContain('Rebuilt the optimizer from 8 stored run(s) (8 proposed again exactly).');
    const after12 = storedRuns(dataDir);
    expect(after12.campaign).toBe(after8.campaign);
    expect(after12.runs.slice(0, 8)).toEqual(after8.runs);
    expect(after12.runs).toHaveLength(12);
    expect(after12.attempts).toBe(after8.attempts + 4); // nothing ran twice

    // The same seed in one go proposes exactly the same 12 configurations: resuming changed nothing.
    const c = io();
    const straight = await runRunCommand({ studyFile: file, dataDir: path.join(dir, 'data2'), llem: FAKE_LLEM, telemetry: 'off', adaptive: flags(12) }, c.io);
    expect(straight.exitCode).toBe(0);
    expect(storedRuns(path.join(dir, 'data2')).runs.map((r) => r.hash)).toEqual(after12.runs.map((r) => r.hash));

    // The app died during run 12 (the runner's recovery marks such a run interrupted): the next start finishes that
    // run first, then rebuilds the optimizer from all 12.
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.prepare("UPDATE runs SET status = 'interrupted' WHERE campaign_id = ? AND run_index = 11").run(after12.campaign);
    opened.value.close();
    const d = io();
    const resumed = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off', adaptive: flags(12) }, d.io);
    expect(resumed.exitCode).toBe(0);
    expect(d.out()).toContain('finishing 1 unfinished run(s) first');
    expect(d.out()).toContain('Rebuilt the optimizer from 12 stored run(s) (12 proposed again exactly).');
    const after = storedRuns(dataDir);
    expect(after.runs.map((r) => r.hash)).toEqual(after12.runs.map((r) => r.hash));
    expect(after.attempts).toBe(after12.attempts + 1);
    // The reasons survive the resume; the run finished after the crash has its outcome recorded too.
    const reasons = storedReasons(dataDir, after.campaign);
    expect(reasons.map((r) => r.configKey)).toEqual(after.runs.map((r) => r.hash));
    expect(reasons.every((r) => r.outcome !== null)).toBe(true);
    const opened2 = openDatabase(dataDir);
    if (!opened2.ok) throw new Error(opened2.error.message);
    const record = readAdaptiveCampaign(opened2.value, after.campaign);
    opened2.value.close();
    expect(record).toMatchObject({ gridSize: 24, origin: 'cli', stoppedBecause: 'budget', settings: { budget: 12, seed: 4, sampler: 'tpe' } });
    expect(record!.grid).toHaveLength(24);
  }, 240_000);

  it('stops early when the front has not changed for --patience runs', async () => {
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, STUDY);
    const dataDir = path.join(dir, 'data');
    // A fixed energy (FAKE_LLEM_ENERGY_J) makes the fake llem report the same energy and output-token count for every
    // org/tiny config (the count, energy ÷ llem's J per total token, stays below n_prompts × max_output_tokens, so
    // the Results figures are not bounded differently per config): every success has the same J/token and
    // throughput, so after the first one the front cannot change and the campaign ends 3 runs later instead of
    // spending the budget of 20.
    const x = io({ FAKE_LLEM_ENERGY_J: '50' });
    const r = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off', adaptive: { ...flags(20), patience: 3 } }, x.io);
    expect(r.exitCode).toBe(0);
    expect(x.out()).toMatch(/(\d+) of 24 configurations run \(front unchanged for 3 runs\)/);
    const { campaign, runs } = storedRuns(dataDir);
    // The premise, read from the Results API (the figures the optimizer was told are these: see the next test file's
    // check that adaptive values equal results.list's): one J/token and one throughput over all successes.
    const listed = resultsOf(dataDir, campaign);
    expect(listed.length).toBe(runs.filter((run) => run.status === 'succeeded').length);
    expect(new Set(listed.map((row) => row.avg_energy_per_token_j)).size).toBe(1);
    expect(new Set(listed.map((row) => row.output_tokens_per_second)).size).toBe(1);
    expect(listed[0]!.avg_energy_per_token_j).not.toBeNull();
    expect(listed[0]!.output_tokens_per_second).not.toBeNull();
    const firstSuccess = runs.findIndex((run) => run.status === 'succeeded');
    expect(firstSuccess).toBeGreaterThanOrEqual(0);
    expect(runs).toHaveLength(firstSuccess + 1 + 3);
  }, 120_000);

  it('refuses bad adaptive flags with exit 2 and a message naming the flag', async () => {
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, STUDY);
    const cases: [Partial<AdaptiveCliFlags>, RegExp][] = [
      [{ objective: 'energy,joy' }, /--objective: unknown metric joy/],
      [{ constraint: ['ttft_p95<250'] }, /--constraint: constraint "ttft_p95<250": expected <metric><=<number>/],
      [{ sampler: 'cmaes' }, /--sampler: cmaes is not one of tpe, nsga2, random/],
      [{ budget: 2.5 }, /--budget: 2.5 is not a whole number/],
    ];
    for (const [bad, message] of cases) {
      const x = io();
      const r = await runRunCommand({ studyFile: file, dataDir: path.join(dir, 'd'), llem: FAKE_LLEM, telemetry: 'off', adaptive: { ...flags(3), ...bad } }, x.io);
      expect(r.exitCode).toBe(2);
      expect(x.err()).toMatch(message);
    }
  });
});
