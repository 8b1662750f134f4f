import type { Statement } from 'better-sqlite3';
import { err, ok, type Result } from '../../contract/result';
import type { LlemTimeseriesRow } from '../results/llemTimeseries';
import { RESULT_COLUMN_NAMES, type ResultColumns } from '../results/resultColumns';
import type { Db } from './database';

/**
 * Writes and point reads of llem results. Every write is one transaction: a result, its warnings
 * and its timeseries land together or not at all. Statements are prepared once per connection.
 */

interface Statements {
  insertResult: Statement;
  insertWarning: Statement;
  insertSample: Statement;
  bySha: Statement;
  byNaturalKey: Statement;
  linkRun: Statement;
  logImport: Statement;
}

const cache = new WeakMap<Db, Statements>();

function statements(db: Db): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      insertResult: db.prepare(
        `INSERT INTO results (${RESULT_COLUMN_NAMES.join(', ')}) VALUES (${RESULT_COLUMN_NAMES.map((c) => `@${c}`).join(', ')})`,
      ),
      insertWarning: db.prepare('INSERT INTO result_warnings (result_id, ordinal, code, text) VALUES (?, ?, ?, ?)'),
      insertSample: db.prepare(
        `INSERT INTO llem_timeseries (result_id, gpu_index, timestamp_s, power_w, temperature_c, memory_used_mb,
           memory_total_mb, sm_utilisation_pct, throttle_reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      bySha: db.prepare('SELECT id, run_id FROM results WHERE file_sha256 = ?'),
      byNaturalKey: db.prepare(
        'SELECT id, run_id FROM results WHERE measurement_config_hash = ? AND start_time = ? AND experiment_id = ?',
      ),
      linkRun: db.prepare("UPDATE results SET run_id = ?, source = 'measured' WHERE id = ? AND run_id IS NULL"),
      logImport: db.prepare(
        `INSERT INTO import_log (at, path, sha256, kind, outcome, message, result_id, dataset_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    cache.set(db, s);
  }
  return s;
}

export interface StoredWarning {
  code: string;
  text: string;
}

/** Inserts a result with its warnings and timeseries in one transaction; returns the new id. */
export function insertResult(
  db: Db,
  row: ResultColumns,
  warnings: readonly StoredWarning[],
  timeseries: readonly LlemTimeseriesRow[],
): Result<{ id: number }> {
  const s = statements(db);
  try {
    const id = db.transaction(() => {
      const info = s.insertResult.run(row);
      const resultId = Number(info.lastInsertRowid);
      warnings.forEach((w, i) => s.insertWarning.run(resultId, i, w.code, w.text));
      for (const t of timeseries) {
        s.insertSample.run(
          resultId, t.gpu_index, t.timestamp_s, t.power_w, t.temperature_c, t.memory_used_mb, t.memory_total_mb,
          t.sm_utilisation_pct, t.throttle_reasons,
        );
      }
      return resultId;
    })();
    return ok({ id });
  } catch (e) {
    return err('db_error', `Could not store the result ${row.experiment_id}: ${(e as Error).message}`, {
      ...(row.source_path ? { path: row.source_path } : {}),
    });
  }
}

export interface ExistingResult {
  id: number;
  run_id: number | null;
  /** Which key matched: identical bytes, or the §6.5 natural key of a re-saved copy. */
  matchedBy: 'sha256' | 'natural_key';
}

export function findExistingResult(
  db: Db,
  sha256: string,
  key: { measurement_config_hash: string; start_time: string; experiment_id: string },
): ExistingResult | null {
  const s = statements(db);
  const bySha = s.bySha.get(sha256) as { id: number; run_id: number | null } | undefined;
  if (bySha) return { ...bySha, matchedBy: 'sha256' };
  const byKey = s.byNaturalKey.get(key.measurement_config_hash, key.start_time, key.experiment_id) as
    | { id: number; run_id: number | null }
    | undefined;
  return byKey ? { ...byKey, matchedBy: 'natural_key' } : null;
}

/** A hand-imported result later reported by the runner for its run becomes that run's measurement. */
export function linkResultToRun(db: Db, resultId: number, runId: number): Result<{ linked: boolean }> {
  try {
    const info = statements(db).linkRun.run(runId, resultId);
    return ok({ linked: info.changes === 1 });
  } catch (e) {
    return err('db_error', `Could not link result ${resultId} to run ${runId}: ${(e as Error).message}`);
  }
}

export interface ImportLogEntry {
  path: string;
  sha256: string | null;
  kind: string | null;
  outcome: 'added' | 'duplicate' | 'rejected';
  message: string | null;
  resultId?: number | null;
  datasetId?: number | null;
}

export function logImport(db: Db, e: ImportLogEntry): void {
  statements(db).logImport.run(
    new Date().toISOString(), e.path, e.sha256, e.kind, e.outcome, e.message, e.resultId ?? null, e.datasetId ?? null,
  );
}

export interface ResultDetail {
  columns: ResultColumns & { id: number };
  warnings: StoredWarning[];
}

export function getResult(db: Db, id: number): Result<ResultDetail> {
  try {
    const columns = db.prepare('SELECT * FROM results WHERE id = ?').get(id) as (ResultColumns & { id: number }) | undefined;
    if (!columns) return err('not_found', `No result with id ${id}`);
    const warnings = db
      .prepare('SELECT code, text FROM result_warnings WHERE result_id = ? ORDER BY ordinal')
      .all(id) as StoredWarning[];
    return ok({ columns, warnings });
  } catch (e) {
    return err('db_error', `Could not read result ${id}: ${(e as Error).message}`);
  }
}

export function deleteResult(db: Db, id: number): Result<{ deleted: boolean }> {
  try {
    const info = db.prepare('DELETE FROM results WHERE id = ?').run(id);
    return ok({ deleted: info.changes === 1 });
  } catch (e) {
    return err('db_error', `Could not delete result ${id}: ${(e as Error).message}`);
  }
}
