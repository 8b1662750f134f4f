import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPaths } from '../../../core/results/importPaths';
import { listResults } from '../../../core/results/resultListStore';
import type { Db } from '../../../core/store/database';
import { listReferenceDatasets } from '../../../core/store/referenceStore';
import { openTempDb, sharedFixture, tempDir } from './helpers';
import { makeResult } from './makeResult';

let db: Db;
let dir: string;
let cleanups: (() => void)[] = [];
beforeEach(() => {
  const t = openTempDb();
  const d = tempDir('llem-mlenergy-');
  db = t.db;
  dir = d.dir;
  cleanups = [t.cleanup, d.cleanup];
});
afterEach(() => cleanups.forEach((c) => c()));

const v3 = sharedFixture('mlenergy/leaderboard-v3');
const v2 = sharedFixture('mlenergy/leaderboard-v2');

describe.skipIf(v3.skip)('ML.ENERGY leaderboard v3 (real files)', () => {
  it('imports every LLM configuration of every task as labelled reference rows, figures unchanged', async () => {
    const report = await importPaths(db, [path.join(v3.path, 'index.json')], { hashFn: null });
    expect(report.rejected).toEqual([]);
    const index = JSON.parse(readFileSync(path.join(v3.path, 'index.json'), 'utf8'));
    const llmTasks: string[] = index.architectures.llm;
    let expectedRows = 0;
    for (const task of llmTasks) {
      const file = JSON.parse(readFileSync(path.join(v3.path, 'tasks', `${task}.json`), 'utf8'));
      expectedRows += file.configurations.length;
      const stored = db.prepare('SELECT * FROM reference_rows WHERE task = ? ORDER BY id').all(task) as Record<string, unknown>[];
      expect(stored).toHaveLength(file.configurations.length);
      file.configurations.forEach((c: Record<string, unknown>, i: number) => {
        const s = stored[i]!;
        expect(s.model).toBe(c.model_id);
        expect(s.gpu_name).toBe(c.gpu_model);
        expect(s.energy_per_token_j).toBe(c.energy_per_token_joules);
        expect(s.energy_per_request_j).toBe(c.energy_per_request_joules);
        expect(s.avg_power_w).toBe(c.avg_power_watts);
        expect(s.output_tokens_per_second).toBe(c.output_throughput_tokens_per_sec);
        expect(s.p99_itl_ms).toBe(c.p99_itl_ms);
        expect(s.max_batch_size).toBe(c.max_num_seqs);
        expect(JSON.parse(s.raw_json as string)).toEqual(c);
      });
    }
    expect(report.added.filter((a) => a.kind === 'mlenergy_v3_task').map((a) => a.rows).reduce((a, b) => a! + b!, 0)).toBe(expectedRows);
    const datasets = listReferenceDatasets(db);
    expect(datasets.ok && datasets.value).toMatchObject([{ key: `mlenergy-v3@${index.last_updated}`, edition: 'v3', row_count: expectedRows }]);
  });

  it('keeps repeated measurements of one configuration (the data has some) as separate rows', async () => {
    await importPaths(db, [v3.path], { hashFn: null });
    const repeats = db.prepare("SELECT COUNT(*) AS n FROM reference_rows WHERE row_key LIKE '%#2'").get() as { n: number };
    expect(repeats.n).toBeGreaterThan(0);
  });

  it('is idempotent: a second import adds nothing', async () => {
    await importPaths(db, [v3.path], { hashFn: null });
    const before = db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get();
    const again = await importPaths(db, [v3.path], { hashFn: null });
    expect(again.added).toEqual([]);
    expect(again.duplicates.length).toBeGreaterThan(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get()).toEqual(before);
  });
});

describe.skipIf(v2.skip)('ML.ENERGY leaderboard v2 (real files)', () => {
  it('imports per-configuration files with task, GPU, parallelism and J/token = J/request ÷ output tokens', async () => {
    const file = path.join(v2.path, 'llm_text_generation', 'chat', 'A100-SXM4-40GB', 'google', 'gemma-2-27b-it');
    const report = await importPaths(db, [v2.path], { hashFn: null });
    expect(report.rejected).toEqual([]);
    expect(report.ignored.map((i) => path.basename(i.path))).toEqual(['models.json', 'models.json']);
    const total = db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get() as { n: number };
    expect(total.n).toBe(report.added.length);
    const raw = JSON.parse(readFileSync(path.join(file, 'bs128+tp4+pp1.json'), 'utf8'));
    const row = db
      .prepare("SELECT * FROM reference_rows WHERE model = ? AND gpu_name = ? AND max_batch_size = 128 AND tensor_parallel = 4 AND task = 'chat'")
      .get(raw.Model, raw.GPU) as Record<string, number | string>;
    expect(row.energy_per_request_j).toBe(raw['Energy/req (J)']);
    expect(row.energy_per_token_j).toBe(raw['Energy/req (J)'] / raw['Avg Output Tokens']);
    expect(row.avg_tpot_ms).toBeCloseTo(raw['Avg TPOT (s)'] * 1000, 12);
    expect(row.output_tokens_per_second).toBe(raw['Token tput (tok/s)']);
    expect(row.num_gpus).toBe(raw.TP * raw.PP);
    expect(row.model_nickname).toBe('Gemma 2 27B'); // from the task's models.json
  });
});

