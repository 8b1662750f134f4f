import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultsCommand } from '../../../core/cli/results';
import { runRunCommand, type CommandIo } from '../../../core/cli/run';
import { listResults } from '../../../core/results/resultListStore';
import { runSlurmCancel, runSlurmCollect, runSlurmStatus, runSlurmSubmit, type SubmitCommandOptions } from '../../../core/cli/slurm';
import { openDatabase } from '../../../core/store/database';
import { missingDependency } from '../../helpers/externalDependency';
import { skipWithoutSlurm, startSlurmCluster, type SlurmCluster } from '../../helpers/slurmCluster';
import { sshUnavailable, startSshServer } from '../../helpers/sshServer';
import { FAKE_LLEM } from '../runner/helpers';

const FAKE_PYNVML = path.resolve(__dirname, '../../fixtures/fake-pynvml');

/**
 * Campaigns through a real one-node SLURM (tests/helpers/slurmCluster.ts) with the fake llem as llem on the node.
 * The node has no GPUs, so every submission asks for none (--gpus-per-task 0; the GPU lines of the script are
 * asserted in tests/unit/slurm). SLURM's minimum time limit is one minute, so the timeout campaign is submitted
 * first and checked last, while the others run beside it.
 */
const skip = skipWithoutSlurm();
const skipSsh = skip || missingDependency('sshd on 127.0.0.1 for --ssh', sshUnavailable());

let cluster: SlurmCluster;
let dir: string;
let timeoutCampaign: string;

const STUDY = `name: slurm-demo
model: "org/tiny"
n: 4
sweep:
  precision: [bf16, fp16]
execution:
  n_cycles: 2
  cycle_order: interleaved
`;

function studyFile(name: string, body: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

function submitOptions(file: string, dataDir: string, extra: Partial<SubmitCommandOptions> = {}): SubmitCommandOptions {
  return {
    studyFile: file,
    dataDir,
    llem: FAKE_LLEM,
    workDir: path.join(dir, 'work'),
    gpusPerTask: 0,
    maxParallel: 1,
    time: '5',
    sbatchArgs: [],
    sshOptions: [],
    env: { ...cluster.env, FAKE_LLEM_STEP_MS: '5' },
    ...extra,
  };
}

async function submit(o: SubmitCommandOptions): Promise<{ campaign: string; job: string }> {
  const r = await runSlurmSubmit(o);
  expect(r.stderr + r.stdout).toMatch(/job \d+/);
  expect(r.exitCode).toBe(0);
  return { campaign: /campaign (\S+)/.exec(r.stdout)![1]!, job: /job (\d+)/.exec(r.stdout)![1]! };
}

interface StatusTask {
  index: number;
  state: string;
  reason: string | null;
  message: string | null;
  host: string | null;
  attempt: string | null;
}

async function statusOf(campaign: string, dataDir: string): Promise<StatusTask[]> {
  const r = await runSlurmStatus({ campaign, dataDir, json: true, env: cluster.env });
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { tasks: StatusTask[] }).tasks;
}

