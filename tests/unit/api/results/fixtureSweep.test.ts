import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../../core/results';
import { modelJPerToken, writeSweep } from '../../../helpers/llemResultVariants';
import { sharedFixture, tempDir } from '../../results/helpers';
import { startTestCore, value } from './helpers';

const fixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');

describe.skipIf(fixture.skip)('a batch-size × precision sweep made from the real gpt2 result', () => {
  let t: ReturnType<typeof startTestCore>;
  let files: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    t = startTestCore();
    files = tempDir();
    writeSweep(files.dir, readFileSync(fixture.path, 'utf8'), { batchSizes: [1, 4, 16, 64], precisions: ['bf16', 'fp16'], cycles: 3 });
    const report = await importPaths(t.core.context.db, [files.dir]);
    expect(report.rejected).toEqual([]);
    expect(report.added).toHaveLength(24);
    // The generator recomputes llem's hash for each changed config: every file verifies, as llem's own would.
    expect(report.added.every((a) => a.hashVerified === true)).toBe(true);
  });
  afterAll(() => {
    t?.stop();
    files?.cleanup();
  });

  it('recovers the sweep and headlines the batch-size effect', async () => {
    const agg = value(await t.call('results.aggregates', {}));
    expect(agg.totalConfigs).toBe(8);
    expect(agg.parameters.map((p) => [p.path, p.values])).toEqual([
      ['pytorch.batch_size', [1, 4, 16, 64]],
      ['precision', ['bf16', 'fp16']],
    ]);
    expect(agg.configs.every((c) => c.cycles === 3 && c.flags.hashMismatches === 0)).toBe(true);
    const h = agg.headline;
    if (!h.available) throw new Error(h.reason);
    expect(h.parameter).toBe('pytorch.batch_size');
    expect(h.text).toMatch(/^batch size 64 uses [\d.]+× less energy per output token than batch size 1$/);
    expect(h.factor.ratio).toBeCloseTo(modelJPerToken(1, 'bf16') / modelJPerToken(64, 'bf16'), 9);
    expect(h.significant).toBe(true);
  });
});
