import type { z } from 'zod';
import type { Db } from '../store/database';

/**
 * Small key → JSON values in the store's `app_settings` table (migration 001). Reads are validated with the
 * caller's schema: a value written by another version, or edited by hand, reads as "absent" instead of
 * crashing whoever asked.
 */
export function readSetting<T>(db: Db, key: string, schema: z.ZodType<T>): T | null {
  const row = db.prepare('SELECT value_json FROM app_settings WHERE key = ?').get(key) as { value_json: string } | undefined;
  if (!row) return null;
  let value: unknown;
  try {
    value = JSON.parse(row.value_json);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function writeSetting(db: Db, key: string, value: unknown, now: Date = new Date()): void {
  db.prepare(
    `INSERT INTO app_settings (key, value_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
  ).run(key, JSON.stringify(value), now.toISOString());
}

export function deleteSetting(db: Db, key: string): void {
  db.prepare('DELETE FROM app_settings WHERE key = ?').run(key);
}
