import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths, importResultFile } from '../../../../core/results';
import { OWN_FIXTURES, tempDir } from '../../results/helpers';
import { makeResult } from '../../results/makeResult';
import { failure, startTestCore, value } from './helpers';

/** t(0.975, 4) from any t table. */
const T_975_DF4 = 2.7764451051977987;
const NOISE = [1, 1.04, 0.97]; // the same spread in every config → equal CVs → Welch df = 2·(3 − 1) = 4
const OUTPUT_TOKENS = 10 * 64; // makeResult defaults: n = 10 prompts × 64 output tokens
/** J per output token by (batch size, precision); the fp16 config trades energy for speed. */
const DESIGN = [
  { bs: 1, precision: 'bf16', jpt: 0.8, inferenceS: 18 },
  { bs: 8, precision: 'bf16', jpt: 0.3, inferenceS: 6 },
  { bs: 64, precision: 'bf16', jpt: 0.1, inferenceS: 2 },
  { bs: 64, precision: 'fp16', jpt: 0.12, inferenceS: 1.5 },
];

let t: ReturnType<typeof startTestCore>;
let files: ReturnType<typeof tempDir>;
const keyOf = new Map<string, string>();

beforeAll(async () => {
  t = startTestCore();
  files = tempDir();
  let minute = 0;
  for (const d of DESIGN) {
    NOISE.forEach((k, cycle) => {
      const start = `2026-01-02T03:${String(minute++).padStart(2, '0')}:05.250000`;
      const result = makeResult({ batchSize: d.bs, precision: d.precision, energyJ: d.jpt * k * OUTPUT_TOKENS, inferenceS: d.inferenceS, durationS: d.inferenceS + 1, startTime: start });
      const dir = path.join(files.dir, `bs${d.bs}_${d.precision}_c${cycle}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result, null, 2));
    });
  }
  const report = await importPaths(t.core.context.db, [files.dir]);
  expect(report.added).toHaveLength(12);
  const list = value(await t.call('results.list', { limit: 100 }));
  for (const r of list.rows) keyOf.set(`${r.batch_size}/${r.precision}`, r.identity_hash!);
  expect(keyOf.size).toBe(4);
});

afterAll(() => {
  t?.stop();
  files?.cleanup();
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('results.list', () => {
  it('sorts and pages own results, each labelled with its source', async () => {
    const page = value(await t.call('results.list', { sortBy: 'avg_energy_per_token_j', sortDir: 'asc', limit: 5 }));
    expect(page.total).toBe(12);
    expect(page.rows).toHaveLength(5);
    expect(page.rows[0]).toMatchObject({ batch_size: 64, precision: 'bf16', source: 'imported' });
    expect(page.rows[0]!.avg_energy_per_token_j).toBeCloseTo(0.1 * 0.97, 12);
    const energies = page.rows.map((r) => r.avg_energy_per_token_j!);
    expect([...energies].sort((a, b) => a - b)).toEqual(energies);
  });

  it('filters by precision and refuses a bad query naming the field', async () => {
    expect(value(await t.call('results.list', { precision: 'fp16' })).total).toBe(3);
    const e = failure(await t.call('results.list', { sortBy: 'energy; DROP TABLE results' }));
    expect(e.code).toBe('invalid_params');
    expect(e.issues?.map((i) => i.path)).toContain('sortBy');
  });
});

describe('results.aggregates', () => {
  it('groups cycles into configurations, with the swept parameters and their values', async () => {
    const agg = value(await t.call('results.aggregates', {}));
    expect(agg.totalConfigs).toBe(4);
    expect(agg.totalResults).toBe(12);
    expect(agg.parameters.map((p) => [p.path, p.label, p.values])).toEqual([
      ['pytorch.batch_size', 'batch size', [1, 8, 64]],
      ['precision', 'precision', ['bf16', 'fp16']],
    ]);
    const c8 = agg.configs.find((c) => c.groupKey === keyOf.get('8/bf16'))!;
    expect(c8.label).toBe('batch size 8 · precision bf16');
    expect(c8.cycles).toBe(3);
    expect(c8.params).toEqual({ 'pytorch.batch_size': 8, precision: 'bf16' });
    const cycles = NOISE.map((k) => 0.3 * k);
    expect(c8.metrics.jPerOutputToken.mean).toBeCloseTo(mean(cycles), 12);
    const byValue = (a: number, b: number) => a - b;
    expect(c8.cycleValues.map((v) => v.jPerOutputToken!).sort(byValue)).toEqual([...cycles].sort(byValue).map((x) => expect.closeTo(x, 12)));
    expect(c8.metrics.jPerOutputToken.ci95Low!).toBeLessThan(c8.metrics.jPerOutputToken.mean!);
  });

  it('puts the fast-but-hungrier fp16 config and the frugal bf16 one on the throughput front, not the dominated ones', async () => {
    const agg = value(await t.call('results.aggregates', {}));
    expect(agg.fronts.energyThroughput).toEqual([keyOf.get('64/fp16'), keyOf.get('64/bf16')]);
    expect(agg.fronts.energyLatency).toEqual([keyOf.get('64/fp16'), keyOf.get('64/bf16')]);
  });

  it('headlines the batch-size effect with a t-based CI of the factor', async () => {
    const agg = value(await t.call('results.aggregates', {}));
    const h = agg.headline;
    if (!h.available) throw new Error(h.reason);
    expect(h.parameter).toBe('pytorch.batch_size');
    expect(h.text).toMatch(/^batch size 64 uses 8\.0× less energy per output token than batch size 1$/);
    expect(h.factor.ratio).toBeCloseTo(8, 9);
    // Equal CVs on both sides: se(ln r) = cv·√(2/3) with the cycles' CV, df = 4.
    const cycles = NOISE.map((k) => k);
    const m = mean(cycles);
    const sd = Math.sqrt(cycles.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    const se = (sd / m) * Math.sqrt(2 / 3);
    expect(h.factor.ci95Low).toBeCloseTo(8 * Math.exp(-T_975_DF4 * se), 6);
    expect(h.factor.ci95High).toBeCloseTo(8 * Math.exp(T_975_DF4 * se), 6);
    expect(h.context).toContain('precision bf16');
  });

  it('follows the grid filter, and says why there is no headline for one config', async () => {
    const agg = value(await t.call('results.aggregates', { precision: 'fp16' }));
    expect(agg.totalConfigs).toBe(1);
    expect(agg.headline.available).toBe(false);
    expect(value(await t.call('results.aggregates', { model: 'no-such-model' })).configs).toEqual([]);
    expect(failure(await t.call('results.aggregates', { sources: ['reference'] })).code).toBe('invalid_params');
  });
});

describe('results.compare', () => {
  it('compares two configurations metric by metric against the first', async () => {
    const [a, b] = [keyOf.get('1/bf16')!, keyOf.get('64/bf16')!];
    const cmp = value(await t.call('results.compare', { groupKeys: [a, b] }));
    expect(cmp.baseline).toBe(a);
    expect(cmp.configs.map((c) => c.groupKey)).toEqual([a, b]);
    expect(cmp.parameters.map((p) => p.path)).toEqual(['pytorch.batch_size']);
    const energy = cmp.rows.find((r) => r.metric === 'jPerOutputToken')!;
    expect(energy).toMatchObject({ unit: 'J/token', lowerIsBetter: true });
    expect(energy.values[0]!.vsBaseline!.ratio).toBeCloseTo(1, 12);
    expect(energy.values[0]!.significant).toBeNull();
    expect(energy.values[1]!.vsBaseline!.ratio).toBeCloseTo(0.1 / 0.8, 9);
    expect(energy.values[1]!.significant).toBe(true);
    const throughput = cmp.rows.find((r) => r.metric === 'tokensPerSecond')!;
    expect(throughput.values[1]!.vsBaseline!.ratio).toBeCloseTo(18 / 2, 9);
  });

  it('uses the chosen baseline and refuses unknown, repeated or single keys', async () => {
    const [a, b] = [keyOf.get('1/bf16')!, keyOf.get('64/bf16')!];
    expect(value(await t.call('results.compare', { groupKeys: [a, b], baseline: b })).baseline).toBe(b);
    const unknown = failure(await t.call('results.compare', { groupKeys: [a, 'feedfacefeedface'] }));
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).toContain('feedfacefeedface');
    expect(failure(await t.call('results.compare', { groupKeys: [a, a] })).issues?.[0]?.message).toMatch(/distinct/);
    expect(failure(await t.call('results.compare', { groupKeys: [a] })).code).toBe('invalid_params');
    expect(failure(await t.call('results.compare', { groupKeys: [a, b], baseline: 'zzz' })).issues?.[0]?.path).toBe('baseline');
  });
});

describe('results.timeline', () => {
  it('says in words why a result has no timeline', async () => {
    const id = value(await t.call('results.list', { limit: 1 })).rows[0]!.id;
    const tl = value(await t.call('results.timeline', { resultId: id }));
    expect(tl).toMatchObject({ source: 'none', totalSamples: 0, t: [], v: [] });
    expect(tl.note).toMatch(/llem wrote no timeseries/);
    expect(failure(await t.call('results.timeline', { resultId: 999_999 })).code).toBe('not_found');
  });

  it("reads llem's timeseries.parquet of an imported result, in seconds from the first sample", async () => {
    const dir = path.join(files.dir, 'with-ts');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'result.json');
    writeFileSync(file, JSON.stringify(makeResult({ model: 'org/ts', timeseries: 'timeseries.parquet', startTime: '2026-02-02T00:00:00.5' })));
    copyFileSync(path.join(OWN_FIXTURES, 'timeseries_12rows.parquet'), path.join(dir, 'timeseries.parquet'));
    const outcome = await importResultFile(t.core.context.db, file);
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    const tl = value(await t.call('results.timeline', { resultId: outcome.resultId }));
    expect(tl.source).toBe('llem');
    expect(tl.unit).toBe('W');
    expect(tl.totalSamples).toBe(12);
    // make_timeseries_parquet.py: power = 60 + 15.5·i, bucket 3 empty, one bucket per second.
    expect(tl.t).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(tl.v[0]).toBeCloseTo(60, 4);
    expect(tl.v[3]).toBeNull();
    expect(tl.v[11]).toBeCloseTo(60 + 15.5 * 11, 4);
  });

  it("prefers the app's own samples of a measured run", async () => {
    const db = t.core.context.db;
    db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('camp', 'c', '{}', 'x', 'x');
             INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'camp', 0, '{}', 'h', 's');
             INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (1, 'camp', 1, 0, 1);`);
    const dir = path.join(files.dir, 'measured');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'result.json');
    writeFileSync(file, JSON.stringify(makeResult({ model: 'org/measured', startTime: '2026-03-03T00:00:00.5' })));
    const outcome = await importResultFile(db, file, { runId: 1 });
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    const insert = db.prepare('INSERT INTO telemetry_samples (run_id, gpu_index, t_ms, power_w) VALUES (1, 0, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run(1_767_261_600_000 + i * 100, 100 + i);
    })();
    const tl = value(await t.call('results.timeline', { resultId: outcome.resultId, width: 200 }));
    expect(tl).toMatchObject({ source: 'app', method: 'raw', totalSamples: 100 });
    expect(tl.t[0]).toBe(0);
    expect(tl.t[99]).toBeCloseTo(9.9, 9);
    expect(tl.v[0]).toBe(100);
    expect(tl.v[99]).toBe(199);
    const list = value(await t.call('results.list', { campaignId: 'camp' }));
    expect(list.rows.map((r) => r.source)).toEqual(['measured']);
  });
});
