import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../../core/cli/doctor';
import { runRunCommand, type CommandIo } from '../../../core/cli/run';
import { acquireLeases } from '../../../core/runner/leaseStore';
import { openDatabase } from '../../../core/store/database';
import { FAKE_LLEM, recordedPids, REPO_ROOT } from './helpers';

const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(env: NodeJS.ProcessEnv = {}, tty = false) {
  let stdout = '';
  let stderr = '';
  let interrupt: (() => void) | null = null;
  const value: CommandIo = {
    stdout: Object.assign(
      {
        write: (c: string) => {
          stdout += c;
          return true;
        },
      },
      { isTTY: tty, columns: 200 },
    ) as unknown as CommandIo['stdout'],
    stderr: { write: (c: string) => ((stderr += c), true) } as unknown as CommandIo['stderr'],
    env: { ...process.env, FAKE_LLEM_STEP_MS: '5', FAKE_LLEM_PID_DIR: path.join(dir, 'pids'), ...env },
    onInterrupt: (h) => {
      interrupt = h;
      return () => (interrupt = null);
    },
  };
  return { io: value, out: () => stdout, err: () => stderr, interrupt: () => interrupt?.() };
}

function study(body: string): string {
  const file = path.join(dir, 'study.yaml');
  writeFileSync(file, body);
  return file;
}

const STUDY = `name: cli-demo
model: "org/tiny"
n: 4
sweep:
  precision: [bf16, fp16]
execution:
  n_cycles: 2
  cycle_order: interleaved
`;

describe('llem-studio run (headless)', () => {
  it('plans a real study file, runs it with replay telemetry, and resumes to "nothing left" on a second run', async () => {
    const file = study(STUDY);
    const dataDir = path.join(dir, 'data');
    const a = io();
    const first = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: `replay:${REPLAY}` }, a.io);
    expect(a.err()).toContain('telemetry replay');
    expect(first.exitCode).toBe(0);
    const out = a.out();
    for (const k of [1, 2, 3, 4]) expect(out).toContain(`[${k}/4] OK`);
    // interleaved: bf16, fp16, bf16, fp16
    expect(out.indexOf('[1/4] pytorch')).toBeGreaterThanOrEqual(0);
    expect(out).toMatch(/energy: llem 104\.0 J, counter [\d.]+ J, integrated [\d.]+ J/);
    expect(out).toContain('power: GPU0');
    expect(a.err()).toMatch(/completed: 4\/4 succeeded/);

    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    // The default layout stores telemetry in chunks (none as one row per sample).
    const samples = db.prepare('SELECT SUM(n) AS n, COUNT(DISTINCT gpu_index) AS gpus FROM telemetry_chunks WHERE run_id IS NOT NULL').get() as { n: number; gpus: number };
    expect(samples.gpus).toBe(2);
    expect(samples.n).toBeGreaterThan(0);
    expect(db.prepare('SELECT COUNT(*) FROM telemetry_samples').pluck().get()).toBe(0);
    // Each run's power timeline was prepared when the run ended (rollups of every GPU with samples).
    const withSamples = db.prepare('SELECT COUNT(*) FROM (SELECT DISTINCT run_id, gpu_index FROM telemetry_chunks WHERE run_id IS NOT NULL)').pluck().get() as number;
    expect(withSamples).toBeGreaterThan(0);
    expect(db.prepare('SELECT COUNT(*) FROM telemetry_rollup_state').pluck().get()).toBe(withSamples);
    const energy = db.prepare("SELECT COUNT(*) AS n FROM run_energy_comparison WHERE window = 'run' AND counter_j IS NOT NULL AND integrated_j IS NOT NULL").get() as { n: number };
    expect(energy.n).toBeGreaterThanOrEqual(4);
    const attempts = (db.prepare('SELECT COUNT(*) AS n FROM run_attempts').get() as { n: number }).n;
    // The experiment file handed to llem is the canonical JSON of the config (llem accepts .json).
    const cfg = db.prepare('SELECT config_path FROM run_attempts LIMIT 1').get() as { config_path: string };
    expect(cfg.config_path.endsWith('experiment.json')).toBe(true);
    db.close();

    const b = io();
    const second = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off' }, b.io);
    expect(second.exitCode).toBe(0);
    expect(b.out()).toContain('Resuming: 4/4 already done.');
    const again = openDatabase(dataDir);
    if (!again.ok) throw new Error(again.error.message);
    expect((again.value.prepare('SELECT COUNT(*) AS n FROM run_attempts').get() as { n: number }).n).toBe(attempts);
    again.value.close();
  });

  it("runs a study for the PyPI release (llem 0.7.0) and stores the bundles that release writes", async () => {
    const file = study(`serving_mode: offline
task:
  model: org/tiny
  dataset: {n_prompts: 4}
sweep:
  transformers.llem_execution.batch_size: [1, 4]
study_execution:
  n_cycles: 1
  experiment_order: sequential
`);
    const dataDir = path.join(dir, 'data');
    const calls = path.join(dir, 'calls.jsonl');
    const a = io({ FAKE_LLEM_VERSION: '0.7.0', FAKE_LLEM_CALLS: calls });
    const res = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: `replay:${REPLAY}` }, a.io);
    // The engine runs on this machine, pinned in the release's own words (it refuses the contract's 'local').
    const runs = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((c) => c.argv.includes('--output'));
    expect(runs).toHaveLength(2);
    for (const c of runs) expect(c.env).toMatchObject({ LLEM_RUNNER_TRANSFORMERS: 'process', LLEM_RUNNER_PYTORCH: null });
    expect(a.err()).toMatch(/completed: 2\/2 succeeded/);
    expect(res.exitCode).toBe(0);
    expect(a.out()).toMatch(/energy: llem 104\.0 J, counter [\d.]+ J, integrated [\d.]+ J/);
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    const rows = db
      .prepare('SELECT schema_version, backend, model, batch_size, n_prompts, output_tokens, total_energy_j, timeseries_status FROM results WHERE run_id IS NOT NULL ORDER BY batch_size')
      .all();
    expect(rows).toEqual([1, 4].map((batch) => ({
      schema_version: 'bundle-2.0', backend: 'transformers', model: 'org/tiny', batch_size: batch, n_prompts: 4, output_tokens: 128,
      total_energy_j: 104, timeseries_status: 'imported',
    })));
    db.close();
  });

  it('Ctrl-C cancels cleanly (exit 130, llem stopped) and running the command again resumes', async () => {
    const file = study(STUDY.replace('"org/tiny"', '"fake/hang"'));
    const dataDir = path.join(dir, 'data');
    const a = io();
    const running = runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off', graceMs: 1000 }, a.io);
    const deadline = Date.now() + 10_000;
    while (recordedPids(path.join(dir, 'pids')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    a.interrupt();
    const first = await running;
    expect(first.exitCode).toBe(130);
    expect(a.err()).toContain('Cancelling');
    expect(a.err()).toContain('Run the same command again to resume.');

    const b = io({ FAKE_LLEM_MODE: 'ok' });
    const second = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off' }, b.io);
    expect(second.exitCode).toBe(0);
    expect(b.out()).toContain('(cycle 1, attempt 2)');
  });

  it('says who holds the GPU (exit 75), and rejects bad input with exit 2', async () => {
    const file = study(STUDY);
    const dataDir = path.join(dir, 'data');
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const other = spawn(process.execPath, ['-e', 'setTimeout(()=>{},30000)'], { stdio: 'ignore' });
    try {
      acquireLeases(opened.value, ['gpu:0'], { label: 'llem Studio app (pid 1234 on lab-box)', pid: other.pid!, host: os.hostname() });
      opened.value.close();
      const a = io();
      expect((await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'off' }, a.io)).exitCode).toBe(75);
      expect(a.err()).toContain('GPU 0 is in use by llem Studio app (pid 1234 on lab-box)');
    } finally {
      other.kill('SIGKILL');
    }
    const bad = io();
    expect((await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: 'gpu' }, bad.io)).exitCode).toBe(2);
    expect(bad.err()).toContain('Unknown telemetry source "gpu"');
    const noLlem = io({ PATH: '', LLEM_STUDIO_LLEM: '' });
    expect((await runRunCommand({ studyFile: file, dataDir, telemetry: 'off' }, noLlem.io)).exitCode).toBe(2);
    expect(noLlem.err()).toContain('llem was not found');
    const invalid = io();
    const badStudy = study('sweep:\n  precision: [int3]\nmodel: "x"\n');
    expect((await runRunCommand({ studyFile: badStudy, dataDir, llem: FAKE_LLEM, telemetry: 'off' }, invalid.io)).exitCode).toBe(2);
    expect(invalid.err()).toContain(badStudy);
  });

  it('draws a progress bar and a live power line on a terminal', async () => {
    const file = study(STUDY);
    const a = io({}, true);
    const r = await runRunCommand({ studyFile: file, dataDir: path.join(dir, 'data'), llem: FAKE_LLEM, telemetry: `replay:${REPLAY}` }, a.io);
    expect(r.exitCode).toBe(0);
    expect(a.out()).toContain('\r\u001b[2K');
    expect(a.out()).toMatch(/█+░* \d\/4/);
    expect(a.out()).toMatch(/GPU0 \d+ W/);
  });
});

