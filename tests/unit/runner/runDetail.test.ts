import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDiffAgainstBase, readFileText, versionsFromResult } from '../../../core/runner/runDetail';

describe('run detail parts (core/runner/runDetail.ts)', () => {
  it("diffs a config against the campaign's most common value of each varying field", () => {
    const campaign = [
      { model: 'gpt2', precision: 'fp16', pytorch: { batch_size: 1 } },
      { model: 'gpt2', precision: 'fp16', pytorch: { batch_size: 8 } },
      { model: 'gpt2', precision: 'bf16', pytorch: { batch_size: 1 } },
    ];
    expect(configDiffAgainstBase(campaign[2]!, campaign)).toEqual([{ path: 'precision', base: 'fp16', value: 'bf16' }]);
    expect(configDiffAgainstBase(campaign[0]!, campaign)).toEqual([]);
    expect(configDiffAgainstBase(campaign[1]!, campaign)).toEqual([{ path: 'pytorch.batch_size', base: '1', value: '8' }]);
  });

  it('finds versions wherever a result.json keeps them', () => {
    const result = { tool_version: '0.7.0', environment: { gpu: { driver_version: '550.54' }, cuda: { cuda_version: '12.4' }, python_version: '3.11.7' }, backend_version: null, torch_version: '2.5.1' };
    expect(versionsFromResult(result)).toEqual({ llem: '0.7.0', driver: '550.54', cuda: '12.4', torch: '2.5.1', python: '3.11.7' });
  });

  it('reads a log tail, and says why a folder or a missing file cannot be shown', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-detail-'));
    const log = path.join(dir, 'stdout.log');
    writeFileSync(log, 'first line\nlast line\n');
    expect(readFileText(log, 10, 'tail')).toEqual({ path: log, text: 'last line\n', truncated: true, error: null });
    expect(readFileText(log, 1000, 'head')).toMatchObject({ text: 'first line\nlast line\n', truncated: false });
    expect(readFileText(dir, 1000, 'head').error).toBe('is not a regular file');
    expect(readFileText(path.join(dir, 'nope'), 1000, 'head').error).toContain('ENOENT');
  });
});
