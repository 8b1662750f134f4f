import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { importIntoResultsStore } from '../runner/importResult';
import type { CampaignPlan } from '../runner/runPlan';
import { ensureCampaignRuns, storeRunEnergy } from '../runner/runStore';
import type { Db } from '../store/database';
import { bundleFiles, sbatchScript, validateSubmitOptions, writeBundleFiles, type SlurmSubmitOptions } from './bundle';
import { localShell, sshShell, type ClusterShell } from './clusterShell';
import { energyFromSamplesCsv } from './sampleEnergy';
import { parseSacct, parseScontrolJobs, SACCT_FORMAT, type SlurmTaskState } from './slurmState';
import { viewTask, type TaskView } from './taskView';

export interface SlurmCampaignRow {
  campaign_id: string;
  bundle_dir: string;
  local_dir: string;
  ssh_host: string | null;
  ssh_options_json: string;
  options_json: string;
}

export interface SlurmTarget {
  /** null: sbatch runs here and the work dir is read directly. */
  sshHost: string | null;
  sshOptions: string[];
  env: NodeJS.ProcessEnv;
}

const nowIso = () => new Date().toISOString();

export function shellFor(target: SlurmTarget): ClusterShell {
  return target.sshHost ? sshShell(target.sshHost, target.sshOptions, target.env) : localShell(target.env);
}

export function getSlurmCampaign(db: Db, campaignId: string): SlurmCampaignRow | undefined {
  return db.prepare('SELECT * FROM slurm_campaigns WHERE campaign_id = ?').get(campaignId) as SlurmCampaignRow | undefined;
}

export function targetOf(row: SlurmCampaignRow, env: NodeJS.ProcessEnv): SlurmTarget {
  return { sshHost: row.ssh_host, sshOptions: JSON.parse(row.ssh_options_json) as string[], env };
}

/** Latest array job per index (the one whose state counts). */
function latestJobs(db: Db, campaignId: string): Map<number, string> {
  const rows = db.prepare('SELECT task_index, job_id FROM slurm_tasks WHERE campaign_id = ? AND job_id IS NOT NULL').all(campaignId) as { task_index: number; job_id: string }[];
  return new Map(rows.map((r) => [r.task_index, r.job_id]));
}

export interface ClusterStates {
  byJob: Map<string, Map<number, SlurmTaskState>>;
  /** Which source answered: sacct (accounting on) or scontrol (the controller's memory). */
  source: 'sacct' | 'scontrol' | 'none';
  problems: string[];
}

/** Asks SLURM about the given array jobs: sacct when accounting is on, else scontrol. */
export async function queryClusterStates(shell: ClusterShell, jobIds: readonly string[]): Promise<ClusterStates> {
  const byJob = new Map<string, Map<number, SlurmTaskState>>();
  const problems: string[] = [];
  if (jobIds.length === 0) return { byJob, source: 'none', problems };
  const put = (jobId: string, states: SlurmTaskState[]) => byJob.set(jobId, new Map(states.map((s) => [s.index, s])));
  const sacct = await shell.run('sacct', ['-X', '-n', '-P', '-o', SACCT_FORMAT, '-j', jobIds.join(',')]);
  if (sacct.code === 0 && !/accounting storage is disabled/i.test(sacct.stderr + sacct.stdout)) {
    for (const id of jobIds) put(id, parseSacct(sacct.stdout, id));
    // Accounting can lag a few seconds behind a fresh submission: fill holes from the controller.
    const missing = jobIds.filter((id) => byJob.get(id)!.size === 0);
    if (missing.length === 0) return { byJob, source: 'sacct', problems };
  }
  let source: ClusterStates['source'] = 'scontrol';
  for (const id of jobIds) {
    if (byJob.get(id)?.size) continue;
    const r = await shell.run('scontrol', ['show', 'job', '-o', id]);
    if (r.code === 0) put(id, parseScontrolJobs(r.stdout, id));
    else if (/Invalid job id/i.test(r.stderr)) put(id, []); // finished longer ago than MinJobAge: the files tell
    else {
      problems.push(`scontrol show job ${id}: ${(r.error ?? r.stderr.trim()) || `exit ${r.code}`}`);
      source = 'none';
    }
  }
  return { byJob, source, problems };
}

export interface CampaignStatus {
  campaignId: string;
  bundleDir: string;
  source: ClusterStates['source'];
  tasks: TaskView[];
  problems: string[];
}

