import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { openDatabase, type Db } from '../../../core/store/database';

/** A fresh data directory with a migrated database; `cleanup` closes and deletes it. */
export function openTempDb(): { db: Db; dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-results-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  const db = opened.value;
  return {
    db,
    dir,
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix = 'llem-results-files-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Locates real data under ../shared/fixtures. Absent (a fresh clone): the caller skips, with the
 * reason printed; under CI=true a failing test is registered instead, because CI must have it.
 */
export function sharedFixture(relPath: string): { path: string; skip: boolean } {
  const p = path.resolve(process.cwd(), '..', 'shared', 'fixtures', relPath);
  const present = existsSync(p);
  if (!present) {
    if (process.env.CI === 'true') {
      it(`shared fixture ${relPath} is present (required when CI=true)`, () => {
        throw new Error(`${p} is missing; CI must run with ../shared beside the repository`);
      });
    } else {
      console.warn(`Skipping tests that need ${p}: not found (a fresh clone has no ../shared fixtures).`);
    }
  }
  return { path: p, skip: !present };
}

export const OWN_FIXTURES = path.resolve(__dirname, 'fixtures');
