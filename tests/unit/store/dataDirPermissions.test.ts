import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, openDatabase } from '../../../core/store/database';

/** Issue #15, finding 10: under the usual umask 022 the data folder was 0755 and the database 0644. */
const root = mkdtempSync(path.join(os.tmpdir(), 'llem-perms-'));
let savedUmask = 0;
beforeEach(() => {
  savedUmask = process.umask(0o022);
});
afterEach(() => void process.umask(savedUmask));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  it('creates the folder 0700 and the database, its WAL and shared-memory files 0600', () => {
    const dataDir = path.join(root, 'fresh', 'llem Studio');
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);'); // makes SQLite write its WAL
    const file = path.join(dataDir, DATABASE_FILE_NAME);
    expect(mode(dataDir).toString(8)).toBe('700');
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(`${file}-wal`).toString(8)).toBe('600');
    expect(mode(`${file}-shm`).toString(8)).toBe('600');
    opened.value.close();
  });

  it('tightens an existing database left 0644 by an older version, and leaves an existing folder as the user set it', () => {
    const dataDir = path.join(root, 'existing');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o750);
    const first = openDatabase(dataDir);
    if (!first.ok) throw new Error(first.error.message);
    first.value.close();
    const file = path.join(dataDir, DATABASE_FILE_NAME);
    chmodSync(file, 0o644);
    writeFileSync(`${file}-x`, ''); // unrelated files are not touched
    const again = openDatabase(dataDir);
    if (!again.ok) throw new Error(again.error.message);
    again.value.close();
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(dataDir).toString(8)).toBe('750');
    expect(mode(`${file}-x`).toString(8)).toBe('644');
  });
});
