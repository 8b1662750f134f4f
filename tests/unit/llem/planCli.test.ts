import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../../contract/llem/planCliJson';
import { runPlanCommand } from '../../../core/cli/plan';

const dir = mkdtempSync(path.join(tmpdir(), 'plan-cli-'));
const file = (name: string, text: string): string => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('llem-studio plan', () => {
  const study = file('s.yaml', 'name: demo\nmodel: gpt2\nn: 5\nsweep: {precision: [fp16, bf16], pytorch.batch_size: [1, 0]}\n');
  it('--json prints one object of the documented shape, runs in execution order', async () => {
    const r = await runPlanCommand({ file: study, json: true });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const j = planJsonSchema.parse(JSON.parse(r.stdout));
    expect(j.runs).toHaveLength(6); // 2 valid x 3 cycles (CLI default)
    expect(j.runs.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(j.skipped.map((s) => s.label)).toEqual(['pytorch, fp16', 'pytorch, bf16']);
    expect(j.skipped[0]?.reason).toMatch(/pytorch -> batch_size: Input should be greater than or equal to 1/);
    expect(j.study_design_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(j.runs.map((x) => x.measurement_config_hash)).size).toBe(2);
    expect(j.runs.filter((x) => x.cycle === 3)).toHaveLength(2);
  });
  it('the §2.12 vector through the CLI', async () => {
    const f = file('v.yaml', 'model: gpt2\nn: 5\nsweep: {precision: [fp16, bf16]}\n');
    const j = JSON.parse((await runPlanCommand({ file: f, json: true })).stdout);
    expect(j.study_design_hash).toBe('cd4872cf14d834e2');
  });
  it('human output: hash, counts, skipped with reasons, warnings, estimate', async () => {
    const r = await runPlanCommand({ file: file('w.yaml', 'model: m\nsweep: {decoder.temperature: [0.5], pytorch.batch_size: [1]}\n'), json: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Hash: {4}[0-9a-f]{16}/);
    expect(r.stdout).toMatch(/Configs: 1 to run, 1 skipped/);
    expect(r.stdout).toMatch(/Skipped 1\/2:\n {2}- decoder, \?: backend: Input should be/);
    expect(r.stdout).toMatch(/Warnings:\n {2}- sweep key\(s\) decoder.temperature/);
    expect(r.stdout).toMatch(/Estimate .*heuristic/);
    expect(r.stdout).toMatch(/GPU energy/);
  });
  it('--llem-profile selects the schema; unknown names exit 2', async () => {
    const f = file('p.yaml', 'task: {model: gpt2}\nserving_mode: offline\nsweep: {transformers.engine_params.dtype: [float16, bfloat16]}\n');
    const j = JSON.parse((await runPlanCommand({ file: f, json: true, llemProfile: 'pypi-0.7.0' })).stdout);
    expect(j.study_design_hash).toBe('00b4f3171a90f3bf');
    const bad = await runPlanCommand({ file: f, json: true, llemProfile: 'nope' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/Unknown llem profile 'nope'.*head, v0.8, v0.7, pypi-0.7.0/);
  });
  it('invalid files exit 2 with a clear message and no stdout', async () => {
    const cases: [string, RegExp][] = [
      [file('bad1.yaml', 'model: m\nsweep: {n: [0]}\n'), /nothing to run/],
      [file('bad2.yaml', 'a: [1, 2\n'), /YAML syntax error.*line/],
      [file('bad3.yaml', 'model: m\nprecison: fp16\n'), /did you mean 'precision'/],
      [file('bad4.txt', 'model: m\n'), /Unsupported config format '.txt'/],
      [path.join(dir, 'missing.yaml'), /Config file not found/],
    ];
    for (const [f, re] of cases) {
      const r = await runPlanCommand({ file: f, json: true });
      expect(r.exitCode, f).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(re);
    }
  });
  it('.json files are read with Python json semantics (1e5 is a float there)', async () => {
    const f = file('j.json', '{"model": "gpt2", "decoder": {"temperature": 1e-1}}');
    const r = await runPlanCommand({ file: f, json: true });
    expect(r.exitCode).toBe(0);
  });
});

describe('llem-studio plan: which profile', () => {
  // A PyPI-0.7.0-shaped study: valid only under that profile (HEAD rejects `task:`).
  const pypiStudy = file('pypi.yaml', 'study_name: s\ntask: {model: gpt2}\nserving_mode: offline\nsweep:\n  task.max_output_tokens: [8, 16]\n');

  it('uses the installed llem’s profile when --llem-profile is not given, and says so on stderr', async () => {
    const r = await runPlanCommand({ file: pypiStudy, json: true }, { detectInstalledProfile: async () => ({ profile: 'pypi-0.7.0', note: 'llem accepts the v2.0 config shape' }) });
    expect(r.exitCode, r.stderr).toBe(0);
    // Two configs (PyPI 0.7.0 repeats each for its default cycles).
    expect(new Set(JSON.parse(r.stdout).runs.map((x: { measurement_config_hash: string }) => x.measurement_config_hash)).size).toBe(2);
    expect(r.stderr).toBe('llem profile pypi-0.7.0: llem accepts the v2.0 config shape\n');
  });

  it('falls back to HEAD when no llem is found, and --llem-profile wins over detection', async () => {
    const none = async () => ({ profile: null, note: 'llem was not found. Using the newest schema the contract documents (HEAD).' });
    const r = await runPlanCommand({ file: pypiStudy, json: true }, { detectInstalledProfile: none });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^llem profile head: llem was not found[\s\S]*Invalid llem file .*\(profile head\)/);
    const explicit = await runPlanCommand({ file: pypiStudy, json: true, llemProfile: 'pypi' }, { detectInstalledProfile: none });
    expect(explicit.exitCode, explicit.stderr).toBe(0);
    expect(explicit.stderr).toBe('');
  });
});
