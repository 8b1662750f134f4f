import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStudyFile } from '../../../core/runner/studyPlan';

describe('planStudyFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-studyplan-'));

  it('plans a study for the PyPI release with that release schema', () => {
    const file = path.join(dir, 'pypi.yaml');
    writeFileSync(file, 'serving_mode: "offline"\ntask:\n  model: "gpt2"\nsweep:\n  transformers.engine_params.dtype: ["float16", "bfloat16"]\nstudy_execution:\n  n_cycles: 2\n');
    const plan = planStudyFile(file, 'pypi-0.7.0');
    expect(plan.ok).toBe(true);
    if (plan.ok) {
      expect(plan.value.llemProfile).toBe('pypi-0.7.0');
      expect(plan.value.runs).toHaveLength(4);
    }
    // The same file is not a valid contract-HEAD study: the error names the problem.
    const head = planStudyFile(file, 'head');
    expect(head.ok).toBe(false);
  });

  it('reports validation issues as {path, message}', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'model: "gpt2"\nn: 0\n');
    const plan = planStudyFile(file, 'head');
    expect(plan.ok).toBe(false);
    if (!plan.ok) {
      expect(plan.error.message).toContain('bad.yaml');
      for (const issue of plan.error.issues ?? []) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
    }
  });
});