/** Per-task state right now (pulls the node files first with --ssh); stores nothing. */
export async function campaignStatus(db: Db, campaignId: string, env: NodeJS.ProcessEnv): Promise<Result<CampaignStatus>> {
  const row = getSlurmCampaign(db, campaignId);
  if (!row) return err('not_found', `No SLURM campaign ${campaignId} in this data directory (llem-studio slurm submit makes one).`);
  const shell = shellFor(targetOf(row, env));
  const problems: string[] = [];
  // SLURM first, files second: a task SLURM calls ended wrote its task.json before it exited, so the files read
  // afterwards have it (the other order can see "COMPLETED" with the files of a moment before).
  const jobs = latestJobs(db, campaignId);
  const states = await queryClusterStates(shell, [...new Set(jobs.values())]);
  problems.push(...states.problems);
  if (row.ssh_host) {
    const pulled = await shell.pull(row.bundle_dir, row.local_dir);
    if (pulled.code !== 0) problems.push(`could not pull task files from ${row.ssh_host}: ${(pulled.error ?? pulled.stderr.trim()) || `exit ${pulled.code}`}`);
  }
  const cancelled = new Set(db.prepare('SELECT job_id FROM slurm_submissions WHERE campaign_id = ? AND cancel_requested_at IS NOT NULL').pluck().all(campaignId) as string[]);
  const indices = (db.prepare('SELECT run_index FROM runs WHERE campaign_id = ? ORDER BY run_index').pluck().all(campaignId) as number[]);
  const imported = new Map(
    (db.prepare('SELECT * FROM slurm_tasks WHERE campaign_id = ? AND result_id IS NOT NULL').all(campaignId) as StoredTask[]).map((t) => [t.task_index, t]),
  );
  const tasks = indices.map((index) => {
    const stored = imported.get(index);
    if (stored) return storedView(stored);
    const jobId = jobs.get(index) ?? null;
    // SLURM not answering: do not guess "never started" from silence.
    const slurm = jobId ? (states.byJob.get(jobId)?.get(index) ?? null) : null;
    if (jobId && states.source === 'none' && !slurm) return { ...viewTask(row.local_dir, index, null, null), jobId, message: 'SLURM did not answer' };
    const view = viewTask(row.local_dir, index, jobId, slurm);
    if (view.reason === 'never_started' && jobId && cancelled.has(jobId)) {
      return { ...view, state: 'cancelled' as const, reason: 'cancelled' as const, message: 'Cancelled from llem Studio before it started.' };
    }
    return view;
  });
  return ok({ campaignId, bundleDir: row.bundle_dir, source: states.source, tasks, problems });
}

