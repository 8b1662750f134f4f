import { err, ok, type Result } from '../../contract/result';
import type { CampaignStatus, FailureReason, RunCounts, RunStatus } from '../../contract/runEvents';
import type { Db } from '../store/database';
import type { CampaignPlan } from './runPlan';
import { storeQualityChecksOfRun } from '../results/quality/qualityStore';

/**
 * Every state transition of the runner, one SQLite transaction each, written *before* the runner acts on it
 * (start) and *after* (finish): whatever moment the app dies at, the database says what was going on.
 */

export interface RunRow {
  id: number;
  campaign_id: string;
  experiment_id: number;
  run_index: number;
  cycle: number;
  status: RunStatus;
  attempt: number;
  output_dir: string | null;
}

export interface AttemptRow {
  id: number;
  run_id: number;
  attempt: number;
  status: string;
  host: string;
  pid: number | null;
  attempt_dir: string;
  output_dir: string;
  config_path: string;
  stdout_path: string;
  stderr_path: string;
  result_path: string | null;
  timeout_seconds: number;
  started_at: string;
}

const nowIso = () => new Date().toISOString();

/** Thrown inside a transaction to roll it back and hand a Result to the caller (a plain return would commit). */
class Rollback extends Error {
  constructor(readonly result: Result<never>) {
    super(result.ok ? 'rollback' : result.error.message);
  }
}

/**
 * Makes sure the campaign, its experiments and its runs exist and match the plan. Creates what is missing;
 * refuses (plan_changed) when stored runs disagree with the plan, since resuming would then mix two studies.
 */