async function waitUntilSettled(campaign: string, dataDir: string, limitMs: number): Promise<StatusTask[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const tasks = await statusOf(campaign, dataDir);
    if (tasks.every((t) => t.state !== 'pending' && t.state !== 'running')) return tasks;
    if (Date.now() > deadline) throw new Error(`campaign ${campaign} still active: ${JSON.stringify(tasks)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function resultRows(dataDir: string, campaign: string) {
  const opened = openDatabase(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  try {
    return opened.value
      .prepare(
        // llem's own measurement_config_hash covers --output (contract §4.12), which differs between any two
        // runs; the app's config identity (experiments) is what must match.
        `SELECT r.run_index, r.status, e.measurement_config_hash AS config_hash, x.model, x.backend, x.precision, x.n_prompts, x.total_tokens, x.output_tokens,
                x.total_energy_j, x.source
           FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN results x ON x.run_id = r.id
          WHERE r.campaign_id = ? ORDER BY r.run_index`,
      )
      .all(campaign);
  } finally {
    opened.value.close();
  }
}

const silentIo = (): CommandIo => ({
  stdout: { write: () => true } as unknown as CommandIo['stdout'],
  stderr: { write: () => true } as unknown as CommandIo['stderr'],
  env: { ...process.env, FAKE_LLEM_STEP_MS: '5' },
  onInterrupt: () => () => undefined,
});

describe.skipIf(skip)('SLURM campaigns on a real one-node cluster', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'llem-slurm-it-'));
    cluster = await startSlurmCluster();
    // A task that hangs under a 1-minute limit: SLURM ends it at the limit (checked in the last test).
    const file = studyFile('hang', 'model: "fake/hang"\nn: 4\n');
    timeoutCampaign = (await submit(submitOptions(file, path.join(dir, 'data-timeout'), { time: '1' }))).campaign;
  }, 60_000);

  afterAll(() => {
    cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('submits a study as an array, runs it on the node and collects results equal to a local run of the same study', async () => {
    const file = studyFile('demo', STUDY);
    const dataDir = path.join(dir, 'data-demo');
    const { campaign, job } = await submit(submitOptions(file, dataDir));
    const tasks = await waitUntilSettled(campaign, dataDir, 60_000);
    expect(tasks.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(new Set(tasks.map((t) => t.host))).toEqual(new Set([cluster.node]));

    const collected = await runSlurmCollect({ campaign, dataDir, env: cluster.env });
    expect(collected.stdout).toContain('imported 4 result(s)');
    expect(collected.exitCode).toBe(0);
    // Idempotent: a second collect imports nothing and changes nothing.
    const before = resultRows(dataDir, campaign);
    const again = await runSlurmCollect({ campaign, dataDir, env: cluster.env });
    expect(again.stdout).toContain('imported 0 result(s)');
    expect(resultRows(dataDir, campaign)).toEqual(before);

    const localDir = path.join(dir, 'data-local');
    const local = await runRunCommand({ studyFile: file, dataDir: localDir, llem: FAKE_LLEM, telemetry: 'off' }, silentIo());
    expect(local.exitCode).toBe(0);
    const slurmRows = resultRows(dataDir, campaign);
    const localRows = resultRows(localDir, campaign); // same study ⇒ same campaign id
    expect(slurmRows).toHaveLength(4);
    expect(slurmRows.every((r) => (r as { status: string }).status === 'succeeded')).toBe(true);
    expect(slurmRows).toEqual(localRows);

    // Where each ran, recorded per task from the node's own record.
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const placement = opened.value.prepare('SELECT task_index, host, job_id FROM result_placement WHERE campaign_id = ? ORDER BY task_index').all(campaign);
    opened.value.close();
    expect(placement).toEqual([0, 1, 2, 3].map((i) => ({ task_index: i, host: cluster.node, job_id: job })));
  }, 90_000);

  it('records the host and GPU UUID each collected result was measured on (results.list, results --json) and the node samples as the run energy', async () => {
    // The node declares no GPU to SLURM; the sampler beside llem sees the fake NVML's devices instead (no
    // CUDA_VISIBLE_DEVICES from SLURM → every device is visible), exactly as it would read a real node's.
    const fakeGpu = 'GPU-5a1e7b0d-placement-test';
    const file = studyFile('placement', 'name: slurm-placement\nmodel: "org/placed"\nn: 2\nsweep:\n  precision: [bf16, fp16]\n');
    const dataDir = path.join(dir, 'data-placement');
    const env = { ...cluster.env, FAKE_LLEM_STEP_MS: '5', PYTHONPATH: FAKE_PYNVML, FAKE_NVML_GPUS: fakeGpu };
    const { campaign } = await submit(submitOptions(file, dataDir, { env }));
    const tasks = await waitUntilSettled(campaign, dataDir, 60_000);
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    expect(tasks.every((t) => t.state === 'succeeded')).toBe(true);
    expect((await runSlurmCollect({ campaign, dataDir, env })).stdout).toContain(`imported ${tasks.length} result(s)`);
    const everyRow = tasks.map(() => ({ host: cluster.node, gpu: fakeGpu }));

    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    try {
      const listed = listResults(opened.value, { campaignId: campaign });
      if (!listed.ok) throw new Error(listed.error.message);
      expect(listed.value.rows.map((r) => ({ host: r.host, gpu: r.gpu_uuid }))).toEqual(everyRow);
    } finally {
      opened.value.close();
    }
    // The node sampler's samples.csv became the app's own energy of each run (the `run` window: no phases on the
    // node): the counter difference over the task's samples, on the task's GPU.
    const reopened = openDatabase(dataDir);
    if (!reopened.ok) throw new Error(reopened.error.message);
    try {
      for (const t of tasks) {
        const samples = readFileSync(path.join(dir, 'work', campaign, 'tasks', String(t.index).padStart(4, '0'), t.attempt!, 'samples.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => Number(l.split(',')[3]));
        expect(samples.length).toBeGreaterThan(1);
        const energy = reopened.value
          .prepare(
            `SELECT e."window" AS win, e.gpu_uuid, e.counter_j, e.counter_method, e.integrated_j, e.sample_count, e.source
               FROM run_energy e JOIN runs r ON r.id = e.run_id WHERE r.campaign_id = ? AND r.run_index = ?`,
          )
          .all(campaign, t.index) as { win: string; gpu_uuid: string; counter_j: number; counter_method: string; integrated_j: number; sample_count: number; source: string }[];
        expect(energy).toHaveLength(1);
        expect(energy[0]).toMatchObject({ win: 'run', gpu_uuid: fakeGpu, counter_method: 'counter', sample_count: samples.length, source: 'slurm-node-sampler' });
        expect(energy[0]!.counter_j).toBeCloseTo((samples.at(-1)! - samples[0]!) / 1000, 9);
        expect(energy[0]!.integrated_j).toBeGreaterThan(0);
      }
    } finally {
      reopened.value.close();
    }
    const cli = await runResultsCommand({ campaign, dataDir, json: true });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const rows = JSON.parse(cli.stdout) as { host: string | null; gpu_uuid: string | null }[];
    expect(rows.map((r) => ({ host: r.host, gpu: r.gpu_uuid }))).toEqual(everyRow);
  }, 90_000);

  it('after scancel of one index, submitting the study again runs only that index', async () => {
    const file = studyFile('resume', STUDY.replace('slurm-demo', 'slurm-resume').replace('n_cycles: 2', 'n_cycles: 1').replace('[bf16, fp16]', '[bf16, fp16, fp32]'));
    const dataDir = path.join(dir, 'data-resume');
    const opts = submitOptions(file, dataDir, { env: { ...cluster.env, FAKE_LLEM_STEP_MS: '150' } });
    const first = await submit(opts);
    // Index 2 is still pending behind the %1 throttle: cancel just that one.
    const cancelled = spawnSync('scancel', [`${first.job}_2`], { env: cluster.env, encoding: 'utf8' });
    expect(cancelled.status, cancelled.stderr).toBe(0);
    const tasks = await waitUntilSettled(first.campaign, dataDir, 60_000);
    // Without accounting SLURM forgets an array task cancelled while pending at once (no record, no log): all
    // that is left to say is that it never started. (With sacct it reads CANCELLED.)
    expect(tasks.map((t) => [t.state, t.reason])).toEqual([
      ['succeeded', null],
      ['succeeded', null],
      ['failed', 'never_started'],
    ]);
    await runSlurmCollect({ campaign: first.campaign, dataDir, env: cluster.env });

    const second = await runSlurmSubmit(opts);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain('submitted 1 of 3 tasks (array 2%1)');
    const secondJob = /job (\d+)/.exec(second.stdout)![1]!;
    const after = await waitUntilSettled(first.campaign, dataDir, 60_000);
    expect(after.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // Only index 2 ran in the second job: 0 and 1 have one attempt each, from the first job.
    const bundle = path.join(dir, 'work', first.campaign);
    const attempts = (i: number) => readdirSync(path.join(bundle, 'tasks', String(i).padStart(4, '0')));
    const jobOf = (i: number) => attempts(i).map((a) => JSON.parse(readFileSync(path.join(bundle, 'tasks', String(i).padStart(4, '0'), a, 'task.json'), 'utf8')).slurm.SLURM_ARRAY_JOB_ID);
    expect([jobOf(0), jobOf(1), jobOf(2)]).toEqual([[first.job], [first.job], [secondJob]]);
    const collected = await runSlurmCollect({ campaign: first.campaign, dataDir, env: cluster.env });
    expect(collected.stdout).toContain('imported 1 result(s) (tasks 2)');
    // Nothing is left to do: a third submit submits nothing.
    const third = await runSlurmSubmit(opts);
    expect(third.stdout).toContain('job none (nothing to submit: all 3 tasks have results)');
  }, 120_000);

  it('llem-studio slurm cancel ends the running task and the queued ones, each recorded as cancelled', async () => {
    const file = studyFile('cancel', 'model: "fake/hang"\nn: 3\nsweep:\n  precision: [bf16, fp16]\nexecution:\n  n_cycles: 1\n');
    const dataDir = path.join(dir, 'data-cancel');
    const { campaign } = await submit(submitOptions(file, dataDir));
    const deadline = Date.now() + 30_000;
    // Running, with its task folder written (the wrapper is up).
    while ((await statusOf(campaign, dataDir))[0]!.attempt === null) {
      if (Date.now() > deadline) throw new Error('the task never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    const cancelled = await runSlurmCancel({ campaign, dataDir, env: cluster.env });
    expect(cancelled.exitCode, cancelled.stderr).toBe(0);
    const tasks = await waitUntilSettled(campaign, dataDir, 30_000);
    expect(tasks.map((t) => [t.state, t.reason])).toEqual([
      ['cancelled', 'cancelled'],
      ['cancelled', 'cancelled'],
    ]);
    expect(tasks[0]!.message).toMatch(/Cancelled while running: .*CANCELLED AT/);
    // SLURM keeps the cancelled pending task's record here (CANCELLED); had it forgotten it, llem Studio's own
    // cancel mark would still say "cancelled" rather than "never started".
    expect(tasks[1]!.message).toMatch(/^Cancelled (before it started: SLURM state CANCELLED|from llem Studio before it started)/);
  }, 60_000);

  it('a requeued task (as after preemption) runs again in its own attempt folder, and its result is the one kept', async () => {
    const file = studyFile('requeue', 'model: "org/tiny"\nn: 6\n');
    const dataDir = path.join(dir, 'data-requeue');
    const { campaign, job } = await submit(submitOptions(file, dataDir, { env: { ...cluster.env, FAKE_LLEM_STEP_MS: '400' } }));
    const deadline = Date.now() + 30_000;
    // Running, with its task folder written (the wrapper is up).
    while ((await statusOf(campaign, dataDir))[0]!.attempt === null) {
      if (Date.now() > deadline) throw new Error('the task never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500)); // let llem get going before SLURM stops it
    const requeued = spawnSync('scontrol', ['requeue', `${job}_0`], { env: cluster.env, encoding: 'utf8' });
    expect(requeued.status, requeued.stderr).toBe(0);
    // SLURM holds a requeued job back for a while (BeginTime, shown as pending); let it go now.
    await expect.poll(async () => (await statusOf(campaign, dataDir))[0]!.state, { timeout: 15_000 }).toBe('pending');
    const released = spawnSync('scontrol', ['update', `JobId=${job}_0`, 'StartTime=now'], { env: cluster.env, encoding: 'utf8' });
    expect(released.status, released.stderr).toBe(0);
    const tasks = await waitUntilSettled(campaign, dataDir, 60_000);
    expect(tasks[0]).toMatchObject({ state: 'succeeded' });
    const taskDir = path.join(dir, 'work', campaign, 'tasks', '0000');
    const attempts = readdirSync(taskDir).sort();
    expect(attempts).toHaveLength(2);
    expect(attempts[1]).toBe(`${attempts[0]}-r1`);
    // The first attempt was stopped by SLURM (SIGTERM) and still left its record; the second one's result counts.
    expect(JSON.parse(readFileSync(path.join(taskDir, attempts[0]!, 'task.json'), 'utf8')).terminated_by).toBe('SIGTERM');
    expect(tasks[0]!.attempt).toBe(attempts[1]);
  }, 120_000);

  it.skipIf(skipSsh)('--ssh: copies the bundle to the login node, submits and polls there, and pulls the results back', async () => {
    const ssh = await startSshServer({ SLURM_CONF: cluster.conf });
    try {
      const file = studyFile('ssh', STUDY.replace('slurm-demo', 'slurm-ssh').replace('n_cycles: 2', 'n_cycles: 1'));
      const dataDir = path.join(dir, 'data-ssh');
      const remoteWork = path.join(dir, 'remote-work');
      // Over SSH nothing of this process's environment reaches the job: the remote login's own environment does.
      const opts = submitOptions(file, dataDir, { ssh: ssh.host, sshOptions: ssh.options, workDir: remoteWork, llemProfile: 'head', env: { ...process.env } });
      const { campaign } = await submit(opts);
      const tasks = await waitUntilSettled(campaign, dataDir, 60_000);
      expect(tasks.map((t) => [t.state, t.host]), JSON.stringify(tasks)).toEqual([
        ['succeeded', cluster.node],
        ['succeeded', cluster.node],
      ]);
      const collected = await runSlurmCollect({ campaign, dataDir });
      expect(collected.stdout).toContain('imported 2 result(s)');
      // The results were imported from the pulled copy, not from the remote work dir.
      const mirror = path.join(dataDir, 'slurm', campaign);
      const opened = openDatabase(dataDir);
      if (!opened.ok) throw new Error(opened.error.message);
      const paths = opened.value.prepare('SELECT x.source_path FROM results x JOIN runs r ON r.id = x.run_id WHERE r.campaign_id = ?').pluck().all(campaign) as string[];
      opened.value.close();
      expect(paths).toHaveLength(2);
      for (const p of paths) expect(p.startsWith(mirror + path.sep)).toBe(true);
      expect(readdirSync(path.join(remoteWork, campaign, 'tasks'))).toEqual(['0000', '0001']);
    } finally {
      ssh.stop();
    }
  }, 90_000);

  it('records a task over its time limit as a timeout, in SLURM\'s words', async () => {
    const dataDir = path.join(dir, 'data-timeout');
    const tasks = await waitUntilSettled(timeoutCampaign, dataDir, 150_000);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ state: 'failed', reason: 'timeout', host: cluster.node });
    expect(tasks[0]!.message).toMatch(/DUE TO TIME LIMIT/);
    const collected = await runSlurmCollect({ campaign: timeoutCampaign, dataDir, env: cluster.env });
    expect(collected.exitCode).toBe(1);
    expect(collected.stdout).toMatch(/task 0: timeout/);
  }, 160_000);

  // After the timeout test: taking the node down would end that task too.
  it('a task whose node fails is recorded as a node failure (SLURM\'s NODE_FAIL), and the node comes back', async () => {
    const file = studyFile('nodefail', 'model: "fake/hang"\nn: 5\n');
    const dataDir = path.join(dir, 'data-nodefail');
    // --no-requeue: by default SLURM requeues a batch job whose node failed (it would show as pending again).
    const { campaign } = await submit(submitOptions(file, dataDir, { sbatchArgs: ['--no-requeue'] }));
    const deadline = Date.now() + 30_000;
    while ((await statusOf(campaign, dataDir))[0]!.state !== 'running') {
      if (Date.now() > deadline) throw new Error('the task never started');
      await new Promise((r) => setTimeout(r, 300));
    }
    const down = spawnSync('scontrol', ['update', `NodeName=${cluster.node}`, 'State=DOWN', 'Reason=llem-test'], { env: cluster.env, encoding: 'utf8' });
    expect(down.status, down.stderr).toBe(0);
    try {
      const tasks = await waitUntilSettled(campaign, dataDir, 30_000);
      expect(tasks[0]).toMatchObject({ state: 'failed', reason: 'node_failure' });
      // SLURM's words: the state NODE_FAIL, or slurmstepd's "DUE TO NODE FAILURE" line in the batch log.
      expect(tasks[0]!.message).toMatch(/NODE_FAIL|DUE TO NODE FAILURE/);
    } finally {
      spawnSync('scontrol', ['update', `NodeName=${cluster.node}`, 'State=RESUME'], { env: cluster.env });
    }
  }, 60_000);
});
