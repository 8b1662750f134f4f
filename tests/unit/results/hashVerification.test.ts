import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results/importLlemResult';
import type { Db } from '../../../core/store/database';
import { openTempDb, sharedFixture, tempDir } from './helpers';

const fixture = sharedFixture('llem/gpt2_pytorch_v2.0.json');

function row(db: Db, id: number): { hash_verified: number | null; recomputed_config_hash: string | null; identity_hash: string | null } {
  return db.prepare('SELECT hash_verified, recomputed_config_hash, identity_hash FROM results WHERE id = ?').get(id) as never;
}

describe.skipIf(fixture.skip)('measurement_config_hash re-verification (llem contract §3)', () => {
  let db: Db;
  let cleanupDb: () => void;
  let dir: string;
  let cleanupDir: () => void;
  let text: string;
  beforeEach(() => {
    ({ db, cleanup: cleanupDb } = openTempDb());
    ({ dir, cleanup: cleanupDir } = tempDir());
    text = readFileSync(fixture.path, 'utf8');
  });
  afterEach(() => {
    cleanupDb();
    cleanupDir();
  });

  async function importVariant(name: string, edit: (t: string) => string) {
    const file = path.join(dir, name, 'result.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, edit(text));
    const outcome = await importResultFile(db, file);
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    return outcome;
  }

  it('re-canonicalises the real effective_config to 9944baab4dabe390', async () => {
    const outcome = await importResultFile(db, fixture.path);
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    expect(outcome.hashVerified).toBe(true);
    expect(row(db, outcome.resultId)).toMatchObject({ hash_verified: 1, recomputed_config_hash: '9944baab4dabe390' });
  });

  it('flags a tampered effective_config as a mismatch and still stores the result', async () => {
    const outcome = await importVariant('tampered', (t) => t.replace('"n": 5,', '"n": 6,'));
    expect(outcome.hashVerified).toBe(false);
    expect(outcome.notes.join(' ')).toContain('mismatch');
    const r = row(db, outcome.resultId);
    expect(r.hash_verified).toBe(0);
    expect(r.recomputed_config_hash).not.toBe('9944baab4dabe390');
  });

  it('tells a float 1.0 from an int 1 (lossless): writing temperature as 1 changes the hash', async () => {
    const outcome = await importVariant('int-temperature', (t) => t.replace('"temperature": 1.0', '"temperature": 1'));
    expect(outcome.hashVerified).toBe(false);
  });

  it('strips the Docker runner_* keys llem adds after hashing', async () => {
    const outcome = await importVariant('docker', (t) =>
      t.replace('"model": "gpt2",', '"model": "gpt2", "runner_type": "docker", "runner_image": "img:1", "runner_source": "auto",'),
    );
    expect(outcome.hashVerified).toBe(true);
  });

  it('gives cycles that differ only in --output the same identity hash', async () => {
    const a = await importResultFile(db, fixture.path);
    const b = await importVariant('other-output', (t) =>
      t
        .replace('test_run_experiment_gpt2_pytor0', 'somewhere_else')
        .replace('"start_time": "2026-03-13T14:21:11.145237"', '"start_time": "2026-03-13T15:00:00.000001"'),
    );
    if (a.outcome !== 'added') throw new Error(JSON.stringify(a));
    const ra = row(db, a.resultId);
    const rb = row(db, b.resultId);
    expect(b.hashVerified).toBe(false); // llem's hash includes output_dir; the file still says 9944…
    expect(ra.identity_hash).not.toBeNull();
    expect(rb.identity_hash).toBe(ra.identity_hash);
    expect(ra.identity_hash).not.toBe('9944baab4dabe390');
  });
});
