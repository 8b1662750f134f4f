import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregateStored } from '../../../core/results/aggregate';
import { importResultFile } from '../../../core/results/importLlemResult';
import { listResults } from '../../../core/results/resultListStore';
import type { Db } from '../../../core/store/database';
import { openTempDb, tempDir } from './helpers';
import { addSeconds, makeResult, type MakeResultOptions } from './makeResult';

let db: Db;
let dir: string;
let cleanups: (() => void)[] = [];
beforeEach(async () => {
  const t = openTempDb();
  const d = tempDir();
  db = t.db;
  dir = d.dir;
  cleanups = [t.cleanup, d.cleanup];
  db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('camp', 'c', '{}', 'x', 'x');
           INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'camp', 0, '{}', 'h', 's');
           INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (1, 'camp', 1, 0, 1), (2, 'camp', 1, 1, 2);`);
});
afterEach(() => cleanups.forEach((c) => c()));

let n = 0;
async function add(o: MakeResultOptions, runId: number | null = null, overrides: Record<string, unknown> = {}): Promise<number> {
  const file = path.join(dir, `r${n++}`, 'result.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(makeResult({ startTime: addSeconds('2026-03-01T00:00:00.000000', n * 100), ...o }, overrides)));
  const outcome = await importResultFile(db, file, { runId, hashFn: null });
  if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
  return outcome.resultId;
}

describe('listResults', () => {
  beforeEach(async () => {
    await add({ model: 'org/Alpha-7B', energyJ: 300, gpuName: 'NVIDIA H100 80GB HBM3' }, 1);
    await add({ model: 'org/alpha-7b', energyJ: 100, precision: 'fp16', gpuName: 'NVIDIA A100-SXM4-40GB' }, 2);
    await add({ model: 'org/beta', energyJ: 200, backend: 'vllm', throttled: true, warnings: ['short_measurement_duration: x'] });
    await add({ model: 'org/gamma', energyJ: 0 }); // energy not measured
  });

  it('sorts by a metric both ways with missing figures last', () => {
    const asc = listResults(db, { sortBy: 'total_energy_j', sortDir: 'asc' });
    const desc = listResults(db, { sortBy: 'total_energy_j', sortDir: 'desc' });
    expect(asc.ok && asc.value.rows.map((r) => r.total_energy_j)).toEqual([0, 100, 200, 300]);
    expect(desc.ok && desc.value.rows.map((r) => r.total_energy_j)).toEqual([300, 200, 100, 0]);
    const perToken = listResults(db, { sortBy: 'energy_per_token_adjusted_j', sortDir: 'asc' });
    expect(perToken.ok && perToken.value.rows.at(-1)!.model).toBe('org/gamma'); // null (0 J) sorts last
  });

  it('filters by campaign, model substring (any case), GPU, backend, precision, throttling and warnings', () => {
    const pick = (q: Parameters<typeof listResults>[1]) => {
      const r = listResults(db, q);
      if (!r.ok) throw new Error(r.error.message);
      return r.value.rows.map((x) => x.model).sort();
    };
    expect(pick({ campaignId: 'camp' })).toEqual(['org/Alpha-7B', 'org/alpha-7b']);
    expect(pick({ model: 'ALPHA' })).toEqual(['org/Alpha-7B', 'org/alpha-7b']);
    expect(pick({ gpuName: 'a100' })).toEqual(['org/alpha-7b']);
    expect(pick({ backend: 'vllm' })).toEqual(['org/beta']);
    expect(pick({ precision: 'fp16' })).toEqual(['org/alpha-7b']);
    expect(pick({ throttled: true })).toEqual(['org/beta']);
    expect(pick({ hasWarnings: true })).toEqual(['org/beta']);
    expect(pick({ sources: ['imported'] })).toEqual(['org/beta', 'org/gamma']);
    expect(pick({ sources: ['measured'] })).toEqual(['org/Alpha-7B', 'org/alpha-7b']);
    expect(pick({ hashVerified: null })).toHaveLength(4);
  });

  it('pages with a stable total', () => {
    const page1 = listResults(db, { sortBy: 'model', sortDir: 'asc', limit: 3, offset: 0 });
    const page2 = listResults(db, { sortBy: 'model', sortDir: 'asc', limit: 3, offset: 3 });
    if (!page1.ok || !page2.ok) throw new Error('query failed');
    expect(page1.value.total).toBe(4);
    expect([...page1.value.rows, ...page2.value.rows].map((r) => r.model)).toEqual(['org/Alpha-7B', 'org/alpha-7b', 'org/beta', 'org/gamma']);
  });

  it('rejects unknown sort keys and fields instead of building SQL from them', () => {
    expect(listResults(db, { sortBy: 'id; DROP TABLE results' as never })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(listResults(db, { nope: 1 } as never)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(listResults(db, { model: "x' OR 1=1 --" })).toMatchObject({ ok: true, value: { total: 0 } });
  });

  it('reports derived per-row figures consistent with the stored columns', () => {
    const r = listResults(db, { model: 'beta' });
    if (!r.ok) throw new Error(r.error.message);
    const row = r.value.rows[0]!;
    // makeResult: 10 prompts × 64 output tokens, 18 s inference, 20 s window, 40 W baseline.
    expect(row.output_tokens).toBe(640);
    expect(row.output_tokens_per_second).toBeCloseTo(640 / 18, 12);
    expect(row.avg_power_w).toBeCloseTo(200 / 20, 9);
    expect(row.energy_adjusted_j).toBe(0); // max(0, 200 − 40 × 20)
    expect(row.throttle_detected).toBe(true);
    expect(row.hash_verified).toBeNull();
  });
});

describe('aggregateStored', () => {
  it('groups cycles of one config (run with different --output) and labels campaign membership', async () => {
    // Same config, two cycles, distinct llem hashes (output_dir differs) but one identity hash.
    await add({ model: 'org/x', energyJ: 300, hash: '1111111111111111' }, 1, {});
    await add({ model: 'org/x', energyJ: 330, hash: '2222222222222222' }, 2, {});
    db.exec("UPDATE results SET identity_hash = 'same-config'");
    const aggs = aggregateStored(db, { campaignId: 'camp' });
    if (!aggs.ok) throw new Error(aggs.error.message);
    expect(aggs.value).toHaveLength(1);
    const a = aggs.value[0]!;
    expect(a.cycles).toBe(2);
    expect(a.campaignIds).toEqual(['camp']);
    expect(a.metrics.totalEnergyJ.mean).toBe(315);
    expect(a.metrics.totalEnergyJ.sd).toBeCloseTo(Math.sqrt(((300 - 315) ** 2 + (330 - 315) ** 2) / 1), 9);
  });
});
