/**
 * SLURM's own words about array tasks, from whichever source the cluster has: `sacct` (accounting on; keeps
 * finished jobs for good), `scontrol show job -o` (the controller's memory: live jobs, and finished ones for
 * MinJobAge seconds), and the batch log where slurmstepd writes "*** JOB … CANCELLED AT … DUE TO TIME LIMIT ***".
 */

export interface SlurmTaskState {
  index: number;
  /** SLURM's job state word: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY, … */
  state: string;
  /** SLURM's reason (why pending, or why it ended), when it gave one. */
  reason: string | null;
  nodes: string | null;
  exitCode: string | null;
  source: 'sacct' | 'scontrol';
}

/** `0-3,5,7-9%2` or `[0-3,5]` → [0,1,2,3,5,…] (the throttle dropped). Bounded, so a malformed range cannot explode. */
export function expandArrayIndices(spec: string, limit = 100_000): number[] {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Math.max(1, Number(m[3]));
    for (let i = from; i <= to && out.length < limit; i += step) out.push(i);
  }
  return out;
}

/** One `key=value` record of `scontrol show job -o` (values without spaces, which is all we read). */
function scontrolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const m of line.matchAll(/(?:^|\s)([A-Za-z:/]+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
  return fields;
}

/** Array tasks of one array job from `scontrol show job -o <id>` (pending tasks come as one range record). */
export function parseScontrolJobs(text: string, arrayJobId: string): SlurmTaskState[] {
  const out: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('JobId=')) continue;
    const f = scontrolFields(line);
    if (f.get('ArrayJobId') !== arrayJobId) continue;
    const taskSpec = f.get('ArrayTaskId');
    if (taskSpec === undefined) continue;
    const reason = f.get('Reason');
    for (const index of expandArrayIndices(taskSpec)) {
      out.push({
        index,
        state: f.get('JobState') ?? 'UNKNOWN',
        reason: reason && reason !== 'None' ? reason : null,
        nodes: nonEmpty(f.get('NodeList')),
        exitCode: nonEmpty(f.get('ExitCode')),
        source: 'scontrol',
      });
    }
  }
  return out;
}

export const SACCT_FORMAT = 'JobID,State,Reason,NodeList,ExitCode';

/** `sacct -X -n -P -o JobID,State,Reason,NodeList,ExitCode -j <id>` lines (`12_3|TIMEOUT|…`, `12_[4-6%1]|PENDING|…`). */
export function parseSacct(text: string, arrayJobId: string): SlurmTaskState[] {
  const out: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    const [jobId, state, reason, nodes, exitCode] = line.split('|');
    if (!jobId || !state) continue;
    const m = /^(\d+)_(.+)$/.exec(jobId.trim());
    if (!m || m[1] !== arrayJobId) continue;
    for (const index of expandArrayIndices(m[2]!)) {
      out.push({
        index,
        // "CANCELLED by 0" → CANCELLED; the rest of the words are who did it.
        state: state.trim().split(/\s+/)[0]!,
        reason: reason && reason.trim() !== 'None' ? reason.trim() : null,
        nodes: nodes && nodes.trim() !== 'None assigned' ? nonEmpty(nodes.trim()) : null,
        exitCode: nonEmpty(exitCode?.trim()),
        source: 'sacct',
      });
    }
  }
  return out;
}

export type EndReason = 'timeout' | 'out_of_memory' | 'node_failure' | 'preempted' | 'cancelled';

/** slurmstepd's line in the batch log (the task's own output file), when SLURM ended the task. */
export function reasonFromBatchLog(text: string): { reason: EndReason; line: string } | null {
  const lines = text.split('\n');
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const checks: [RegExp, EndReason][] = [
    [/\*\*\* JOB .* DUE TO TIME LIMIT/, 'timeout'],
    [/\*\*\* JOB .* DUE TO PREEMPTION/, 'preempted'],
    [/\*\*\* JOB .* DUE TO NODE FAILURE/, 'node_failure'],
    [/oom[_-]kill event|Exceeded job memory limit|out-of-memory handler/i, 'out_of_memory'],
    [/\*\*\* JOB .* CANCELLED AT /, 'cancelled'],
  ];
  for (const [re, reason] of checks) {
    const line = find(re);
    if (line) return { reason, line: line.trim() };
  }
  return null;
}

/** SLURM's end states that say why by themselves. */
export function reasonFromSlurmState(state: string): EndReason | 'never_started' | null {
  switch (state) {
    case 'TIMEOUT':
      return 'timeout';
    case 'OUT_OF_MEMORY':
      return 'out_of_memory';
    case 'NODE_FAIL':
      return 'node_failure';
    case 'PREEMPTED':
      return 'preempted';
    case 'CANCELLED':
      return 'cancelled';
    case 'BOOT_FAIL':
    case 'DEADLINE':
      return 'never_started';
    default:
      return null;
  }
}

export const ACTIVE_STATES = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SUSPENDED', 'STAGE_OUT', 'SIGNALING', 'RESV_DEL_HOLD', 'STOPPED']);
export const RUNNING_STATES = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING', 'SUSPENDED', 'STOPPED']);

function nonEmpty(s: string | undefined | null): string | null {
  return s === undefined || s === null || s === '' || s === '(null)' ? null : s;
}
