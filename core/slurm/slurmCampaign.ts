import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { importIntoResultsStore } from '../runner/importResult';
import type { CampaignPlan } from '../runner/runPlan';
import { ensureCampaignRuns, setCampaignStatus, storeRunEnergy } from '../runner/runStore';
import type { Db } from '../store/database';
import { bundleFiles, sbatchScript, validateSubmitOptions, writeBundleFiles, type SlurmSubmitOptions } from './bundle';
import { localShell, sshShell, type ClusterShell } from './clusterShell';
import { energyFromSamplesCsv } from './sampleEnergy';
import { parseSacct, parseScontrolJobs, SACCT_FORMAT, type SlurmTaskState } from './slurmState';
import {
  campaignRunIndices,
  cancelRequestedJobIds,
  countSubmissions,
  getSlurmCampaign,
  importedTaskIndices,
  importedTasks,
  latestTaskJobs,
  markCancelRequested,
  recordSubmission,
  runAttempt,
  runIdsByIndex,
  saveSlurmCampaign,
  saveTask,
  slurmLocalDir,
  storedTaskResult,
  submissionJobIds,
  taskStateCounts,
  type SlurmCampaignRow,
  type StoredTask,
} from './slurmStore';
import { viewTask, type TaskView } from './taskView';

export { getSlurmCampaign, type SlurmCampaignRow };

export interface SlurmTarget {
  /** null: sbatch runs here and the work dir is read directly. */
  sshHost: string | null;
  sshOptions: string[];
  env: NodeJS.ProcessEnv;
}

export function shellFor(target: SlurmTarget): ClusterShell {
  return target.sshHost ? sshShell(target.sshHost, target.sshOptions, target.env) : localShell(target.env);
}

export function targetOf(row: SlurmCampaignRow, env: NodeJS.ProcessEnv): SlurmTarget {
  return { sshHost: row.ssh_host, sshOptions: JSON.parse(row.ssh_options_json) as string[], env };
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
  const jobs = latestTaskJobs(db, campaignId);
  const states = await queryClusterStates(shell, [...new Set(jobs.values())]);
  problems.push(...states.problems);
  if (row.ssh_host) {
    const pulled = await shell.pull(row.bundle_dir, row.local_dir);
    if (pulled.code !== 0) problems.push(`could not pull task files from ${row.ssh_host}: ${(pulled.error ?? pulled.stderr.trim()) || `exit ${pulled.code}`}`);
  }
  const cancelled = cancelRequestedJobIds(db, campaignId);
  const indices = campaignRunIndices(db, campaignId);
  const imported = new Map(importedTasks(db, campaignId).map((t) => [t.task_index, t]));
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

/**
 * Imports every finished task that has no imported result yet (idempotent: the results store de-duplicates by
 * file hash, and imported tasks are skipped), and stores every task's state, host, GPU and reason.
 */
export async function collectCampaign(db: Db, campaignId: string, env: NodeJS.ProcessEnv): Promise<Result<CollectReport>> {
  const status = await campaignStatus(db, campaignId, env);
  if (!status.ok) return status;
  const report: CollectReport = { imported: [], failed: [], active: [], problems: [...status.value.problems], status: status.value };
  const localDir = slurmLocalDir(db, campaignId) ?? '';
  const runIds = runIdsByIndex(db, campaignId);
  for (const task of status.value.tasks) {
    const stored = storedTaskResult(db, campaignId, task.index);
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
  const counts = taskStateCounts(db, campaignId);
  const n = (s: string) => counts.find((c) => c.state === s)?.n ?? 0;
  const total = runIds.size;
  const campaignState = n('pending') + n('running') > 0 ? 'running' : n('succeeded') === total ? 'completed' : 'failed';
  setCampaignStatus(db, campaignId, campaignState);
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
  const attempt = runAttempt(db, runId);
  storeRunEnergy(
    db,
    runId,
    attempt,
    energy.value.map((e) => ({ ...e, window: 'run' as const, llemJ: null })),
    'slurm-node-sampler',
  );
  return null;
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
  saveSlurmCampaign(db, { campaignId: plan.campaignId, bundleDir, localDir: input.localDir, sshHost: target.sshHost, sshOptions: target.sshOptions, options });

  let stillActive: number[] = [];
  if (existing) {
    const collected = await collectCampaign(db, plan.campaignId, target.env);
    if (!collected.ok) return collected;
    if (collected.value.status.source === 'none' && collected.value.status.problems.length > 0) {
      return err('slurm_unreachable', `Cannot tell which tasks are still queued: ${collected.value.status.problems.join('; ')}`);
    }
    stillActive = collected.value.active;
  }
  const done = importedTaskIndices(db, plan.campaignId);
  const indices = plan.runs.map((r) => r.index).filter((i) => !done.has(i) && !stillActive.includes(i));
  if (indices.length === 0) return ok({ campaignId: plan.campaignId, jobId: null, indices, arraySpec: null, bundleDir, alreadyDone: done.size, stillActive });

  const submissionNo = countSubmissions(db, plan.campaignId) + 1;
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
  recordSubmission(db, {
    campaignId: plan.campaignId,
    jobId,
    arraySpec: spec,
    scriptPath: `${bundleDir}/${scriptRel}`,
    tasks: indices.map((index) => ({ ...viewTask(input.localDir, index, jobId, null), state: 'pending' as const, reason: null, message: 'submitted', jobId })),
  });
  return ok({ campaignId: plan.campaignId, jobId, indices, arraySpec: spec, bundleDir, alreadyDone: done.size, stillActive });
}

/** scancel every submission of the campaign (SLURM ignores the finished ones), then collect the outcome. */
export async function cancelCampaign(db: Db, campaignId: string, env: NodeJS.ProcessEnv): Promise<Result<{ jobIds: string[] }>> {
  const row = getSlurmCampaign(db, campaignId);
  if (!row) return err('not_found', `No SLURM campaign ${campaignId} in this data directory.`);
  const jobIds = submissionJobIds(db, campaignId);
  if (jobIds.length === 0) return ok({ jobIds });
  markCancelRequested(db, campaignId);
  const r = await shellFor(targetOf(row, env)).run('scancel', jobIds);
  if (r.code !== 0) return err('scancel_failed', `scancel ${jobIds.join(' ')}: ${(r.error ?? r.stderr.trim()) || `exit ${r.code}`}`);
  return ok({ jobIds });
}
