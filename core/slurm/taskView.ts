import { classifyOutcome } from '../runner/outcome';
import { findResult, type FoundResult } from '../runner/resultFile';
import { reasonFromBatchLog, reasonFromSlurmState, RUNNING_STATES, ACTIVE_STATES, type SlurmTaskState } from './slurmState';
import { readBatchLog, readTaskAttempts, stderrTail, type TaskAttemptFiles } from './taskFiles';

export type TaskStateName = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type TaskReason =
  | 'timeout'
  | 'out_of_memory'
  | 'node_failure'
  | 'preempted'
  | 'never_started'
  | 'cancelled'
  | 'config_error'
  | 'preflight'
  | 'crash'
  | 'interrupted'
  | 'import_error';

/** One array index as status/collect see it: SLURM's state first, then the files the task wrote. */
export interface TaskView {
  index: number;
  jobId: string | null;
  state: TaskStateName;
  reason: TaskReason | null;
  message: string | null;
  /** SLURM's own word (with its pending reason), null when SLURM no longer knows the task. */
  slurmState: string | null;
  host: string | null;
  gpuUuid: string | null;
  cudaVisibleDevices: string | null;
  exitCode: number | null;
  attempt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Set when this attempt succeeded: the result to import. */
  result: FoundResult | null;
  /** Problems found in the task's files (sampler, MIG, unreadable records). */
  notes: string[];
}

/**
 * Decides one task's state. Order of evidence: a succeeded attempt with a readable result (any submission —
 * a result is never thrown away); SLURM's live or accounted state for the latest submission (TIMEOUT,
 * NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, CANCELLED are SLURM's reasons, kept as such); slurmstepd's line in the
 * batch log; and llem's own exit (config error, OOM, crash) from the task record.
 */
export function viewTask(bundleDir: string, index: number, jobId: string | null, slurm: SlurmTaskState | null): TaskView {
  const attempts = readTaskAttempts(bundleDir, index);
  const notes = attempts.flatMap((a) => (a.problem ? [a.problem] : []));
  const base: TaskView = {
    index,
    jobId,
    state: 'pending',
    reason: null,
    message: null,
    slurmState: slurm ? (slurm.reason && slurm.state === 'PENDING' ? `PENDING (${slurm.reason})` : slurm.state) : null,
    host: slurm?.nodes ?? null,
    gpuUuid: null,
    cudaVisibleDevices: null,
    exitCode: null,
    attempt: null,
    startedAt: null,
    endedAt: null,
    result: null,
    notes,
  };
  const withAttempt = (a: TaskAttemptFiles, v: Partial<TaskView>): TaskView => {
    const r = a.record!;
    for (const p of r.sampler?.problems ?? []) notes.push(p);
    return {
      ...base,
      host: r.host,
      gpuUuid: r.gpu_uuid ?? null,
      cudaVisibleDevices: r.cuda_visible_devices,
      exitCode: r.exit_code ?? null,
      attempt: a.attempt,
      startedAt: r.started_at,
      endedAt: r.ended_at ?? null,
      ...v,
    };
  };

  // 1. A finished attempt with exit 0 and one readable result.json: succeeded, whatever came after.
  for (const a of [...attempts].reverse()) {
    if (!a.ended || a.record?.exit_code !== 0) continue;
    const { found } = findResult(`${a.dir}/output`);
    if (found) return withAttempt(a, { state: 'succeeded', result: found });
  }
  const current = attempts.filter((a) => a.record && (jobId === null || a.arrayJobId === jobId)).at(-1) ?? null;

  // 2. SLURM still knows the task.
  if (slurm && ACTIVE_STATES.has(slurm.state)) {
    const running = RUNNING_STATES.has(slurm.state);
    const v: Partial<TaskView> = { state: running ? 'running' : 'pending', message: slurm.reason };
    return current && running ? withAttempt(current, v) : { ...base, ...v };
  }
  const fromState = slurm ? reasonFromSlurmState(slurm.state) : null;
  const log = jobId ? readBatchLog(bundleDir, jobId, index) : '';
  const fromLog = reasonFromBatchLog(log);
  const slurmReason = fromState ?? fromLog?.reason ?? null;
  if (slurmReason) {
    const said = fromLog?.line ?? `SLURM state ${slurm!.state}${slurm!.reason ? ` (${slurm!.reason})` : ''}`;
    if (slurmReason === 'cancelled') {
      // A batch log means the task had started (SLURM opened it), even if task.py had not written a file yet.
      const when = current ? 'Cancelled while running' : fromLog ? 'Cancelled as it started' : 'Cancelled before it started';
      const v: Partial<TaskView> = { state: 'cancelled', reason: 'cancelled', message: `${when}: ${said}` };
      return current ? withAttempt(current, v) : { ...base, ...v };
    }
    const v: Partial<TaskView> = { state: 'failed', reason: slurmReason, message: said };
    return current ? withAttempt(current, v) : { ...base, ...v };
  }

  // 3. llem's own outcome, from the task record.
  if (current?.ended) {
    const r = current.record!;
    const { lookup } = findResult(`${current.dir}/output`);
    const outcome = classifyOutcome(
      { code: r.exit_code ?? null, signal: r.exit_signal ?? null, spawnError: r.spawn_error ?? null, stoppedBy: null },
      stderrTail(current.dir),
      lookup,
      0,
    );
    return withAttempt(current, {
      state: outcome.status === 'cancelled' ? 'cancelled' : 'failed',
      reason: outcome.failureReason,
      message: outcome.message,
    });
  }
  if (current) {
    return withAttempt(current, {
      state: 'failed',
      reason: 'crash',
      message: slurm ? `SLURM says ${slurm.state}, but the task left no end record (killed outright?)` : 'The task started but left no end record, and SLURM no longer knows it.',
    });
  }
  if (slurm?.state === 'COMPLETED' || slurm?.state === 'FAILED') {
    return { ...base, state: 'failed', reason: 'crash', message: `SLURM says ${slurm.state} (exit ${slurm.exitCode ?? '?'}), but the task wrote no files: is the work dir shared with the nodes?` };
  }
  if (jobId === null) return { ...base, state: 'pending', message: 'not submitted' };
  return { ...base, state: 'failed', reason: 'never_started', message: 'It never started: SLURM has no record of it and it left no files (cancelled while pending, or dropped by SLURM).' };
}
