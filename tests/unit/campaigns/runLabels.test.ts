import { describe, expect, it } from 'vitest';
import { distinguishingLabels, skippedLabel, sweptKeysOf } from '../../../contract/runLabels';
import { planCampaignYaml } from '../../../core/campaigns/designerPlanView';

describe('distinguishing labels (contract/runLabels.ts)', () => {
  it('shows only the values that vary, swept keys first in sweep order', () => {
    const base = { model: 'gpt2', backend: 'pytorch' };
    const configs = [
      { ...base, precision: 'fp16', pytorch: { batch_size: 1 } },
      { ...base, precision: 'bf16', pytorch: { batch_size: 1 } },
      { ...base, precision: 'fp16', pytorch: { batch_size: 8 } },
    ];
    const labels = distinguishingLabels(configs, { sweptKeys: ['pytorch.batch_size', 'precision'] });
    expect(labels).toEqual(['batch_size=1 · precision=fp16', 'batch_size=1 · precision=bf16', 'batch_size=8 · precision=fp16']);
    expect(new Set(labels).size).toBe(3);
  });

  it('names 8-bit and 4-bit quantization so runs of the same dtype read differently', () => {
    const configs = [
      { precision: 'bf16', pytorch: { load_in_8bit: false, load_in_4bit: false } },
      { precision: 'bf16', pytorch: { load_in_8bit: true, load_in_4bit: false } },
      { precision: 'bf16', pytorch: { load_in_8bit: false, load_in_4bit: true } },
    ];
    const labels = distinguishingLabels(configs);
    expect(labels[1]).toBe('8-bit');
    expect(labels[2]).toBe('4-bit');
    expect(labels[0]).toBe('');
  });

  it('lengthens a short name only where two varying paths end alike', () => {
    const labels = distinguishingLabels([
      { a: { dtype: 'x' }, b: { dtype: 'p' } },
      { a: { dtype: 'y' }, b: { dtype: 'q' } },
    ]);
    expect(labels).toEqual(['a.dtype=x · b.dtype=p', 'a.dtype=y · b.dtype=q']);
  });

  it('leads a skipped item with the value its rejection names', () => {
    const raw = { backend: 'pytorch', precision: 'fp32', pytorch: { batch_size: 0 } };
    expect(skippedLabel(raw, [['pytorch', 'batch_size']], { sweptKeys: ['precision', 'pytorch.batch_size'] })).toBe('batch_size=0 · precision=fp32');
  });

  it('reads sweep keys from flat, nested and grouped sweep forms', () => {
    expect(sweptKeysOf({ sweep: { 'pytorch.batch_size': [1], precision: ['a'], decoder: [{ preset: 'x' }], vllm: { block_size: [8] } } })).toEqual([
      'pytorch.batch_size',
      'precision',
      'decoder.preset',
      'vllm.block_size',
    ]);
  });
});

describe('plan view labels', () => {
  it('labels an 18-run batch × dtype PyPI campaign so that no two configurations read alike', () => {
    const yaml = `study_name: "b"
serving_mode: "offline"
engine: "transformers"
task:
  model: "gpt2"
sweep:
  transformers.llem_execution.batch_size: [1, 8, 32]
  transformers.engine_params.dtype: ["float16", "bfloat16"]
study_execution:
  n_cycles: 3
`;
    const plan = planCampaignYaml(yaml, 'pypi-0.7.0');
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.runCount).toBe(18);
    const labels = plan.value.configs.map((c) => c.label);
    expect(new Set(labels).size).toBe(6);
    for (const label of labels) expect(label).toMatch(/^batch_size=\d+ · dtype=(float16|bfloat16)/);
    expect(plan.value.runs.every((r) => r.label === labels[r.configIndex])).toBe(true);
  });

  it('gives a skipped contract config the value that made llem reject it', () => {
    const yaml = `model: "gpt2"
backend: "pytorch"
sweep:
  precision: ["fp32", "fp16"]
  pytorch.batch_size: [0, 4]
`;
    const plan = planCampaignYaml(yaml, 'head');
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.skipped.length).toBeGreaterThan(0);
    for (const s of plan.value.skipped) expect(s.values).toMatch(/^batch_size=0 · precision=fp(32|16)/);
  });
});
