import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planStudyFile } from '../../../core/runner/studyPlan';
import { arraySpec, bundleFiles, sbatchScript, validateSubmitOptions, writeBundleFiles, type SlurmSubmitOptions } from '../../../core/slurm/bundle';

const OPTIONS: SlurmSubmitOptions = {
  workDir: '/scratch/lab/llem',
  llemOnNodes: '/opt/llem-venv/bin/llem',
  partition: 'gpu-a100',
  account: 'energy-42',
  gpusPerTask: 1,
  maxParallel: 4,
  time: '1:30:00',
  sbatchArgs: ['--constraint=a100', '--exclusive', '--qos=short'],
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'llem-bundle-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function plan() {
  const file = path.join(dir, 'study.yaml');
  writeFileSync(file, 'name: b\nmodel: "org/tiny"\nn: 4\nsweep:\n  precision: [bf16, fp16]\nexecution:\n  n_cycles: 2\n  cycle_order: shuffled\n  shuffle_seed: 7\n');
  const p = planStudyFile(file, 'head');
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
}

describe('SLURM bundle', () => {
  it('array lists compress runs of indices and carry the throttle', () => {
    expect(arraySpec([0, 1, 2, 3], 1)).toBe('0-3%1');
    expect(arraySpec([7, 0, 2, 1, 5, 9, 8], 2)).toBe('0-2,5,7-9%2');
    expect(arraySpec([4], 3)).toBe('4%3');
  });

  it('the sbatch script asks for whole GPUs per task, the limits and the pass-through options, and runs task.py with llem\'s Python', () => {
    const script = sbatchScript('/scratch/lab/llem/study-abc', 'study-abc', [0, 1, 2, 5], OPTIONS);
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      '#SBATCH --job-name=llem-study-abc',
      '#SBATCH --array=0-2,5%4',
      '#SBATCH --output=/scratch/lab/llem/study-abc/logs/slurm-%A_%a.out',
      '#SBATCH --ntasks=1',
      '#SBATCH --time=1:30:00',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --partition=gpu-a100',
      '#SBATCH --account=energy-42',
      '#SBATCH --constraint=a100',
      '#SBATCH --exclusive',
      '#SBATCH --qos=short',
    ]);
    expect(script).toContain('[ -x "$(dirname /opt/llem-venv/bin/llem)/python" ]');
    expect(script).toMatch(/exec "\$PY" "\$BUNDLE\/node\/task.py" "\$BUNDLE" "\$SLURM_ARRAY_TASK_ID"\n$/);
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    // --gpus-per-task 0 (CPU-only test clusters): no GPU request at all.
    expect(sbatchScript('/w/c', 'c', [0], { ...OPTIONS, gpusPerTask: 0 })).not.toMatch(/gpus|gres/);
  });

  it('refuses options that would break the script or ask for partial GPUs, naming the option', () => {
    const bad = (o: Partial<SlurmSubmitOptions>) => {
      const r = validateSubmitOptions({ ...OPTIONS, ...o });
      return r.ok ? null : r.error.message;
    };
    expect(bad({})).toBeNull();
    expect(bad({ workDir: 'relative/dir' })).toMatch(/^--work-dir: /);
    expect(bad({ workDir: '/scratch/my lab' })).toMatch(/^--work-dir: /);
    expect(bad({ gpusPerTask: 0.5 })).toMatch(/^--gpus-per-task: .*whole number/);
    expect(bad({ maxParallel: 0 })).toMatch(/^--max-parallel: /);
    expect(bad({ time: 'two hours' })).toMatch(/^--time: /);
    expect(bad({ partition: 'gpu;rm -rf' })).toMatch(/^--partition: /);
    expect(bad({ sbatchArgs: ['--array=0-9'] })).toMatch(/^--sbatch-arg: .*set by llem Studio/);
    expect(bad({ sbatchArgs: ['--qos=x\n#SBATCH --array=1'] })).toMatch(/^--sbatch-arg: /);
    expect(bad({ llemOnNodes: '/opt/$(evil)/llem' })).toMatch(/^--llem: /);
  });

  it('writes one experiment file per run in llem\'s order and a manifest with the study hash and every config hash', () => {
    const p = plan();
    const files = bundleFiles(p, OPTIONS);
    writeBundleFiles(dir + '/b', files);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'b/manifest.json'), 'utf8'));
    expect(manifest.study_design_hash).toBe(p.studyDesignHash);
    expect(manifest.study_design_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(manifest.runs.map((r: { index: number; config_hash: string; cycle: number }) => [r.index, r.config_hash, r.cycle])).toEqual(
      p.runs.map((r) => [r.index, r.measurementConfigHash, r.cycle]),
    );
    expect(manifest.llem).toEqual(['/opt/llem-venv/bin/llem']);
    expect(readdirSync(path.join(dir, 'b/experiments'))).toEqual(['0000.json', '0001.json', '0002.json', '0003.json']);
    // Shuffled order: each file holds the config of the run at that position.
    // Shuffled order: each file holds the config of the run at that position (precision differs between configs).
    expect(new Set(p.runs.map((r) => JSON.parse(r.configJson).precision))).toEqual(new Set(['bf16', 'fp16']));
    const precisions = p.runs.map((r) => JSON.parse(readFileSync(path.join(dir, `b/experiments/${String(r.index).padStart(4, '0')}.json`), 'utf8')).precision);
    expect(precisions).toEqual(p.runs.map((r) => JSON.parse(r.configJson).precision));
    expect(statSync(path.join(dir, 'b/node/task.py')).mode & 0o111).not.toBe(0);
    for (const sub of ['logs', 'tasks', 'submissions']) expect(statSync(path.join(dir, 'b', sub)).isDirectory()).toBe(true);
  });
});
