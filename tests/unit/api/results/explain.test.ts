import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../../core/results';
import { failure, startTestCore, value } from './helpers';

const RUNS = path.resolve(__dirname, '../../../../resources/sample-runs/h100-gpt2-random-weights/runs');

describe('results.explain on the shipped H100 sample', () => {
  let t: ReturnType<typeof startTestCore>;
  beforeAll(async () => {
    t = startTestCore();
    const report = await importPaths(t.core.context.db, [RUNS]);
    expect(report.added).toHaveLength(4);
  });
  afterAll(() => t?.stop());

  it('traces each result to its own file (sha256 of the bytes), inputs with units, window, baseline and checks', async () => {
    const list = value(await t.call('results.list', {}));
    for (const folder of readdirSync(RUNS)) {
      const file = path.join(RUNS, folder, 'result.json');
      const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
      const id = rowIdFor(sha);
      expect(list.rows.some((r) => r.id === id)).toBe(true);
      const x = value(await t.call('results.explain', { resultId: id, figure: 'jPerOutputToken' }));
      expect(x.file.sha256).toBe(sha);
      expect(x.file.path).toBe(file);
      expect(x.unit).toBe('J/token');
      expect(x.inputs.every((i) => i.unit.length > 0)).toBe(true);
      expect(x.inputs.map((i) => i.name)).toEqual(['total energy', 'output tokens (llem)', 'prompts', 'max output tokens', 'output tokens (bounded)']);
      expect(x.measurementWindow.durationS).toBeGreaterThan(0);
      expect(x.baseline.powerW).toBeGreaterThan(0);
      expect(x.checks.map((c) => c.id)).toContain('output_tokens_possible');
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { avg_energy_per_token_j?: number; total_energy_j?: number };
      const llemPerToken = raw.avg_energy_per_token_j ?? null;
      if (llemPerToken !== null) expect(x.llemValue).toBeCloseTo(llemPerToken, 12);
      if (x.grade === 'C') {
        expect(x.caveats).toContain('at most 4,096 tokens were generated; llem reported 6,686');
        expect(x.llemNote).toMatch(/differs by \d+\.\d %: llem's output-token count is above/);
        expect(x.value!).toBeGreaterThan(x.llemValue!);
      } else {
        expect(x.llemNote).toBe("llem's avg_energy_per_token_j: the same.");
      }
    }
  });

  it('answers not_found for an unknown result and refuses an unknown figure', async () => {
    expect(failure(await t.call('results.explain', { resultId: 999, figure: 'totalEnergyJ' })).code).toBe('not_found');
    expect(failure(await t.call('results.explain', { resultId: 1, figure: 'notAFigure' })).code).toBe('invalid_params');
  });

  function rowIdFor(sha: string): number {
    const r = t.core.context.db.prepare('SELECT id FROM results WHERE file_sha256 = ?').get(sha) as { id: number } | undefined;
    if (!r) throw new Error(`no result with sha256 ${sha}`);
    return r.id;
  }
});
