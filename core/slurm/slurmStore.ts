import type { Db } from '../store/database';
import type { SlurmSubmitOptions } from './bundle';
import type { TaskView } from './taskView';

/**
 * The SLURM campaign's SQL (migration 009: slurm_campaigns, slurm_submissions, slurm_tasks) and the run rows it
 * keeps in step, so Runs and Results show SLURM runs like local ones. slurmCampaign.ts decides; this stores.
 */

const nowIso = () => new Date().toISOString();

export interface SlurmCampaignRow {
  campaign_id: string;
  bundle_dir: string;
  local_dir: string;
  ssh_host: string | null;
  ssh_options_json: string;
  options_json: string;
}

export function getSlurmCampaign(db: Db, campaignId: string): SlurmCampaignRow | undefined {
  return db.prepare('SELECT * FROM slurm_campaigns WHERE campaign_id = ?').get(campaignId) as SlurmCampaignRow | undefined;
}

/** Saves where a campaign's bundle is (a second submit keeps the bundle and updates the options). */
export function saveSlurmCampaign(
  db: Db,
  c: { campaignId: string; bundleDir: string; localDir: string; sshHost: string | null; sshOptions: string[]; options: SlurmSubmitOptions },
): void {
  const now = nowIso();
  db.prepare(
    `INSERT INTO slurm_campaigns (campaign_id, bundle_dir, local_dir, ssh_host, ssh_options_json, options_json, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET ssh_options_json = excluded.ssh_options_json,
       options_json = excluded.options_json, updated_at = excluded.updated_at`,
  ).run(c.campaignId, c.bundleDir, c.localDir, c.sshHost, JSON.stringify(c.sshOptions), JSON.stringify(c.options), now, now);
}

/** The local folder collect reads a campaign's task files from. */
export function slurmLocalDir(db: Db, campaignId: string): string | undefined {
  return db.prepare('SELECT local_dir FROM slurm_campaigns WHERE campaign_id = ?').pluck().get(campaignId) as string | undefined;
}

/** Latest array job per index (the one whose state counts). */
export function latestTaskJobs(db: Db, campaignId: string): Map<number, string> {
  const rows = db.prepare('SELECT task_index, job_id FROM slurm_tasks WHERE campaign_id = ? AND job_id IS NOT NULL').all(campaignId) as { task_index: number; job_id: string }[];
  return new Map(rows.map((r) => [r.task_index, r.job_id]));
}

export interface StoredTask {
  task_index: number;
  job_id: string | null;
  state: TaskView['state'];
  reason: TaskView['reason'];
  message: string | null;
  slurm_state: string | null;
  host: string | null;
  gpu_uuid: string | null;
  cuda_visible_devices: string | null;
  exit_code: number | null;
  attempt: string | null;
  started_at: string | null;
  ended_at: string | null;
  result_id: number | null;
}

/** Tasks whose result is imported already (their stored view stands). */
export function importedTasks(db: Db, campaignId: string): StoredTask[] {
  return db.prepare('SELECT * FROM slurm_tasks WHERE campaign_id = ? AND result_id IS NOT NULL').all(campaignId) as StoredTask[];
}

export function importedTaskIndices(db: Db, campaignId: string): Set<number> {
  return new Set(db.prepare('SELECT task_index FROM slurm_tasks WHERE campaign_id = ? AND result_id IS NOT NULL').pluck().all(campaignId) as number[]);
}

export function storedTaskResult(db: Db, campaignId: string, taskIndex: number): { result_id: number | null } | undefined {
  return db.prepare('SELECT result_id FROM slurm_tasks WHERE campaign_id = ? AND task_index = ?').get(campaignId, taskIndex) as { result_id: number | null } | undefined;
}

export function taskStateCounts(db: Db, campaignId: string): { state: string; n: number }[] {
  return db.prepare('SELECT state, COUNT(*) AS n FROM slurm_tasks WHERE campaign_id = ? GROUP BY state').all(campaignId) as { state: string; n: number }[];
}

/** Array jobs whose cancel was asked for from llem Studio. */
export function cancelRequestedJobIds(db: Db, campaignId: string): Set<string> {
  return new Set(db.prepare('SELECT job_id FROM slurm_submissions WHERE campaign_id = ? AND cancel_requested_at IS NOT NULL').pluck().all(campaignId) as string[]);
}

export function submissionJobIds(db: Db, campaignId: string): string[] {
  return db.prepare('SELECT DISTINCT job_id FROM slurm_submissions WHERE campaign_id = ?').pluck().all(campaignId) as string[];
}

export function countSubmissions(db: Db, campaignId: string): number {
  return db.prepare('SELECT COUNT(*) FROM slurm_submissions WHERE campaign_id = ?').pluck().get(campaignId) as number;
}