describe('reference rows are labelled, never mixed in unlabelled', () => {
  function writeTask(root: string, task: string, configurations: unknown[]): void {
    mkdirSync(path.join(root, 'tasks'), { recursive: true });
    writeFileSync(path.join(root, 'tasks', `${task}.json`), JSON.stringify({ task, task_display_name: task, configurations }));
  }
  const config = (over: Record<string, unknown> = {}) => ({
    model_id: 'org/m', gpu_model: 'H100', num_gpus: 1, tensor_parallel: 1, expert_parallel: 1, data_parallel: 1, max_num_seqs: 8,
    energy_per_token_joules: 0.5, energy_per_request_joules: 100, avg_output_len: 200, avg_power_watts: 300,
    output_throughput_tokens_per_sec: 600, median_itl_ms: 10, p90_itl_ms: 12, p95_itl_ms: 13, p99_itl_ms: 20, nickname: 'M', ...over,
  });

  it('lists own results by default and reference rows only when asked, with source and dataset label', async () => {
    const root = path.join(dir, 'v3');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'index.json'), JSON.stringify({ last_updated: '2030-01-01', tasks: ['chat', 'image'], architectures: { llm: ['chat'], diffusion: ['image'] }, models: {} }));
    writeTask(root, 'chat', [config(), config({ max_num_seqs: 16, energy_per_token_joules: 0.4 })]);
    writeTask(root, 'image', [{ model_id: 'img', gpu_model: 'H100' }]);
    const ownFile = path.join(dir, 'own', 'result.json');
    mkdirSync(path.dirname(ownFile), { recursive: true });
    writeFileSync(ownFile, JSON.stringify(makeResult()));
    const report = await importPaths(db, [dir], { hashFn: null });
    expect(report.ignored.map((i) => i.reason)).toContain('ML.ENERGY task "image" is not an LLM task');

    const own = listResults(db, {});
    expect(own.ok && own.value.rows.map((r) => r.source)).toEqual(['imported']);
    const all = listResults(db, { sources: ['imported', 'reference'], sortBy: 'avg_energy_per_token_j', sortDir: 'asc' });
    if (!all.ok) throw new Error(all.error.message);
    expect(all.value.total).toBe(3);
    const refs = all.value.rows.filter((r) => r.source === 'reference');
    expect(refs).toHaveLength(2);
    for (const r of refs) {
      expect(r.reference_dataset).toBe('ML.ENERGY Leaderboard v3 (data of 2030-01-01)');
      expect(r.hash_verified).toBeNull();
      expect(r.avg_tokens_per_second).toBeNull(); // published figure is output tokens/s, kept apart
      expect(r.output_tokens_per_second).toBe(600);
    }
    expect(all.value.rows.map((r) => r.avg_energy_per_token_j)).toEqual([0.4, 0.5, expect.any(Number)]);
  });

  it('a newer copy of a task file replaces that task rows instead of piling up', async () => {
    const root = path.join(dir, 'v3');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'index.json'), JSON.stringify({ last_updated: '2030-01-01', tasks: ['chat'], models: {} }));
    writeTask(root, 'chat', [config(), config({ max_num_seqs: 16 })]);
    await importPaths(db, [root], { hashFn: null });
    writeTask(root, 'chat', [config({ energy_per_token_joules: 0.45 })]);
    const second = await importPaths(db, [root], { hashFn: null });
    expect(second.added.map((a) => a.kind)).toEqual(['mlenergy_v3_task']);
    expect(db.prepare('SELECT energy_per_token_j FROM reference_rows').all()).toEqual([{ energy_per_token_j: 0.45 }]);
  });

  it('invalid reference files are rejected with the field path and store nothing', async () => {
    const root = path.join(dir, 'v3');
    writeTask(root, 'chat', [config(), config({ model_id: 42 })]);
    const report = await importPaths(db, [path.join(root, 'tasks', 'chat.json')], { hashFn: null });
    expect(report.rejected[0]?.reason).toMatch(/configurations\[1\]\.model_id: .*expected string/);
    expect(db.prepare('SELECT COUNT(*) AS n FROM reference_rows').get()).toEqual({ n: 0 });
  });
});