describe('llem-studio doctor', () => {
  it('lists findings with fix hints and exits 1 when llem is missing', async () => {
    const missing = await runDoctorCommand({ env: { PATH: '' }, probeNvml: () => ({ ok: false, error: { code: 'nvml_unavailable', message: 'NVML could not be loaded.' } }) });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('✗ llem was not found');
    expect(missing.stdout).toContain('fix: Install the PyPI release with "pip install llenergymeasure" (0.7.0), then choose its llem or Python in Settings → llem');
    expect(missing.stdout).toContain('! NVML could not be loaded.');
  });

  it('reports llem version, GPU, backends and energy backend from the (fake) llem, as JSON too', async () => {
    const r = await runDoctorCommand({
      configuredPath: FAKE_LLEM,
      env: { ...process.env, PATH: process.env.PATH, FAKE_LLEM_ENERGY_BACKEND: 'codecarbon' },
      probeNvml: () => ({ ok: true, value: { gpus: [{ index: 0, name: 'Test GPU' }] } }),
      json: true,
    });
    const findings = JSON.parse(r.stdout) as { id: string; status: string; message: string }[];
    const byId = Object.fromEntries(findings.map((f) => [f.id, f]));
    expect(byId['llem.found']?.status).toBe('ok');
    expect(byId['llem.version']).toMatchObject({ status: 'ok', message: 'llem 0.8.0 → "head" schema (llem accepts dataset_order (only contract HEAD has it))' });
    expect(byId['llem.gpu']?.message).toContain('Fake GPU');
    expect(byId['llem.energy']).toMatchObject({ status: 'warn', message: expect.stringContaining('CodeCarbon') });
    expect(byId['nvml']).toMatchObject({ status: 'ok' });
    expect(r.exitCode).toBe(0);
  });
});
