/**
 * Issue 19, "one baseline per campaign where llem allows sharing it": asked of the REAL llem 0.7.0 (PyPI
 * llenergymeasure in the venv), not of our reading of its source.
 *
 * The app plans a two-run campaign (core/runner/studyPlan.ts), writes each run's experiment file with its own
 * writer, and lays out the attempt folders and `llem run` arguments exactly as the runner does
 * (attemptPathsFor, llemRunArguments, llemEnvironment). tests/llem-baseline/baseline_sharing_probe.py then runs
 * llem's own CLI entry in-process for run 1 and run 2 (only the GPU/engine boundary stubbed, see its docstring)
 * and spies on llem's baseline-cache code. What it establishes, and docs/telemetry.md relies on:
 *
 * - a one-experiment `llem run` takes llem's single-experiment path: the harness is given no study-level
 *   baseline (so it measures its own, in-process), llem's disk-cache lookup is never consulted, and no cache file
 *   is written for a later run to find;
 * - each run gets a fresh timestamped study folder under its own `--output`, and llem's cache lookup for run 2's
 *   folder does not see run 1's cache file even when that file is in llem's own format and well within the TTL
 *   (the control: the same lookup pointed at run 1's folder finds it);
 * - `--resume-dir <run 1's study>` is ignored on a one-experiment file ("study-only flag(s) ignored"), and as
 *   study files the two runs have different study design hashes, so llem refuses the resume (config drift).
 *
 * If a later llem changes any of this, the assertions fail and say which part changed: then sharing becomes
 * possible and the runner should use it (docs/telemetry.md, "One baseline per campaign").
 * Skips (printing why) without the venv; fails instead under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attemptPathsFor } from '../../../core/runner/campaignRunner';
import { llemEnvironment, llemRunArguments, runnerPinFor } from '../../../core/runner/experimentProcess';
import { planStudyFile } from '../../../core/runner/studyPlan';
import { writeExperimentJson } from '../../../core/llem/configWriter';
import { locateLlemVenv, requireLlemOrSkip } from '../../helpers/llemOracle';

const skip = requireLlemOrSkip();
const PROBE = path.resolve(import.meta.dirname, '../../llem-baseline/baseline_sharing_probe.py');

interface ProbeRun {
  argv: string[];
  exit: unknown;
  reached_harness: boolean;
  error: string | null;
  stderr_tail: string;
  calls: {
    harness_run: { baseline_given: boolean; baseline_kwarg_present: boolean; strategy: string; ttl_s: number }[];
    load_baseline_cache: { path: string; found: boolean }[];
    get_baseline: string[];
    cache_path: string[];
  };
  study_dirs: string[];
}
interface ProbeReport {
  llem_version: string;
  run1: ProbeRun;
  run2: ProbeRun;
  run2_resume: ProbeRun;
  run1_cache_files: string[];
  seeded_cache: string | null;
  seeded_cache_loads: boolean;
  study_resume_drift: { study1_hash: string | null; study2_hash: string | null; error: string | null };
  lookup_run1_dir: { path: string | null; found: boolean };
  lookup_run2_dir: { path: string | null; found: boolean };
}

describe.skipIf(skip)('one baseline per campaign with the real llem 0.7.0', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llem-baseline-share-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("run 2 of a campaign cannot reuse run 1's baseline: llem measures one per `llem run`", () => {
    const venv = locateLlemVenv();
    if (!venv.found) throw new Error(venv.reason);

    // A two-run campaign planned by the app for the PyPI release (baseline on, llem's defaults: `validated`, TTL).
    const studyFile = path.join(dir, 'study.yaml');
    writeFileSync(studyFile, 'serving_mode: "offline"\ntask:\n  model: "gpt2"\nsweep:\n  task.dataset.n_prompts: [5, 6]\nstudy_execution:\n  n_cycles: 1\n');
    const plan = planStudyFile(studyFile, 'pypi-0.7.0');
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.runs).toHaveLength(2);
    const dataDir = path.join(dir, 'data');
    const attempt = (runIndex: number, n: number) => {
      const p = attemptPathsFor(dataDir, plan.value.campaignId, runIndex, n, 'json');
      return { args: llemRunArguments(p), cwd: p.scratchDir, configPath: p.configPath, outputDir: p.outputDir };
    };
    const run1 = attempt(0, 1);
    const run2 = attempt(1, 1);
    for (const [run, item] of [
      [run1, plan.value.runs[0]!],
      [run2, plan.value.runs[1]!],
    ] as const) {
      mkdirSync(path.dirname(run.configPath), { recursive: true });
      writeFileSync(run.configPath, writeExperimentJson(item.experimentConfig).text);
    }
    const spec = path.join(dir, 'spec.json');
    const campaignRoot = path.dirname(path.dirname(run1.configPath));
    writeFileSync(spec, JSON.stringify({ campaignRoot, run1, run2, run2Retry: attempt(1, 2) }));

    const env = llemEnvironment({ PATH: process.env.PATH, HOME: process.env.HOME }, path.join(dir, 'xdg'), runnerPinFor(plan.value.runs[0]!.experimentConfig));
    const out = spawnSync(venv.python, [PROBE, spec], { encoding: 'utf8', env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    if (out.status !== 0) throw new Error(`probe failed (${out.status}): ${out.stderr}`);
    const r = JSON.parse(out.stdout) as ProbeReport;
    expect(r.llem_version).toBe('0.7.0');

    // Both runs reached llem's measurement harness through llem's own CLI, with the app's argv and layout.
    for (const run of [r.run1, r.run2, r.run2_resume]) {
      expect(run.reached_harness, `${run.argv.join(' ')}: ${run.error ?? ''}\n${run.stderr_tail}`).toBe(true);
      // llem hands the harness no study-level baseline: the harness measures its own, in this process.
      expect(run.calls.harness_run).toEqual([expect.objectContaining({ baseline_given: false, strategy: 'validated' })]);
      // llem's disk-cache code (StudyRunner._get_baseline → load_baseline_cache) is never reached.
      expect(run.calls.get_baseline).toEqual([]);
      expect(run.calls.load_baseline_cache).toEqual([]);
      // One fresh timestamped study folder under this attempt's own --output.
      expect(run.study_dirs).toHaveLength(1);
    }
    expect(r.run1.calls.harness_run[0]!.ttl_s).toBeGreaterThanOrEqual(60);
    // Run 1 leaves no baseline cache anywhere under the campaign for run 2 to find.
    expect(r.run1_cache_files).toEqual([]);

    // Best case for sharing: run 1's study folder holds a cache file in llem's own format, fresh, within the TTL.
    expect(r.seeded_cache_loads).toBe(true);
    expect(r.lookup_run1_dir.found).toBe(true);
    // llem's lookup for run 2's study folder is a different file, and it is not there.
    expect(r.lookup_run2_dir.path).not.toBe(r.lookup_run1_dir.path);
    expect(r.lookup_run2_dir.found).toBe(false);

    // --resume-dir pointed at run 1's study: ignored on a one-experiment file, and run 2 still runs in its own folder.
    expect(r.run2_resume.stderr_tail).toContain('study-only flag(s) ignored on a single-experiment run: --resume-dir');
    expect(r.run2_resume.study_dirs[0]).not.toBe(r.run1.study_dirs[0]);
    // As study files, run 2 is a different study: llem refuses to resume run 1's with it.
    expect(r.study_resume_drift.study1_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.study_resume_drift.study2_hash).not.toBe(r.study_resume_drift.study1_hash);
    expect(r.study_resume_drift.error).toMatch(/Config drift detected/);
  }, 180_000);
});