export function markCancelRequested(db: Db, campaignId: string): void {
  db.prepare('UPDATE slurm_submissions SET cancel_requested_at = ? WHERE campaign_id = ? AND cancel_requested_at IS NULL').run(nowIso(), campaignId);
}

/** The campaign's run indices in order (one SLURM array task each). */
export function campaignRunIndices(db: Db, campaignId: string): number[] {
  return db.prepare('SELECT run_index FROM runs WHERE campaign_id = ? ORDER BY run_index').pluck().all(campaignId) as number[];
}

export function runIdsByIndex(db: Db, campaignId: string): Map<number, number> {
  return new Map((db.prepare('SELECT run_index, id FROM runs WHERE campaign_id = ?').all(campaignId) as { run_index: number; id: number }[]).map((r) => [r.run_index, r.id]));
}

export function runAttempt(db: Db, runId: number): number {
  return db.prepare('SELECT attempt FROM runs WHERE id = ?').pluck().get(runId) as number;
}

const RUN_FAILURE_REASONS = new Set(['config_error', 'preflight', 'out_of_memory', 'crash', 'timeout', 'interrupted', 'import_error']);

/** Stores one task's state and mirrors it on the campaign's run row. */
export function saveTask(db: Db, campaignId: string, runId: number, v: TaskView, resultId: number | null): void {
  const now = nowIso();
  db.transaction(() => {
    db.prepare(
      `INSERT INTO slurm_tasks (campaign_id, task_index, job_id, state, reason, message, slurm_state, host, gpu_uuid, cuda_visible_devices,
         exit_code, attempt, started_at, ended_at, result_id, updated_at)
       VALUES (@campaignId, @index, @jobId, @state, @reason, @message, @slurmState, @host, @gpuUuid, @cvd, @exitCode, @attempt, @startedAt, @endedAt, @resultId, @now)
       ON CONFLICT (campaign_id, task_index) DO UPDATE SET job_id = excluded.job_id, state = excluded.state, reason = excluded.reason,
         message = excluded.message, slurm_state = excluded.slurm_state, host = excluded.host, gpu_uuid = excluded.gpu_uuid,
         cuda_visible_devices = excluded.cuda_visible_devices, exit_code = excluded.exit_code, attempt = excluded.attempt,
         started_at = excluded.started_at, ended_at = excluded.ended_at, result_id = excluded.result_id, updated_at = excluded.updated_at`,
    ).run({
      campaignId,
      index: v.index,
      jobId: v.jobId,
      state: v.state,
      reason: v.reason,
      message: v.message,
      slurmState: v.slurmState,
      host: v.host,
      gpuUuid: v.gpuUuid,
      cvd: v.cudaVisibleDevices,
      exitCode: v.exitCode,
      attempt: v.attempt,
      startedAt: v.startedAt,
      endedAt: v.endedAt,
      resultId,
      now,
    });
    // The ordinary run row, so Runs and Results show SLURM runs like local ones.
    const runStatus = v.state === 'pending' ? 'queued' : v.state;
    const failure = v.reason && RUN_FAILURE_REASONS.has(v.reason) ? v.reason : v.state === 'failed' || v.state === 'cancelled' ? 'interrupted' : null;
    db.prepare(
      `UPDATE runs SET status = ?, failure_reason = ?, error_message = ?, exit_code = ?, output_dir = COALESCE(?, output_dir),
         llem_measurement_config_hash = COALESCE(?, llem_measurement_config_hash), started_at = ?, ended_at = ?, attempt = MAX(attempt, 1) WHERE id = ?`,
    ).run(
      runStatus,
      v.state === 'succeeded' ? null : failure,
      v.state === 'succeeded' ? null : v.message,
      v.exitCode,
      v.result?.resultDir ?? null,
      v.result?.llemMeasurementConfigHash ?? null,
      v.startedAt,
      v.endedAt,
      runId,
    );
  })();
}

/** One sbatch submission: the submission row, its tasks as pending, and the campaign as running, in one transaction. */
export function recordSubmission(db: Db, s: { campaignId: string; jobId: string; arraySpec: string; scriptPath: string; tasks: TaskView[] }): void {
  db.transaction(() => {
    db.prepare('INSERT INTO slurm_submissions (campaign_id, job_id, array_spec, script_path, submitted_at) VALUES (?, ?, ?, ?, ?)').run(
      s.campaignId,
      s.jobId,
      s.arraySpec,
      s.scriptPath,
      nowIso(),
    );
    for (const task of s.tasks) {
      const runId = db.prepare('SELECT id FROM runs WHERE campaign_id = ? AND run_index = ?').pluck().get(s.campaignId, task.index) as number;
      saveTask(db, s.campaignId, runId, task, null);
    }
    db.prepare("UPDATE campaigns SET status = 'running', updated_at = ? WHERE id = ?").run(nowIso(), s.campaignId);
  })();
}
