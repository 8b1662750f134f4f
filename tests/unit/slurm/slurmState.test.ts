import { describe, expect, it } from 'vitest';
import { expandArrayIndices, parseSacct, parseScontrolJobs, reasonFromBatchLog, reasonFromSlurmState } from '../../../core/slurm/slurmState';

// Lines in the shapes SLURM 22.05 prints (scontrol -o records trimmed to the fields read; sacct -P).
const SCONTROL = [
  'JobId=41 ArrayJobId=40 ArrayTaskId=0 JobName=llem-x JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 NodeList=gpu07 Command=/w/c/submissions/1.sbatch',
  'JobId=42 ArrayJobId=40 ArrayTaskId=1 JobName=llem-x JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 NodeList=gpu07',
  'JobId=40 ArrayJobId=40 ArrayTaskId=2-4%1 ArrayTaskThrottle=1 JobName=llem-x JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0 NodeList=(null)',
  'JobId=99 ArrayJobId=98 ArrayTaskId=0 JobState=RUNNING Reason=None NodeList=gpu01',
].join('\n');

const SACCT = ['40_0|COMPLETED|None|gpu07|0:0', '40_1|NODE_FAIL|None|gpu08|0:0', '40_2|CANCELLED by 1000|None|None assigned|0:0', '40_[3-4%1]|PENDING|Priority|None assigned|0:0', '41_0|RUNNING|None|gpu01|0:0'].join('\n');

describe('SLURM state parsing', () => {
  it('expands array lists, ranges with steps and throttles, and ignores junk', () => {
    expect(expandArrayIndices('2-4%1')).toEqual([2, 3, 4]);
    expect(expandArrayIndices('[0-6:3,9]')).toEqual([0, 3, 6, 9]);
    expect(expandArrayIndices('x,5')).toEqual([5]);
    expect(expandArrayIndices('0-999999999', 10)).toHaveLength(10);
  });

  it('reads one array job\'s tasks from scontrol, one per index, pending ranges expanded', () => {
    const tasks = parseScontrolJobs(SCONTROL, '40');
    expect(tasks.map((t) => [t.index, t.state, t.reason, t.nodes])).toEqual([
      [0, 'COMPLETED', null, 'gpu07'],
      [1, 'TIMEOUT', 'TimeLimit', 'gpu07'],
      [2, 'PENDING', 'JobArrayTaskLimit', null],
      [3, 'PENDING', 'JobArrayTaskLimit', null],
      [4, 'PENDING', 'JobArrayTaskLimit', null],
    ]);
  });

  it('reads sacct: "CANCELLED by uid" is CANCELLED, unassigned nodes are none, other jobs are left out', () => {
    expect(parseSacct(SACCT, '40').map((t) => [t.index, t.state, t.reason, t.nodes])).toEqual([
      [0, 'COMPLETED', null, 'gpu07'],
      [1, 'NODE_FAIL', null, 'gpu08'],
      [2, 'CANCELLED', null, null],
      [3, 'PENDING', 'Priority', null],
      [4, 'PENDING', 'Priority', null],
    ]);
  });

  it('maps SLURM end states and slurmstepd\'s log lines to reasons', () => {
    expect(['TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'CANCELLED', 'BOOT_FAIL', 'COMPLETED'].map(reasonFromSlurmState)).toEqual([
      'timeout',
      'out_of_memory',
      'node_failure',
      'preempted',
      'cancelled',
      'never_started',
      null,
    ]);
    const log = (l: string) => reasonFromBatchLog(`some llem output\n${l}\nmore\n`)?.reason ?? null;
    expect(log('slurmstepd-gpu07: error: *** JOB 42 ON gpu07 CANCELLED AT 2026-12-06T21:15:29 DUE TO TIME LIMIT ***')).toBe('timeout');
    expect(log('slurmstepd: error: *** JOB 42 ON gpu07 CANCELLED AT 2026-12-06T21:15:29 DUE TO PREEMPTION ***')).toBe('preempted');
    expect(log('slurmstepd: error: *** JOB 42 ON gpu07 CANCELLED AT 2026-12-06T21:15:29 DUE TO NODE FAILURE ***')).toBe('node_failure');
    expect(log('slurmstepd: error: Detected 1 oom_kill event in StepId=42.batch. Some of the step tasks have been OOM Killed.')).toBe('out_of_memory');
    expect(log('slurmstepd: error: *** JOB 42 ON gpu07 CANCELLED AT 2026-12-06T21:15:29 ***')).toBe('cancelled');
    expect(log('Traceback: DUE TO TIME LIMIT in a user message')).toBeNull();
  });
});
