/**
 * Benchmark: expand + validate + hash + order a 100,000-config sweep (goal ≤ 1 s), and, when the
 * real llem venv exists (scripts/setup-llem-venv.sh), the same YAML through llem's own
 * `load_study_config` + `finalise_study` in the same run, printing the ratio (goal ≥ 10×).
 *
 *   node scripts/bench.mjs campaign-expand        (LLEM_VENV overrides .cache/llem-venv)
 */
import { report, type Verdict } from './_report';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planStudyFromText } from '../core/llem/studyPlanner';
import type { ProfileId } from '../core/llem/types';

const verdicts: Verdict[] = [];

const range = (n: number): string => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;

const HEAD_YAML = `name: bench\nmodel: gpt2\nsweep:\n  n: ${range(100)}\n  max_output_tokens: ${range(100)}\n  random_seed: ${range(10)}\nexecution: {n_cycles: 1, cycle_order: shuffled}\n`;
const PYPI_YAML = `study_name: bench\ntask: {model: gpt2}\nserving_mode: offline\nsweep:\n  task.dataset.n_prompts: ${range(100)}\n  task.max_output_tokens: ${range(100)}\n  task.random_seed: ${range(10)}\nstudy_execution: {n_cycles: 1, experiment_order: shuffle}\n`;

/** Heap the plan keeps alive once built (what a designer session holds per open campaign). */
function retainedMb(profile: ProfileId, yaml: string): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return '? MB (run with --expose-gc)';
  gc();
  const before = process.memoryUsage().heapUsed;
  const plan = planStudyFromText(yaml, { profile, file: 'bench.yaml' });
  gc();
  const mb = (process.memoryUsage().heapUsed - before) / 1e6;
  void plan.resolution.valid.length;
  return `${mb.toFixed(0)} MB`;
}

function timeIt(label: string, profile: ProfileId, yaml: string, rounds = 3): number {
  let best = Infinity;
  let bestCpu = Infinity;
  let estimateMs = Infinity;
  let configs = 0;
  let hash = '';
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const plan = planStudyFromText(yaml, { profile, file: 'bench.yaml' });
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    const e0 = performance.now();
    void plan.estimate.totalDurationSeconds;
    estimateMs = Math.min(estimateMs, performance.now() - e0);
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    configs = plan.resolution.valid.length;
    hash = plan.resolution.studyDesignHash;
  }
  verdicts.push({
    name: `${label}: ${configs} configs parsed+expanded+validated+hashed+ordered (+ CLI JSON)`,
    value: `${best.toFixed(0)} ms wall, ${bestCpu.toFixed(0)} ms CPU (best of ${rounds}; study hash ${hash}); estimate +${estimateMs.toFixed(0)} ms; plan keeps ${retainedMb(profile, yaml)}`,
    goal: '≤ 1000 ms',
    met: best <= 1000,
  });
  return best;
}

function llemTime(yamlPath: string): { ms: number; hash: string } | { error: string } {
  const venv = process.env.LLEM_VENV ? path.resolve(process.env.LLEM_VENV) : path.resolve('.cache/llem-venv');
  const python = path.join(venv, 'bin/python');
  if (!existsSync(python)) return { error: `no llem venv at ${venv} (run scripts/setup-llem-venv.sh)` };
  const code = `
import os, sys, tempfile, time
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
from llenergymeasure.config.loader import load_study_config
from llenergymeasure.study.loading import finalise_study
t0 = time.perf_counter()
raw = load_study_config(sys.argv[1], cli_overrides={"study_execution": {}})
study = finalise_study(raw)
ms = (time.perf_counter() - t0) * 1000
print(f"{ms:.1f} {study.study_design_hash}")
`;
  const r = spawnSync(python, ['-c', code, yamlPath], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 30 * 60_000 });
  if (r.status !== 0) return { error: `llem failed: ${(r.stderr || r.stdout).slice(-500)}` };
  const [ms, hash] = r.stdout.trim().split(/\s+/);
  return { ms: Number(ms), hash: hash ?? '' };
}

const headMs = timeIt('llem Studio, profile head      ', 'head', HEAD_YAML);
const pypiMs = timeIt('llem Studio, profile pypi-0.7.0', 'pypi-0.7.0', PYPI_YAML);

const dir = mkdtempSync(path.join(tmpdir(), 'bench-llem-'));
try {
  const f = path.join(dir, 'bench.yaml');
  writeFileSync(f, PYPI_YAML);
  const ours = planStudyFromText(PYPI_YAML, { profile: 'pypi-0.7.0', file: f });
  console.log('real llem (PyPI 0.7.0) load_study_config + finalise_study on the same YAML (this takes minutes)...');
  const llem = llemTime(f);
  if ('error' in llem) {
    console.log(`ratio to llem: not measured — ${llem.error}`);
  } else {
    const same = llem.hash === ours.resolution.studyDesignHash;
    console.log(`real llem: ${llem.ms.toFixed(0)} ms (study hash ${llem.hash}, ${same ? 'identical to ours' : `DIFFERENT from ours ${ours.resolution.studyDesignHash}`})`);
    verdicts.push({ name: 'ratio llem / llem Studio (pypi-0.7.0)', value: `${(llem.ms / pypiMs).toFixed(1)}×`, goal: '≥ 10×', met: llem.ms / pypiMs >= 10 });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report('study expansion (100,000 configs)', verdicts);
void headMs;
