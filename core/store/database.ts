import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { ensurePrivateDataDir, ensurePrivateFile } from '../dataDir';
import { migrations as allMigrations } from './migrations/index';
import type { Migration } from './migrations/types';

export type Db = Database.Database;

export const DATABASE_FILE_NAME = 'llem-studio.sqlite';

/**
 * Opens (creating if needed) the store in `dataDir` and brings it to the newest schema.
 * WAL lets the app, the CLI and serve mode read while one of them writes; foreign keys are on;
 * `busy_timeout` makes a second process wait for the writer instead of failing at once.
 */
export function openDatabase(
  dataDir: string,
  options: {
    migrations?: readonly Migration[];
    /**
     * Path of the better-sqlite3 native build to load instead of node_modules' one: the desktop app's core runs in
     * Electron, which needs the Electron build (main/sqliteBinding.ts). Undefined under Node.
     */
    nativeBinding?: string;
  } = {},
): Result<Db> {
  try {
    // Owner-only folder and database (SQLite copies the database's mode to its -wal and -shm files): issue #15.
    ensurePrivateDataDir(dataDir);
    const file = path.join(dataDir, DATABASE_FILE_NAME);
    ensurePrivateFile(file);
    for (const companion of ['-wal', '-shm']) if (existsSync(file + companion)) ensurePrivateFile(file + companion);
    const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const migrated = migrate(db, options.migrations ?? allMigrations);
    if (!migrated.ok) {
      db.close();
      return migrated;
    }
    return ok(db);
  } catch (e) {
    return err('db_error', `Could not open the database in ${dataDir}: ${(e as Error).message}`, { path: dataDir });
  }
}

/** Applies every migration newer than the database, each in its own transaction, in order. */
export function migrate(db: Db, migrations: readonly Migration[]): Result<{ applied: number[] }> {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const current = schemaVersion(db);
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > newest) {
    return err(
      'db_too_new',
      `The database is at schema version ${current}, newer than this llem Studio understands (${newest}). ` +
        'Update llem Studio; the data was left untouched.',
    );
  }
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      })();
      applied.push(migration.version);
    } catch (e) {
      return err('migration_failed', `Migration ${migration.version} (${migration.name}) failed: ${(e as Error).message}`);
    }
  }
  return ok({ applied });
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

export function sqliteVersion(db: Db): string {
  return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
}
