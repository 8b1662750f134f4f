import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleFiles, writeBundleFiles } from '../../../core/slurm/bundle';
import { viewTask } from '../../../core/slurm/taskView';
import { missingDependency } from '../../helpers/externalDependency';
import { planStudyFile } from '../../../core/runner/studyPlan';

/**
 * task.py run directly (as SLURM would run it, with SLURM's variables set by hand) against the fake llem and the
 * fake NVML: the plain files it writes, and how status reads them. The real-SLURM path is tests/integration/slurm.
 */
const REPO = path.resolve(__dirname, '../../..');
const FAKE_LLEM = path.join(REPO, 'tests/fixtures/fake-llem/llem.mjs');
const FAKE_PYNVML = path.join(REPO, 'tests/fixtures/fake-pynvml');
const skip = missingDependency('python3 (the node side of SLURM campaigns)', spawnSync('python3', ['--version']).status === 0 ? null : 'python3 is not on PATH');

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'llem-task-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle for a study (planned as llem would, for the fake llem's profile). */
function writeStudyBundle(yaml: string) {
  const file = path.join(dir, 'study.yaml');
  writeFileSync(file, yaml);
  const plan = planStudyFile(file, 'head');
  if (!plan.ok) throw new Error(plan.error.message);
  writeBundleFiles(dir, bundleFiles(plan.value, { workDir: dir, llemOnNodes: FAKE_LLEM, gpusPerTask: 1, maxParallel: 1, time: '10', sbatchArgs: [] }));
  return plan.value;
}

function runTask(yaml: string, index: number, env: Record<string, string> = {}) {
  const plan = writeStudyBundle(yaml);
  const r = spawnSync('python3', [path.join(dir, 'node/task.py'), dir, String(index)], {
    env: { ...process.env, PYTHONPATH: FAKE_PYNVML, FAKE_LLEM_STEP_MS: '5', SLURM_JOB_ID: '501', SLURM_ARRAY_JOB_ID: '500', SLURM_ARRAY_TASK_ID: String(index), FAKE_NVML_GPUS: 'GPU-aaa,GPU-bbb', CUDA_VISIBLE_DEVICES: '1', ...env },
    encoding: 'utf8',
  });
  const taskDir = path.join(dir, 'tasks', String(index).padStart(4, '0'), '501');
  return { plan, exit: r.status, stderr: r.stderr, taskDir, record: JSON.parse(readFileSync(path.join(taskDir, 'task.json'), 'utf8')) };
}

describe.skipIf(skip)('node-side task wrapper', () => {
  it('runs llem for its index and records exit code, times, host, GPU UUID, CUDA_VISIBLE_DEVICES and SLURM ids', () => {
    const t = runTask('name: t\nmodel: "org/tiny"\nn: 4\nsweep:\n  precision: [bf16, fp16]\nexecution:\n  n_cycles: 1\n', 1);
    expect(t.exit, t.stderr).toBe(0);
    expect(t.record).toMatchObject({
      index: 1,
      attempt: '501',
      host: os.hostname(),
      cuda_visible_devices: '1',
      gpu_uuid: 'GPU-bbb',
      exit_code: 0,
      slurm: { SLURM_JOB_ID: '501', SLURM_ARRAY_JOB_ID: '500', SLURM_ARRAY_TASK_ID: '1' },
    });
    expect(Date.parse(t.record.ended_at)).toBeGreaterThanOrEqual(Date.parse(t.record.started_at));
    expect(t.record.sampler.sample_count).toBeGreaterThan(0);
    // llem ran the experiment file of index 1 and wrote its bundle under output/; the scratch dir is gone.
    const precision = JSON.parse(t.plan.runs[1]!.configJson).precision as string;
    expect(readFileSync(path.join(t.taskDir, 'llem.stderr'), 'utf8')).toContain(`Experiment: org/tiny | pytorch | ${precision} |`);
    expect(readdirSync(t.taskDir).sort()).toEqual(['gpus.json', 'llem.stderr', 'llem.stdout', 'output', 'samples.csv', 'started.json', 'task.json']);
    const view = viewTask(dir, 1, '500', null);
    expect(view).toMatchObject({ state: 'succeeded', host: os.hostname(), gpuUuid: 'GPU-bbb', cudaVisibleDevices: '1', attempt: '501' });
    expect(view.result?.resultPath).toContain(path.join(t.taskDir, 'output'));
  });

  it('a failing llem is classified from its own stderr (out of memory), with no SLURM state to say otherwise', () => {
    const t = runTask('model: "fake/oom"\nn: 4\n', 0);
    expect(t.exit).toBe(1);
    expect(t.record.exit_code).toBe(1);
    expect(viewTask(dir, 0, '500', null)).toMatchObject({ state: 'failed', reason: 'out_of_memory' });
  });

  it('a task stopped by SLURM (SIGTERM at the time limit) still writes its record; the batch log gives the reason', () => {
    writeStudyBundle('model: "fake/hang"\nn: 4\n');
    const script = path.join(dir, 'stop.sh');
    // SIGTERM once llem is up (it has printed its experiment line), as at a time limit in the middle of a run.
    writeFileSync(
      script,
      `python3 ${dir}/node/task.py ${dir} 0 & pid=$!\n` +
        `for i in $(seq 200); do grep -q Experiment ${dir}/tasks/0000/501/llem.stderr 2>/dev/null && break; sleep 0.1; done\n` +
        'kill -TERM $pid; wait $pid\n',
    );
    chmodSync(script, 0o755);
    spawnSync('bash', [script], { env: { ...process.env, PYTHONPATH: FAKE_PYNVML, SLURM_JOB_ID: '501', SLURM_ARRAY_JOB_ID: '500' } });
    const record = JSON.parse(readFileSync(path.join(dir, 'tasks/0000/501/task.json'), 'utf8'));
    expect(record).toMatchObject({ terminated_by: 'SIGTERM', exit_code: 130 });
    writeFileSync(path.join(dir, 'logs/slurm-500_0.out'), 'slurmstepd-n1: error: *** JOB 501 ON n1 CANCELLED AT 2026-12-06T21:15:29 DUE TO TIME LIMIT ***\n');
    expect(viewTask(dir, 0, '500', null)).toMatchObject({ state: 'failed', reason: 'timeout', message: expect.stringContaining('DUE TO TIME LIMIT') });
  });
});