interface StoredTask {
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

function storedView(t: StoredTask): TaskView {
  return {
    index: t.task_index,
    jobId: t.job_id,
    state: t.state,
    reason: t.reason,
    message: t.message,
    slurmState: t.slurm_state,
    host: t.host,
    gpuUuid: t.gpu_uuid,
    cudaVisibleDevices: t.cuda_visible_devices,
    exitCode: t.exit_code,
    attempt: t.attempt,
    startedAt: t.started_at,
    endedAt: t.ended_at,
    result: null,
    notes: [],
  };
}

export interface CollectReport {
  imported: number[];
  failed: { index: number; reason: string | null; message: string | null }[];
  active: number[];
  problems: string[];
  status: CampaignStatus;
}

const RUN_FAILURE_REASONS = new Set(['config_error', 'preflight', 'out_of_memory', 'crash', 'timeout', 'interrupted', 'import_error']);

/**
 * Imports every finished task that has no imported result yet (idempotent: the results store de-duplicates by
 * file hash, and imported tasks are skipped), and stores every task's state, host, GPU and reason.
 */
export async function collectCampaign(db: Db, campaignId: string, env: NodeJS.ProcessEnv): Promise<Result<CollectReport>> {
  const status = await campaignStatus(db, campaignId, env);
  if (!status.ok) return status;
  const report: CollectReport = { imported: [], failed: [], active: [], problems: [...status.value.problems], status: status.value };
  const localDir = (db.prepare('SELECT local_dir FROM slurm_campaigns WHERE campaign_id = ?').pluck().get(campaignId) as string | undefined) ?? '';
  const runIds = new Map((db.prepare('SELECT run_index, id FROM runs WHERE campaign_id = ?').all(campaignId) as { run_index: number; id: number }[]).map((r) => [r.run_index, r.id]));
  for (const task of status.value.tasks) {
    const stored = db.prepare('SELECT result_id FROM slurm_tasks WHERE campaign_id = ? AND task_index = ?').get(campaignId, task.index) as { result_id: number | null } | undefined;
    if (stored?.result_id) continue;
    const runId = runIds.get(task.index)!;
    let view = task;
    let resultId: number | null = null;
    if (task.state === 'succeeded' && task.result) {
      const imported = await importIntoResultsStore(db, { runId, resultPath: task.result.resultPath });
      if (imported.ok) {
        resultId = imported.value.resultId;
        report.imported.push(task.index);
      } else {
        view = { ...task, state: 'failed', reason: 'import_error', message: imported.error.message };
      }
    }
    if (view.state === 'failed' || view.state === 'cancelled') report.failed.push({ index: view.index, reason: view.reason, message: view.message });
    if (view.state === 'pending' || view.state === 'running') report.active.push(view.index);
    saveTask(db, campaignId, runId, view, resultId);
    if (resultId !== null && view.attempt) {
      const stored = await storeTaskEnergy(db, runId, path.join(localDir, 'tasks', String(view.index).padStart(4, '0'), view.attempt), view.gpuUuid);
      if (stored) report.problems.push(`task ${view.index}: ${stored}`);
    }
  }
  const counts = db.prepare('SELECT state, COUNT(*) AS n FROM slurm_tasks WHERE campaign_id = ? GROUP BY state').all(campaignId) as { state: string; n: number }[];
  const n = (s: string) => counts.find((c) => c.state === s)?.n ?? 0;
  const total = runIds.size;
  const campaignState = n('pending') + n('running') > 0 ? 'running' : n('succeeded') === total ? 'completed' : 'failed';
  db.prepare('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?').run(campaignState, nowIso(), campaignId);
  return ok(report);
}

/**
 * The app's own energy of a collected task (the `run` window: the node records no phases) from the node sampler's
 * samples.csv, stored like a local run's. Returns a problem to report, or null; the imported result stands either way.
 */
async function storeTaskEnergy(db: Db, runId: number, attemptDir: string, gpuUuids: string | null): Promise<string | null> {
  const energy = await energyFromSamplesCsv(path.join(attemptDir, 'samples.csv'), gpuUuids ? gpuUuids.split(',') : []);
  if (!energy.ok) return `samples not imported: ${energy.error.message}`;
  if (energy.value.length === 0) return null;
  const attempt = db.prepare('SELECT attempt FROM runs WHERE id = ?').pluck().get(runId) as number;
  storeRunEnergy(
    db,
    runId,
    attempt,
    energy.value.map((e) => ({ ...e, window: 'run' as const, llemJ: null })),
    'slurm-node-sampler',
  );
  return null;
}

function saveTask(db: Db, campaignId: string, runId: number, v: TaskView, resultId: number | null): void {
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

export interface SubmitInput {
  plan: CampaignPlan;
  options: SlurmSubmitOptions;
  target: SlurmTarget;
  /** Where collect reads the bundle: the work dir itself locally, a mirror under the data dir with --ssh. */
  localDir: string;
}

export interface SubmitReport {
  campaignId: string;
  jobId: string | null;
  indices: number[];
  arraySpec: string | null;
  bundleDir: string;
  alreadyDone: number;
  stillActive: number[];
}

/**
 * Writes the bundle and submits the array for every task without an imported result that SLURM is not
 * already running or holding (a second submit of the same study resumes; it never doubles a live task).
 */
export async function submitCampaign(db: Db, input: SubmitInput): Promise<Result<SubmitReport>> {
  const valid = validateSubmitOptions(input.options);
  if (!valid.ok) return valid;
  const { plan, options, target } = input;
  const bundleDir = path.posix.join(options.workDir, plan.campaignId);
  const ensured = ensureCampaignRuns(db, plan);
  if (!ensured.ok) return ensured;
  const existing = getSlurmCampaign(db, plan.campaignId);
  if (existing && (existing.bundle_dir !== bundleDir || existing.ssh_host !== target.sshHost)) {
    return err(
      'campaign_elsewhere',
      `Campaign ${plan.campaignId} was submitted to ${existing.ssh_host ?? 'this machine'} with its bundle in ${existing.bundle_dir}; submit it there again to resume (or use a different study).`,
    );
  }
  const now = nowIso();
  db.prepare(
    `INSERT INTO slurm_campaigns (campaign_id, bundle_dir, local_dir, ssh_host, ssh_options_json, options_json, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET ssh_options_json = excluded.ssh_options_json,
       options_json = excluded.options_json, updated_at = excluded.updated_at`,
  ).run(plan.campaignId, bundleDir, input.localDir, target.sshHost, JSON.stringify(target.sshOptions), JSON.stringify(options), now, now);

  let stillActive: number[] = [];
  if (existing) {
    const collected = await collectCampaign(db, plan.campaignId, target.env);
    if (!collected.ok) return collected;
    if (collected.value.status.source === 'none' && collected.value.status.problems.length > 0) {
      return err('slurm_unreachable', `Cannot tell which tasks are still queued: ${collected.value.status.problems.join('; ')}`);
    }
    stillActive = collected.value.active;
  }
  const done = new Set(db.prepare('SELECT task_index FROM slurm_tasks WHERE campaign_id = ? AND result_id IS NOT NULL').pluck().all(plan.campaignId) as number[]);
  const indices = plan.runs.map((r) => r.index).filter((i) => !done.has(i) && !stillActive.includes(i));
  if (indices.length === 0) return ok({ campaignId: plan.campaignId, jobId: null, indices, arraySpec: null, bundleDir, alreadyDone: done.size, stillActive });

  const submissionNo = (db.prepare('SELECT COUNT(*) FROM slurm_submissions WHERE campaign_id = ?').pluck().get(plan.campaignId) as number) + 1;
  const scriptRel = `submissions/${submissionNo}.sbatch`;
  const script = sbatchScript(bundleDir, plan.campaignId, indices, options);
  try {
    writeBundleFiles(input.localDir, [...bundleFiles(plan, options), { path: scriptRel, text: script, mode: 0o755 }]);
  } catch (e) {
    return err('bundle_write_failed', `Cannot write the bundle in ${input.localDir}: ${(e as Error).message}`, { path: input.localDir });
  }
  const shell = shellFor(target);
  if (target.sshHost) {
    const pushed = await shell.push(input.localDir, bundleDir);
    if (pushed.code !== 0) return err('bundle_copy_failed', `Cannot copy the bundle to ${target.sshHost}:${bundleDir}: ${(pushed.error ?? pushed.stderr.trim()) || `exit ${pushed.code}`}`);
  }
  const submitted = await shell.run('sbatch', ['--parsable', `${bundleDir}/${scriptRel}`]);
  const jobId = /^(\d+)/.exec(submitted.stdout.trim())?.[1];
  if (submitted.code !== 0 || !jobId) {
    return err('sbatch_failed', `sbatch on ${shell.describe} failed: ${(submitted.error ?? submitted.stderr.trim()) || submitted.stdout.trim() || `exit ${submitted.code}`}`);
  }
  const spec = /--array=(\S+)/.exec(script)![1]!;
  db.transaction(() => {
    db.prepare('INSERT INTO slurm_submissions (campaign_id, job_id, array_spec, script_path, submitted_at) VALUES (?, ?, ?, ?, ?)').run(
      plan.campaignId,
      jobId,
      spec,
      `${bundleDir}/${scriptRel}`,
      nowIso(),
    );
    for (const index of indices) {
      const runId = db.prepare('SELECT id FROM runs WHERE campaign_id = ? AND run_index = ?').pluck().get(plan.campaignId, index) as number;
      saveTask(db, plan.campaignId, runId, { ...viewTask(input.localDir, index, jobId, null), state: 'pending', reason: null, message: 'submitted', jobId }, null);
    }
    db.prepare("UPDATE campaigns SET status = 'running', updated_at = ? WHERE id = ?").run(nowIso(), plan.campaignId);
  })();
  return ok({ campaignId: plan.campaignId, jobId, indices, arraySpec: spec, bundleDir, alreadyDone: done.size, stillActive });
}

/** scancel every submission of the campaign (SLURM ignores the finished ones), then collect the outcome. */
export async function cancelCampaign(db: Db, campaignId: string, env: NodeJS.ProcessEnv): Promise<Result<{ jobIds: string[] }>> {
  const row = getSlurmCampaign(db, campaignId);
  if (!row) return err('not_found', `No SLURM campaign ${campaignId} in this data directory.`);
  const jobIds = db.prepare('SELECT DISTINCT job_id FROM slurm_submissions WHERE campaign_id = ?').pluck().all(campaignId) as string[];
  if (jobIds.length === 0) return ok({ jobIds });
  db.prepare('UPDATE slurm_submissions SET cancel_requested_at = ? WHERE campaign_id = ? AND cancel_requested_at IS NULL').run(nowIso(), campaignId);
  const r = await shellFor(targetOf(row, env)).run('scancel', jobIds);
  if (r.code !== 0) return err('scancel_failed', `scancel ${jobIds.join(' ')}: ${(r.error ?? r.stderr.trim()) || `exit ${r.code}`}`);
  return ok({ jobIds });
}
