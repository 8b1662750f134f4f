import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE_FILES } from '../../../core/slurm/nodeFiles';
import { missingDependency } from '../../helpers/externalDependency';

/**
 * The node-side sampler (core/slurm/node/sampler.py) run by python3 against a fake NVML (tests/fixtures/fake-pynvml):
 * CUDA_VISIBLE_DEVICES → NVML devices by UUID, MIG refused, samples written, no NVML handled.
 */
const FAKE_PYNVML = path.resolve(__dirname, '../../fixtures/fake-pynvml');
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : null;
const skip = missingDependency('python3 (the node side of SLURM campaigns)', python ? null : 'python3 is not on PATH');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-sampler-'));
  writeFileSync(path.join(dir, 'sampler.py'), NODE_FILES['node/sampler.py']!);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the sampler for ~0.35 s at 50 ms in-process (as task.py does) and returns gpus.json and samples.csv. */
function sample(env: Record<string, string | undefined>): { info: { available: boolean; gpus: { uuid: string; cuda_index: number; nvml_index: number }[]; problems: string[]; sample_count: number }; csv: string[] } {
  const script = 'import os,sys,time; sys.path.insert(0, sys.argv[2]); from sampler import Sampler\n' + "s = Sampler(sys.argv[1], 0.05, visible=os.environ.get('CUDA_VISIBLE_DEVICES')).start(); time.sleep(0.35); s.stop()";
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: FAKE_PYNVML, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const out = mkdtempSync(path.join(dir, 'run-'));
  const r = spawnSync(python!, ['-c', script, out, dir], { env: childEnv, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const info = JSON.parse(readFileSync(path.join(out, 'gpus.json'), 'utf8'));
  let csv: string[] = [];
  try {
    csv = readFileSync(path.join(out, 'samples.csv'), 'utf8').trim().split('\n');
  } catch {
    /* no samples when NVML is unavailable */
  }
  return { info, csv };
}

describe.skipIf(skip)('node-side GPU sampler (fake NVML)', () => {
  it('maps CUDA_VISIBLE_DEVICES indices to NVML devices by UUID, in CUDA order, and samples only those', () => {
    const { info, csv } = sample({ FAKE_NVML_GPUS: 'GPU-aaa,GPU-bbb,GPU-ccc', CUDA_VISIBLE_DEVICES: '2,0' });
    expect(info.gpus.map((g) => [g.cuda_index, g.nvml_index, g.uuid])).toEqual([
      [0, 2, 'GPU-ccc'],
      [1, 0, 'GPU-aaa'],
    ]);
    expect(info.problems).toEqual([]);
    expect(csv[0]).toBe('t_ms,gpu_uuid,power_w,energy_mj,temperature_c,sm_util_pct,memory_used_mb,sm_clock_mhz');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['GPU-ccc', 'GPU-aaa']));
    expect(rows.length).toBeGreaterThanOrEqual(4); // ≥ 2 rounds of 2 GPUs in 0.35 s at 50 ms
    expect(info.sample_count).toBe(rows.length);
    // Fake power: 300 W + 10 W × NVML index (mW → W conversion checked).
    expect(rows.find((r) => r[1] === 'GPU-ccc')![2]).toBe('320.0');
  });

  it('accepts UUIDs and unique UUID prefixes; refuses MIG slices, GPUs in MIG mode and unknown entries', () => {
    const byUuid = sample({ FAKE_NVML_GPUS: 'GPU-aaa1,GPU-bbb2', CUDA_VISIBLE_DEVICES: 'GPU-bbb' }).info;
    expect(byUuid.gpus.map((g) => g.uuid)).toEqual(['GPU-bbb2']);
    const mig = sample({ FAKE_NVML_GPUS: 'GPU-aaa1,GPU-bbb2', FAKE_NVML_MIG: 'GPU-bbb2', CUDA_VISIBLE_DEVICES: 'MIG-1234,1,7' }).info;
    // In CUDA_VISIBLE_DEVICES order; the GPU in MIG mode is still listed (flagged), the others are not.
    expect(mig.problems).toEqual([
      'CUDA_VISIBLE_DEVICES names a MIG slice (MIG-1234): llem Studio measures whole GPUs only',
      'GPU GPU-bbb2 has MIG mode on: llem Studio measures whole GPUs only',
      "CUDA_VISIBLE_DEVICES entry '7' matches no NVML device",
    ]);
    expect(mig.gpus.map((g) => g.uuid)).toEqual(['GPU-bbb2']);
  });

  it('samples every GPU when CUDA_VISIBLE_DEVICES is unset, and records why when NVML is unavailable', () => {
    expect(sample({ FAKE_NVML_GPUS: 'GPU-a,GPU-b', CUDA_VISIBLE_DEVICES: undefined }).info.gpus.map((g) => g.uuid)).toEqual(['GPU-a', 'GPU-b']);
    const none = sample({ FAKE_NVML_FAIL_INIT: '1', CUDA_VISIBLE_DEVICES: '0' });
    expect(none.info).toMatchObject({ available: false, gpus: [], sample_count: 0 });
    expect(none.info.problems[0]).toMatch(/GPU sampler unavailable: NVML Shared Library Not Found/);
    expect(none.csv).toEqual([]);
  });
});
