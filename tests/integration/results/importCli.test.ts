import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runImportCommand } from '../../../core/cli/import';
import { runResultsCommand } from '../../../core/cli/results';
import { importResultFile } from '../../../core/results/importLlemResult';
import { DATABASE_FILE_NAME, openDatabase } from '../../../core/store/database';
import { OWN_FIXTURES, sharedFixture, tempDir } from '../../unit/results/helpers';
import { makeResult } from '../../unit/results/makeResult';

let root: string;
let dataDir: string;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir('llem-cli-');
  root = path.join(t.dir, 'files');
  dataDir = path.join(t.dir, 'data');
  cleanup = t.cleanup;
});
afterEach(() => cleanup());

function put(rel: string, content: unknown): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** A llem study tree (§5.1–5.4): manifest + one folder per successful run, plus litter. */
function studyTree(): { bad: string } {
  const study = 'results/sweep_2026-03-13T14-19-00';
  put(`${study}/manifest.json`, { schema_version: '2.0', study_name: 'sweep', study_design_hash: '758113c464908240', experiments: [] });
  put(`${study}/gpt2_pytorch_2026-03-13T14-21/result.json`, makeResult({ model: 'gpt2', startTime: '2026-03-13T14:21:11.000001' }));
  put(`${study}/gpt2_pytorch_2026-03-13T14-21_1/result.json`, makeResult({ model: 'gpt2', startTime: '2026-03-13T14:22:11.000001' }));
  const ts = put(`${study}/deep/er/org-m_vllm_2026-03-13T15-00/result.json`, makeResult({ model: 'org/m', backend: 'vllm', timeseries: 'timeseries.parquet', startTime: '2026-03-13T15:00:00' }));
  copyFileSync(path.join(OWN_FIXTURES, 'timeseries_12rows.parquet'), path.join(path.dirname(ts), 'timeseries.parquet'));
  put(`${study}/notes.txt`, 'hello');
  put(`${study}/other.json`, { unrelated: true });
  const bad = put(`${study}/broken_run/result.json`, JSON.stringify(makeResult()).slice(0, 300));
  return { bad };
}

const ResultsJsonRow = z.object({
  experiment_id: z.string().nullable(),
  measurement_config_hash: z.string().nullable(),
  source: z.enum(['measured', 'imported', 'reference']),
  model: z.string(),
  backend: z.string().nullable(),
  precision: z.string().nullable(),
  total_tokens: z.number().nullable(),
  total_energy_j: z.number().nullable(),
  energy_adjusted_j: z.number().nullable(),
  avg_energy_per_token_j: z.number().nullable(),
  avg_tokens_per_second: z.number().nullable(),
  gpu_name: z.string().nullable(),
  hash_verified: z.boolean().nullable(),
});

describe('llem-studio import / results', () => {
  it('imports a study tree: results added, junk ignored, the broken file rejected with its reason', async () => {
    const { bad } = studyTree();
    const out = await runImportCommand({ paths: [root], dataDir });
    expect(out.exitCode).toBe(1);
    expect(out.stdout.match(/^added /gm)).toHaveLength(3);
    expect(out.stdout).toContain(`rejected   ${bad}`);
    expect(out.stdout).toMatch(/ends early|not valid JSON/);
    expect(out.stdout).toMatch(/3 added, 0 duplicates, 1 rejected, 2 other file\(s\) ignored/);
    expect(out.stderr).toMatch(/1 file\(s\) rejected/);

    const again = await runImportCommand({ paths: [root], dataDir });
    expect(again.stdout).toMatch(/0 added, 3 duplicates, 1 rejected/);

    const results = await runResultsCommand({ json: true, dataDir });
    expect(results.exitCode).toBe(0);
    const rows = z.array(ResultsJsonRow).parse(JSON.parse(results.stdout));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.source === 'imported')).toBe(true);
    expect(rows.map((r) => r.model).sort()).toEqual(['gpt2', 'gpt2', 'org/m']);

    const db = openDatabase(dataDir);
    if (!db.ok) throw new Error(db.error.message);
    expect(db.value.prepare('SELECT COUNT(*) AS n FROM llem_timeseries').get()).toEqual({ n: 12 });
    expect(db.value.prepare("SELECT outcome, COUNT(*) AS n FROM import_log GROUP BY outcome ORDER BY outcome").all()).toEqual([
      { outcome: 'added', n: 3 },
      { outcome: 'duplicate', n: 3 },
      { outcome: 'rejected', n: 2 },
    ]);
    db.value.close();
  });

  it('usage errors and unknown campaigns', async () => {
    expect(await runImportCommand({ paths: [], dataDir })).toMatchObject({ exitCode: 2 });
    const missing = await runImportCommand({ paths: [path.join(root, 'nope')], dataDir });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toMatch(/no such file or folder/);
    const explicitJunk = put('x.txt', 'hello');
    expect((await runImportCommand({ paths: [explicitJunk], dataDir })).stdout).toMatch(/not a JSON file/);
    const unknown = await runResultsCommand({ json: true, dataDir, campaign: 'nope' });
    expect(unknown).toMatchObject({ exitCode: 1, stdout: '[]\n' });
    expect(unknown.stderr).toMatch(/no campaign with id nope/);
  });

  it('the human table lists results, or says how to get some', async () => {
    expect((await runResultsCommand({ json: false, dataDir })).stdout).toMatch(/No results yet/);
    put('a/result.json', makeResult({ model: 'org/table-model' }));
    await runImportCommand({ paths: [root], dataDir });
    const table = await runResultsCommand({ json: false, dataDir });
    expect(table.stdout.split('\n')[0]).toMatch(/^source\s+model\s+backend/);
    expect(table.stdout).toContain('org/table-model');
  });
});

const fixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');
const mlenergy = sharedFixture('mlenergy/leaderboard-v3');
describe.skipIf(fixture.skip || mlenergy.skip)('with the real fixtures', () => {
  it('results --json shows the real result verified and ML.ENERGY rows labelled as reference', async () => {
    const out = await runImportCommand({ paths: [fixture.path, mlenergy.path], dataDir });
    expect(out.exitCode).toBe(0);
    const rows = z.array(ResultsJsonRow).parse(JSON.parse((await runResultsCommand({ json: true, dataDir })).stdout));
    const own = rows.filter((r) => r.source !== 'reference');
    expect(own).toEqual([
      expect.objectContaining({ source: 'imported', measurement_config_hash: '9944baab4dabe390', hash_verified: true, model: 'gpt2', total_tokens: 1920 }),
    ]);
    expect(rows.filter((r) => r.source === 'reference').length).toBeGreaterThan(500);
    const ownOnly = JSON.parse((await runResultsCommand({ json: true, dataDir, includeReference: false })).stdout);
    expect(ownOnly).toHaveLength(1);
  });
});

describe('crash safety', () => {
  it('a crash in the middle of an import leaves no trace of that result (WAL snapshot taken mid-transaction)', async () => {
    const file = put('r/result.json', makeResult({ timeseries: 'timeseries.parquet' }));
    copyFileSync(path.join(OWN_FIXTURES, 'timeseries_12rows.parquet'), path.join(root, 'r', 'timeseries.parquet'));
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    const crashCopy = path.join(root, 'crash-copy');
    mkdirSync(crashCopy);
    // When the 6th timeseries row is written (result row and warnings already inside the transaction),
    // copy the database files as they are on disk: exactly what a power cut or kill -9 would leave.
    // (The -shm index is not copied: after a crash it is rebuilt from the WAL.)
    let copied = 0;
    db.function('snapshot_now', () => {
      for (const f of readdirSync(dataDir)) {
        if (f === DATABASE_FILE_NAME || f === `${DATABASE_FILE_NAME}-wal`) {
          copyFileSync(path.join(dataDir, f), path.join(crashCopy, f));
          copied++;
        }
      }
      return 0;
    });
    db.exec("CREATE TEMP TRIGGER crash_point AFTER INSERT ON llem_timeseries WHEN NEW.timestamp_s = 5 BEGIN SELECT snapshot_now(); END;");
    db.pragma('cache_size = 1'); // force dirty pages of the open transaction out to the WAL file
    const outcome = await importResultFile(db, file, { hashFn: null });
    expect(outcome.outcome).toBe('added'); // the live process finishes normally…
    expect(copied).toBe(2);
    db.close();
    // The uncommitted result row had reached the disk (WAL) when the snapshot was taken…
    expect(readFileSync(path.join(crashCopy, `${DATABASE_FILE_NAME}-wal`)).includes('org/test-model_20260102_030405')).toBe(true);

    const recovered = new Database(path.join(crashCopy, DATABASE_FILE_NAME)); // …the crashed copy must hold none of it
    expect(recovered.prepare('SELECT COUNT(*) AS n FROM results').get()).toEqual({ n: 0 });
    expect(recovered.prepare('SELECT COUNT(*) AS n FROM llem_timeseries').get()).toEqual({ n: 0 });
    expect(recovered.pragma('integrity_check', { simple: true })).toBe('ok');
    recovered.close();
  });

  it('an error in the middle of the write rolls the whole result back', async () => {
    const file = put('r/result.json', makeResult({ timeseries: 'timeseries.parquet', warnings: ['a: b'] }));
    copyFileSync(path.join(OWN_FIXTURES, 'timeseries_12rows.parquet'), path.join(root, 'r', 'timeseries.parquet'));
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    db.exec("CREATE TEMP TRIGGER fail_midway AFTER INSERT ON llem_timeseries WHEN NEW.timestamp_s = 7 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    const outcome = await importResultFile(db, file, { hashFn: null });
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/disk on fire/) });
    for (const table of ['results', 'result_warnings', 'llem_timeseries']) {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    db.exec('DROP TRIGGER temp.fail_midway');
    expect((await importResultFile(db, file, { hashFn: null })).outcome).toBe('added'); // nothing blocks a retry
    db.close();
  });
});