export function ensureCampaignRuns(db: Db, plan: CampaignPlan): Result<{ created: boolean }> {
  const tx = db.transaction((): Result<{ created: boolean }> => {
    const now = nowIso();
    const campaign = db.prepare('SELECT id FROM campaigns WHERE id = ?').get(plan.campaignId);
    if (!campaign) {
      db.prepare(
        `INSERT INTO campaigns (id, name, study_json, study_design_hash, llem_profile, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
      ).run(plan.campaignId, plan.name, plan.studyJson, plan.studyDesignHash, plan.llemProfile, now, now);
    }
    const existing = db
      .prepare(
        `SELECT r.run_index, r.cycle, e.measurement_config_hash AS hash FROM runs r JOIN experiments e ON e.id = r.experiment_id
         WHERE r.campaign_id = ? ORDER BY r.run_index`,
      )
      .all(plan.campaignId) as { run_index: number; cycle: number; hash: string }[];
    if (existing.length > 0) {
      const mismatch =
        existing.length !== plan.runs.length ||
        existing.some((row, i) => {
          const p = plan.runs[i]!;
          return row.run_index !== p.index || row.hash !== p.measurementConfigHash || row.cycle !== p.cycle;
        });
      if (mismatch) {
        return err(
          'plan_changed',
          `Campaign ${plan.campaignId} already has ${existing.length} runs that do not match this plan (${plan.runs.length} runs); ` +
            'the study was edited after the campaign started. Start it as a new campaign.',
        );
      }
      return ok({ created: false });
    }
    const findExperiment = db.prepare('SELECT id, measurement_config_hash AS hash FROM experiments WHERE campaign_id = ? AND ordinal = ?');
    const insertExperiment = db.prepare(
      'INSERT INTO experiments (campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (?, ?, ?, ?, ?)',
    );
    const insertRun = db.prepare(
      `INSERT INTO runs (campaign_id, experiment_id, run_index, cycle, status, attempt) VALUES (?, ?, ?, ?, 'queued', 0)`,
    );
    const experimentIds = new Map<number, number>();
    for (const item of plan.runs) {
      let experimentId = experimentIds.get(item.configIndex);
      if (experimentId === undefined) {
        const row = findExperiment.get(plan.campaignId, item.configIndex) as { id: number; hash: string } | undefined;
        if (row && row.hash !== item.measurementConfigHash) {
          throw new Rollback(err('plan_changed', `Experiment ${item.configIndex} of campaign ${plan.campaignId} has a different config hash than the plan.`));
        }
        experimentId = row
          ? row.id
          : Number(insertExperiment.run(plan.campaignId, item.configIndex, item.configJson, item.measurementConfigHash, item.summary).lastInsertRowid);
        experimentIds.set(item.configIndex, experimentId);
      }
      insertRun.run(plan.campaignId, experimentId, item.index, item.cycle);
    }
    return ok({ created: true });
  });
  try {
    return tx.immediate();
  } catch (e) {
    if (e instanceof Rollback) return e.result;
    return err('db_error', `Could not store the campaign's runs: ${(e as Error).message}`);
  }
}

export function runCounts(db: Db, campaignId: string): RunCounts {
  const rows = db.prepare('SELECT status, COUNT(*) AS n FROM runs WHERE campaign_id = ? GROUP BY status').all(campaignId) as {
    status: RunStatus;
    n: number;
  }[];
  const counts: RunCounts = { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, interrupted: 0, cancelled: 0 };
  for (const r of rows) {
    counts[r.status] = r.n;
    counts.total += r.n;
  }
  return counts;
}

export function listRuns(db: Db, campaignId: string): RunRow[] {
  return db
    .prepare('SELECT id, campaign_id, experiment_id, run_index, cycle, status, attempt, output_dir FROM runs WHERE campaign_id = ? ORDER BY run_index')
    .all(campaignId) as RunRow[];
}

export function getRun(db: Db, runId: number): RunRow | undefined {
  return db.prepare('SELECT id, campaign_id, experiment_id, run_index, cycle, status, attempt, output_dir FROM runs WHERE id = ?').get(runId) as
    | RunRow
    | undefined;
}

export function setCampaignStatus(db: Db, campaignId: string, status: CampaignStatus): void {
  db.prepare('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?').run(status, nowIso(), campaignId);
}

export function campaignStatus(db: Db, campaignId: string): CampaignStatus | null {
  const row = db.prepare('SELECT status FROM campaigns WHERE id = ?').get(campaignId) as { status: CampaignStatus } | undefined;
  return row?.status ?? null;
}

export interface BeginAttempt {
  runId: number;
  host: string;
  attemptDirFor: (attempt: number) => { attemptDir: string; outputDir: string; configPath: string; stdoutPath: string; stderrPath: string };
  timeoutSeconds: number;
  llemVersion: string | null;
  telemetrySource: string;
}

/** Marks the run running with a new attempt number (written before llem is spawned). */
export function beginAttempt(db: Db, a: BeginAttempt): Result<{ attempt: number; paths: ReturnType<BeginAttempt['attemptDirFor']> }> {
  const tx = db.transaction(() => {
    const run = db.prepare('SELECT attempt, status FROM runs WHERE id = ?').get(a.runId) as { attempt: number; status: RunStatus } | undefined;
    if (!run) return err('not_found', `Run ${a.runId} does not exist.`);
    if (run.status === 'running' || run.status === 'succeeded') return err('invalid_state', `Run ${a.runId} is already ${run.status}.`);
    const attempt = run.attempt + 1;
    const paths = a.attemptDirFor(attempt);
    const now = nowIso();
    db.prepare(
      `UPDATE runs SET status = 'running', attempt = ?, output_dir = ?, started_at = ?, ended_at = NULL, failure_reason = NULL,
         error_message = NULL, exit_code = NULL, exit_signal = NULL, llem_measurement_config_hash = NULL WHERE id = ?`,
    ).run(attempt, paths.outputDir, now, a.runId);
    db.prepare(
      `INSERT INTO run_attempts (run_id, attempt, status, host, attempt_dir, output_dir, config_path, stdout_path, stderr_path,
         timeout_seconds, llem_version, telemetry_source, started_at)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      a.runId,
      attempt,
      a.host,
      paths.attemptDir,
      paths.outputDir,
      paths.configPath,
      paths.stdoutPath,
      paths.stderrPath,
      a.timeoutSeconds,
      a.llemVersion,
      a.telemetrySource,
      now,
    );
    return ok({ attempt, paths });
  });
  try {
    return tx.immediate();
  } catch (e) {
    return err('db_error', `Could not start run ${a.runId}: ${(e as Error).message}`);
  }
}

export function recordAttemptPid(db: Db, runId: number, attempt: number, pid: number): void {
  db.prepare('UPDATE run_attempts SET pid = ? WHERE run_id = ? AND attempt = ?').run(pid, runId, attempt);
}

export function recordAttemptResult(db: Db, runId: number, attempt: number, resultPath: string, llemHash: string): void {
  db.transaction(() => {
    db.prepare('UPDATE run_attempts SET result_path = ? WHERE run_id = ? AND attempt = ?').run(resultPath, runId, attempt);
    db.prepare('UPDATE runs SET llem_measurement_config_hash = ? WHERE id = ?').run(llemHash, runId);
  })();
}

export function recordPhase(db: Db, runId: number, attempt: number, seq: number, phase: string, atMs: number, message: string): void {
  db.prepare('INSERT OR REPLACE INTO run_phases (run_id, attempt, seq, phase, at_ms, message) VALUES (?, ?, ?, ?, ?, ?)').run(
    runId,
    attempt,
    seq,
    phase,
    atMs,
    message.slice(0, 1000),
  );
}

export interface FinishAttempt {
  runId: number;
  attempt: number;
  /** Final status of the run: for `interrupted` at recovery the run goes back to `queued`. */
  status: Exclude<RunStatus, 'queued' | 'running'>;
  requeue?: boolean;
  failureReason: FailureReason | null;
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  energy: {
    gpuIndex: number;
    window: 'run' | 'measuring';
    counterJ: number | null;
    counterMethod?: 'counter' | 'counter_bridged' | null;
    bridgeJ?: number | null;
    counterReads?: number;
    gpuUuid?: string | null;
    integratedJ: number | null;
    llemJ: number | null;
    sampleCount: number;
    startMs: number | null;
    endMs: number | null;
  }[];
  telemetrySource?: string;
}

/** Records how an attempt ended (written after llem exited and its result, if any, was imported). */
export function finishAttempt(db: Db, f: FinishAttempt): void {
  const now = nowIso();
  db.transaction(() => {
    db.prepare(
      `UPDATE run_attempts SET status = ?, failure_reason = ?, error_message = ?, exit_code = ?, exit_signal = ?, ended_at = ?
       WHERE run_id = ? AND attempt = ?`,
    ).run(f.status, f.failureReason, f.message, f.exitCode, f.signal, now, f.runId, f.attempt);
    db.prepare(
      `UPDATE runs SET status = ?, failure_reason = ?, error_message = ?, exit_code = ?, exit_signal = ?, ended_at = ?
       WHERE id = ? AND attempt = ?`,
    ).run(f.requeue ? 'queued' : f.status, f.failureReason, f.message, f.exitCode, f.signal, now, f.runId, f.attempt);
    storeRunEnergy(db, f.runId, f.attempt, f.energy, f.telemetrySource ?? null);
    // The result was imported (and checked) before this attempt's energy was stored: check it again now that the
    // app's counter and integrated figures can be compared with llem's. An error leaves the import-time checks.
    if (f.energy.length > 0) storeQualityChecksOfRun(db, f.runId);
  })();
}

/** Stores an attempt's energy figures per GPU and window (the local runner's, or a SLURM task's from its samples). */
export function storeRunEnergy(db: Db, runId: number, attempt: number, energy: FinishAttempt['energy'], source: string | null): void {
  const insertEnergy = db.prepare(
    `INSERT OR REPLACE INTO run_energy (run_id, attempt, gpu_index, window, counter_j, integrated_j, llem_j, sample_count, start_ms, end_ms, source,
       counter_method, bridge_j, counter_reads, gpu_uuid)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const e of energy) {
    insertEnergy.run(
      runId,
      attempt,
      e.gpuIndex,
      e.window,
      e.counterJ,
      e.integratedJ,
      e.llemJ,
      e.sampleCount,
      e.startMs,
      e.endMs,
      source,
      // A counter figure without a stated method predates the bridged sampler: every sample had the counter.
      e.counterJ === null ? null : (e.counterMethod ?? 'counter'),
      e.bridgeJ ?? null,
      e.counterReads ?? null,
      e.gpuUuid ?? null,
    );
  }
}

/** Attempts still marked running for a campaign (after a crash these are what recovery must settle). */
export function runningAttempts(db: Db, campaignId: string): (AttemptRow & { run_index: number })[] {
  return db
    .prepare(
      `SELECT a.*, r.run_index FROM run_attempts a JOIN runs r ON r.id = a.run_id
       WHERE r.campaign_id = ? AND (a.status = 'running' OR r.status = 'running') AND a.attempt = r.attempt`,
    )
    .all(campaignId) as (AttemptRow & { run_index: number })[];
}

/** Runs with status 'running' but no attempt row (the app died between the two writes of beginAttempt: impossible
 * since they share a transaction, but a database edited by hand could have them) go back to the queue. */
export function requeueOrphanRuns(db: Db, campaignId: string): number {
  return db
    .prepare(
      `UPDATE runs SET status = 'queued' WHERE campaign_id = ? AND status = 'running'
         AND NOT EXISTS (SELECT 1 FROM run_attempts a WHERE a.run_id = runs.id AND a.attempt = runs.attempt)`,
    )
    .run(campaignId).changes;
}

/** Every attempt of a campaign's runs, in the order they started. */
export function listCampaignAttempts(db: Db, campaignId: string): { run_id: number; run_index: number; attempt: number; status: string; started_at: string; ended_at: string | null }[] {
  return db
    .prepare(
      `SELECT a.run_id, r.run_index, a.attempt, a.status, a.started_at, a.ended_at
       FROM run_attempts a JOIN runs r ON r.id = a.run_id
       WHERE r.campaign_id = ? ORDER BY a.started_at, a.run_id, a.attempt`,
    )
    .all(campaignId) as { run_id: number; run_index: number; attempt: number; status: string; started_at: string; ended_at: string | null }[];
}

/** The phases one attempt recorded, in order (milliseconds since its start, and llem's log message). */
export function listAttemptPhases(db: Db, runId: number, attempt: number): { phase: string; at_ms: number; message: string | null }[] {
  return db.prepare('SELECT phase, at_ms, message FROM run_phases WHERE run_id = ? AND attempt = ? ORDER BY seq').all(runId, attempt) as {
    phase: string;
    at_ms: number;
    message: string | null;
  }[];
}

/** A campaign's failed runs, in run order, with why they failed. */
export function listFailedRuns(db: Db, campaignId: string): { run_index: number; failure_reason: string; error_message: string | null }[] {
  return db
    .prepare("SELECT run_index, failure_reason, error_message FROM runs WHERE campaign_id = ? AND status = 'failed' ORDER BY run_index")
    .all(campaignId) as { run_index: number; failure_reason: string; error_message: string | null }[];
}

/** How many runs a campaign has stored. */
export function countCampaignRuns(db: Db, campaignId: string): number {
  return db.prepare('SELECT COUNT(*) FROM runs WHERE campaign_id = ?').pluck().get(campaignId) as number;
}

/** The latest attempt of a run (files, llem version, telemetry source); undefined before its first start. */
export function latestAttempt(db: Db, runId: number): LatestAttempt | undefined {
  return db
    .prepare('SELECT attempt, config_path, stdout_path, stderr_path, result_path, llem_version, telemetry_source FROM run_attempts WHERE run_id = ? ORDER BY attempt DESC LIMIT 1')
    .get(runId) as LatestAttempt | undefined;
}

export interface LatestAttempt {
  attempt: number;
  config_path: string;
  stdout_path: string;
  stderr_path: string;
  result_path: string | null;
  llem_version: string | null;
  telemetry_source: string | null;
}

/** One run with its experiment (summary and config); undefined when there is no such run. */
export function runWithExperiment(db: Db, runId: number): RunWithExperiment | undefined {
  return db
    .prepare(
      `SELECT r.id, r.campaign_id, r.run_index, r.cycle, r.status, r.failure_reason, r.error_message, r.attempt, r.exit_code, r.started_at, r.ended_at,
              e.id AS experiment_id, e.summary, e.config_json
       FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`,
    )
    .get(runId) as RunWithExperiment | undefined;
}

export interface RunWithExperiment {
  id: number;
  campaign_id: string;
  run_index: number;
  cycle: number;
  status: RunStatus;
  failure_reason: FailureReason | null;
  error_message: string | null;
  attempt: number;
  exit_code: number | null;
  started_at: string | null;
  ended_at: string | null;
  experiment_id: number;
  summary: string;
  config_json: string;
}

/** The versions and GPU the stored result of a run names; undefined when the run has no result. */
export function runResultVersions(db: Db, runId: number): { id: number; driver_version: string | null; cuda_version: string | null; gpu_name: string | null; llem_version: string | null } | undefined {
  return db.prepare('SELECT id, driver_version, cuda_version, gpu_name, llem_version FROM results WHERE run_id = ?').get(runId) as
    | { id: number; driver_version: string | null; cuda_version: string | null; gpu_name: string | null; llem_version: string | null }
    | undefined;
}

/** The config JSON of a campaign's experiments, in order (at most 10,000). */
export function listExperimentConfigs(db: Db, campaignId: string): string[] {
  return (db.prepare('SELECT config_json FROM experiments WHERE campaign_id = ? ORDER BY ordinal LIMIT 10000').all(campaignId) as { config_json: string }[]).map((e) => e.config_json);
}

/** A campaign's runs for the Runs page (at most 10,000): status, experiment, and the measuring-window energy llem and the result report. */
export function listCampaignRunRows(db: Db, campaignId: string): CampaignRunRow[] {
  return db
    .prepare(
      `SELECT r.id, r.run_index, r.cycle, e.id AS experiment_id, e.summary, r.status, r.failure_reason, r.error_message, r.attempt, r.exit_code, r.started_at, r.ended_at,
              en.llem_j, res.total_energy_j, res.duration_sec, res.num_gpus
       FROM runs r JOIN experiments e ON e.id = r.experiment_id
       LEFT JOIN run_energy en ON en.run_id = r.id AND en.attempt = r.attempt AND en.window = 'measuring'
         -- the GPU llem measured (its figure is stored there: the first CUDA-visible GPU), else the lowest index
         AND en.gpu_index = COALESCE(
           (SELECT x.gpu_index FROM run_energy x WHERE x.run_id = r.id AND x.attempt = r.attempt AND x.window = 'measuring' AND x.llem_j IS NOT NULL LIMIT 1),
           (SELECT MIN(x.gpu_index) FROM run_energy x WHERE x.run_id = r.id AND x.attempt = r.attempt AND x.window = 'measuring'))
       LEFT JOIN results res ON res.run_id = r.id
       WHERE r.campaign_id = ? ORDER BY r.run_index LIMIT 10000`,
    )
    .all(campaignId) as CampaignRunRow[];
}

export interface CampaignRunRow {
  id: number;
  run_index: number;
  cycle: number;
  experiment_id: number;
  summary: string;
  status: RunStatus;
  failure_reason: FailureReason | null;
  error_message: string | null;
  attempt: number;
  exit_code: number | null;
  started_at: string | null;
  ended_at: string | null;
  llem_j: number | null;
  total_energy_j: number | null;
  duration_sec: number | null;
  num_gpus: number | null;
}
