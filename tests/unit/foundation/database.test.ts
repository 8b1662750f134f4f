import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion, sqliteVersion } from '../../../core/store/database';
import { migrations } from '../../../core/store/migrations/index';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file with WAL, foreign keys and every migration applied', () => {
    const opened = openDatabase(tempDir());
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const db = opened.value;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const newest = Math.max(...migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(newest);
    const recorded = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(recorded).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b));
    expect(sqliteVersion(db)).toMatch(/^3\.\d+\.\d+$/);
    db.close();
  });

  it('enforces foreign keys (a run must belong to an existing campaign)', () => {
    const opened = openDatabase(tempDir());
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    expect(() =>
      db.prepare("INSERT INTO runs (campaign_id, experiment_id, run_index, cycle) VALUES ('nope', 1, 0, 1)").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('is idempotent: reopening applies nothing and keeps the data', () => {
    const dir = tempDir();
    const first = openDatabase(dir);
    if (!first.ok) throw new Error(first.error.message);
    first.value
      .prepare("INSERT INTO app_settings (key, value_json, updated_at) VALUES ('theme', '\"dark\"', '2026-01-01')")
      .run();
    first.value.close();
    const second = openDatabase(dir);
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.prepare('SELECT value_json FROM app_settings WHERE key = ?').pluck().get('theme')).toBe('"dark"');
    second.value.close();
  });

  it('refuses a database from a newer llem Studio without touching it', () => {
    const dir = tempDir();
    const first = openDatabase(dir);
    if (!first.ok) throw new Error(first.error.message);
    first.value.prepare("INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01')").run();
    first.value.close();
    const second = openDatabase(dir);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe('db_too_new');
      expect(second.error.message).toContain('9999');
    }
  });

  it('rolls back a failing migration entirely and names it', () => {
    const opened = openDatabase(tempDir(), { migrations: [] });
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    const result = migrate(db, [{ version: 1, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/Migration 1 \(broken\) failed/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('reports an unusable data directory as an error, not a crash', () => {
    // A path below a regular file can never be created (ENOTDIR).
    const file = path.join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const result = openDatabase(path.join(file, 'data'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('db_error');
  });
});
