import { describe, expect, it } from 'vitest';
import { locatePath, yamlProblems } from '../../../renderer/src/pages/design/yamlProblems';

const STUDY = 'name: "x"\nmodel: "gpt2"\npytorch:\n  batch_size: 0\nsweep:\n  precision: ["fp16", "bf16"]\n  vllm.engine.block_size: [8, 16]\n';

describe('plan errors placed on their YAML lines (issue 17, point 5)', () => {
  it('finds a nested field, a dotted sweep key, and falls back to the deepest written parent', () => {
    expect(STUDY.slice(...locatePath(STUDY, 'pytorch.batch_size')!)).toBe('batch_size');
    expect(STUDY.slice(...locatePath(STUDY, 'vllm.engine.block_size')!)).toBe('vllm.engine.block_size');
    expect(STUDY.slice(...locatePath(STUDY, 'pytorch.load_in_8bit')!)).toBe('pytorch');
    expect(locatePath(STUDY, 'backend')).toBeNull();
  });

  it('puts each issue on its field line, one per issue', () => {
    const problems = yamlProblems(STUDY, {
      code: 'invalid_campaign',
      message: '2 problems',
      issues: [
        { path: 'pytorch.batch_size', message: 'Input should be greater than or equal to 1' },
        { path: 'precision', message: 'bad precision' },
      ],
    });
    expect(problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [4, 'pytorch.batch_size', 'Input should be greater than or equal to 1'],
      [6, 'precision', 'bad precision'],
    ]);
  });

  it('reports a YAML syntax error where the parser stopped, before any plan issue', () => {
    const problems = yamlProblems('model: "gpt2"\nsweep: [unclosed\n', { code: 'invalid_yaml', message: 'bad yaml' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.path).toBeNull();
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });
});
