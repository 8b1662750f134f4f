import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { runnerPinFor, type RunnerPin } from '../runner/experimentProcess';
import type { CampaignPlan } from '../runner/runPlan';
import { writeExperimentJson } from '../llem/configWriter';
import { NODE_FILES } from './nodeFiles';

/** What `llem-studio slurm submit` turns into `#SBATCH` lines and the bundle's manifest. */
export interface SlurmSubmitOptions {
  /** Absolute path of the campaign work directory's parent on the cluster (a shared filesystem). */
  workDir: string;
  /** llem on the compute nodes: a path, or a command line split into words. */
  llemOnNodes: string;
  partition?: string | null;
  account?: string | null;
  /** Whole GPUs per task (`--gpus-per-task`); 0 asks for none (CPU-only clusters and the test cluster). */
  gpusPerTask: number;
  /** Array throttle (`%P`); 1 keeps llem's order on one GPU at a time. */
  maxParallel: number;
  /** SLURM time limit per task (`--time`, e.g. `90`, `1:30:00`, `1-00:00:00`). */
  time: string;
  /** Passed through verbatim, one `#SBATCH` line each. */
  sbatchArgs: string[];
  sampleIntervalS?: number;
}

export interface ManifestRun {
  index: number;
  cycle: number;
  config_index: number;
  config_hash: string;
  summary: string;
  file: string;
  runner_pin: RunnerPin;
}

export interface BundleManifest {
  format: 1;
  campaign_id: string;
  name: string;
  study_design_hash: string | null;
  llem_profile: string | null;
  llem: string[];
  sample_interval_s: number;
  runs: ManifestRun[];
}

/** Paths we write into `#SBATCH` lines and a bash script unquoted must be plain: no spaces, quotes or `$`. */
const PLAIN_PATH = /^\/[A-Za-z0-9._@+\-/]*$/;
const TIME_LIMIT = /^(\d+-)?\d+(:\d{1,2}){0,2}$/;
const SLURM_NAME = /^[A-Za-z0-9._-]+$/;

