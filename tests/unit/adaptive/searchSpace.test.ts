import { describe, expect, it } from 'vitest';
import { searchSpaceOf } from '../../../core/adaptive/searchSpace';
import { planStudyFromText } from '../../../core/llem/studyPlanner';
import { planFromResolution } from '../../../core/runner/studyPlan';

function gridOf(yaml: string) {
  const planned = planStudyFromText(yaml, { profile: 'pypi-0.7.0', file: 'study.yaml' });
  return { resolution: planned.resolution, plan: planFromResolution(planned.resolution, 'study.yaml') };
}

describe('adaptive search space from a planned campaign', () => {
  it('has one candidate per valid configuration and one dimension per field that varies', () => {
    const { resolution, plan } = gridOf(
      `study_name: s\ntask: {model: gpt2}\nserving_mode: offline\nsweep:\n  task.max_output_tokens: [32, 64, 128]\n  transformers.engine_params.dtype: [float16, bfloat16]\nstudy_execution: {n_cycles: 2, experiment_order: shuffle}\n`,
    );
    const space = searchSpaceOf(plan);
    expect(space.candidates).toHaveLength(resolution.valid.length);
    expect(new Set(space.candidates.map((c) => c.key))).toEqual(new Set(resolution.valid.map((v) => v.hash)));
    const byName = Object.fromEntries(space.dimensions.map((d) => [d.name, d]));
    const tokens = Object.values(byName).find((d) => d.choices.includes('128'));
    expect(tokens?.kind).toBe('ordinal');
    expect(tokens?.choices).toEqual(['32', '64', '128']);
    const dtype = Object.values(byName).find((d) => d.choices.includes('"float16"'));
    expect(dtype?.kind).toBe('categorical');
    // Candidates are distinct points of the space (the sidecar refuses duplicates).
    expect(new Set(space.candidates.map((c) => JSON.stringify(c.params))).size).toBe(space.candidates.length);
  });

  it('leaves out configurations llem rejects: they are never candidates', () => {
    const { resolution, plan } = gridOf(
      `study_name: s\ntask: {model: gpt2}\nserving_mode: offline\nsweep:\n  task.max_output_tokens: [8, 16]\n  transformers.engine_params.load_in_4bit: [true, false]\ntransformers: {engine_params: {load_in_8bit: true}}\n`,
    );
    expect(resolution.skipped.length).toBeGreaterThan(0); // 4-bit and 8-bit at once: llem's engine rule rejects it
    const space = searchSpaceOf(plan);
    expect(space.candidates).toHaveLength(resolution.valid.length);
    expect(space.candidates).toHaveLength(2);
    // Every candidate has load_in_4bit false: the rejected half never reaches the optimizer.
    const bit4 = space.dimensions.find((d) => d.name.endsWith('load_in_4bit'));
    expect(bit4).toBeUndefined(); // it no longer varies among the valid configurations
  });
});