export function validateSubmitOptions(o: SlurmSubmitOptions): Result<SlurmSubmitOptions> {
  const bad = (field: string, message: string) => err('invalid_option', `--${field}: ${message}`, { path: field });
  if (!PLAIN_PATH.test(o.workDir)) return bad('work-dir', `"${o.workDir}" must be an absolute path of letters, digits and ._@+-/ only (it goes into #SBATCH lines)`);
  if (o.llemOnNodes.trim() === '' || /[\n\r'"`$\\]/.test(o.llemOnNodes)) return bad('llem', 'must be a path (or command words) without quotes, $ or backslashes');
  if (o.partition && !SLURM_NAME.test(o.partition)) return bad('partition', `"${o.partition}" is not a SLURM partition name`);
  if (o.account && !SLURM_NAME.test(o.account)) return bad('account', `"${o.account}" is not a SLURM account name`);
  if (!Number.isInteger(o.gpusPerTask) || o.gpusPerTask < 0 || o.gpusPerTask > 64) return bad('gpus-per-task', 'must be a whole number of GPUs from 0 to 64 (MIG slices are not supported)');
  if (!Number.isInteger(o.maxParallel) || o.maxParallel < 1) return bad('max-parallel', 'must be a whole number ≥ 1');
  if (!TIME_LIMIT.test(o.time)) return bad('time', `"${o.time}" is not a SLURM time limit (minutes, MM:SS, HH:MM:SS or D-HH:MM:SS)`);
  for (const a of o.sbatchArgs) {
    if (!/^--?[A-Za-z]/.test(a) || /[\n\r]/.test(a)) return bad('sbatch-arg', `"${a}" must be one sbatch option on one line, starting with - or --`);
    if (/^--?(array|output|error|a|o|e)(=|$)/.test(a)) return bad('sbatch-arg', `"${a}": the array and output files are set by llem Studio`);
  }
  return ok(o);
}

/** `0-3,5,7-9%2`: SLURM's array list for the given indices, with the throttle. */
export function arraySpec(indices: readonly number[], maxParallel: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return `${parts.join(',')}%${maxParallel}`;
}

export const experimentFileName = (index: number) => `experiments/${String(index).padStart(4, '0')}.json`;

export function buildManifest(plan: CampaignPlan, o: SlurmSubmitOptions): BundleManifest {
  return {
    format: 1,
    campaign_id: plan.campaignId,
    name: plan.name,
    study_design_hash: plan.studyDesignHash,
    llem_profile: plan.llemProfile,
    llem: o.llemOnNodes.trim().split(/\s+/),
    sample_interval_s: o.sampleIntervalS ?? 0.1,
    runs: plan.runs.map((r) => ({
      index: r.index,
      cycle: r.cycle,
      config_index: r.configIndex,
      config_hash: r.measurementConfigHash,
      summary: r.summary,
      file: experimentFileName(r.index),
      runner_pin: runnerPinFor(r.experimentConfig),
    })),
  };
}

/**
 * The array job script. Whole GPUs per task (`--gpus-per-task`, with `--ntasks=1`), the array throttle, and
 * every extra option passed through; the task wrapper then runs with llem's Python on the node: the
 * interpreter beside llem when there is one (a venv), else `python3`, or LLEM_STUDIO_NODE_PYTHON.
 */
export function sbatchScript(bundleDir: string, campaignId: string, indices: readonly number[], o: SlurmSubmitOptions): string {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=llem-${campaignId.slice(0, 40)}`, `#SBATCH --array=${arraySpec(indices, o.maxParallel)}`];
  lines.push(`#SBATCH --output=${bundleDir}/logs/slurm-%A_%a.out`, '#SBATCH --ntasks=1', `#SBATCH --time=${o.time}`);
  if (o.gpusPerTask > 0) lines.push(`#SBATCH --gpus-per-task=${o.gpusPerTask}`);
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  if (o.account) lines.push(`#SBATCH --account=${o.account}`);
  for (const a of o.sbatchArgs) lines.push(`#SBATCH ${a}`);
  const llemFirstWord = o.llemOnNodes.trim().split(/\s+/)[0]!;
  lines.push(
    '',
    '# Generated by llem Studio: one llem run per array index, in llem\'s order (index = position in the run list).',
    'set -u',
    `BUNDLE=${bundleDir}`,
    'PY="${LLEM_STUDIO_NODE_PYTHON:-}"',
    `if [ -z "$PY" ] && [ -x "$(dirname ${llemFirstWord})/python" ]; then PY="$(dirname ${llemFirstWord})/python"; fi`,
    'PY="${PY:-python3}"',
    'exec "$PY" "$BUNDLE/node/task.py" "$BUNDLE" "$SLURM_ARRAY_TASK_ID"',
    '',
  );
  return lines.join('\n');
}

export interface BundleFile {
  path: string;
  text: string;
  mode?: number;
}

/** Every file of the bundle except the per-submission scripts: experiments, manifest, node scripts. */
export function bundleFiles(plan: CampaignPlan, o: SlurmSubmitOptions): BundleFile[] {
  const files: BundleFile[] = plan.runs.map((r) => ({ path: experimentFileName(r.index), text: writeExperimentJson(r.experimentConfig).text }));
  files.push({ path: 'manifest.json', text: JSON.stringify(buildManifest(plan, o), null, 1) + '\n' });
  for (const [p, text] of Object.entries(NODE_FILES)) files.push({ path: p, text, mode: 0o755 });
  return files;
}

/** Writes files under `dir` (each atomically: tasks may be reading the manifest while a resubmission rewrites it). */
export function writeBundleFiles(dir: string, files: readonly BundleFile[]): void {
  for (const sub of ['experiments', 'node', 'logs', 'tasks', 'submissions']) mkdirSync(path.join(dir, sub), { recursive: true });
  for (const f of files) {
    const target = path.join(dir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, f.text, { mode: f.mode ?? 0o644 });
    renameSync(tmp, target);
  }
}
