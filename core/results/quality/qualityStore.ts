import { err, ok, type Result } from '../../../contract/result';
import type { Db } from '../../store/database';
import { readAppEnergyOfResult } from './appEnergyStore';
import { checkQuality, QUALITY_CHECKS_VERSION, type QualityCheck, type QualityGrade, type QualityInputs, type QualityReport, type QualitySample } from './qualityChecks';

/**
 * Stores and reads the quality checks of results (table `result_quality`, migration 007). Checks are computed
 * at import (`storeQualityChecks` right after the row is inserted) and, for results stored before, or checked by
 * an older version of the checks, lazily by `ensureQualityChecks` before results are read.
 */

const INPUT_COLUMNS = [
  'output_tokens', 'n_prompts', 'max_output_tokens', 'total_energy_j', 'energy_adjusted_j', 'duration_sec', 'baseline_power_w',
  'baseline_method', 'power_limit_w', 'num_gpus', 'max_temperature_c', 'throttle_thermal',
] as const satisfies readonly (keyof QualityInputs)[];

/** Computes one result's checks from its stored row, llem timeseries and, for a run the app made, its `run_energy`. */
export function computeQuality(db: Db, resultId: number): QualityReport | null {
  const row = db.prepare(`SELECT ${INPUT_COLUMNS.join(', ')} FROM results WHERE id = ?`).get(resultId) as QualityInputs | undefined;
  if (!row) return null;
  const samples = db
    .prepare('SELECT gpu_index, timestamp_s, power_w, temperature_c FROM llem_timeseries WHERE result_id = ? ORDER BY gpu_index, timestamp_s')
    .all(resultId) as QualitySample[];
  return checkQuality(row, samples, readAppEnergyOfResult(db, resultId));
}

/** Computes and stores (replacing) one result's checks. */
export function storeQualityChecks(db: Db, resultId: number): Result<QualityReport> {
  try {
    const report = computeQuality(db, resultId);
    if (!report) return err('not_found', `No result with id ${resultId}`);
    db.prepare(
      `INSERT INTO result_quality (result_id, checks_version, computed_at, grade, output_tokens_bounded, checks_json)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(result_id) DO UPDATE SET checks_version = excluded.checks_version, computed_at = excluded.computed_at,
         grade = excluded.grade, output_tokens_bounded = excluded.output_tokens_bounded, checks_json = excluded.checks_json`,
    ).run(resultId, QUALITY_CHECKS_VERSION, new Date().toISOString(), report.grade, report.outputTokensBounded, JSON.stringify(report.checks));
    return ok(report);
  } catch (e) {
    return err('db_error', `Could not store the quality checks of result ${resultId}: ${(e as Error).message}`);
  }
}

/**
 * Re-checks the result of a run the app made once the runner has stored its own energy (`run_energy` is written
 * after the result was imported, when the attempt finishes). No result for the run: nothing to do.
 */
export function storeQualityChecksOfRun(db: Db, runId: number): Result<QualityReport | null> {
  try {
    const id = db.prepare('SELECT id FROM results WHERE run_id = ?').pluck().get(runId) as number | undefined;
    return id === undefined ? ok(null) : storeQualityChecks(db, id);
  } catch (e) {
    return err('db_error', `Could not check the quality of the result of run ${runId}: ${(e as Error).message}`);
  }
}

/** Checks every result that has none yet, or only an older version's; returns how many were (re)checked. */
export function ensureQualityChecks(db: Db): Result<{ checked: number }> {
  try {
    const ids = db
      .prepare('SELECT r.id FROM results r LEFT JOIN result_quality q ON q.result_id = r.id WHERE q.result_id IS NULL OR q.checks_version < ?')
      .pluck()
      .all(QUALITY_CHECKS_VERSION) as number[];
    if (ids.length === 0) return ok({ checked: 0 });
    // One transaction: a backfill of thousands of results is one write, and a reader never sees half of it.
    const failed = db.transaction(() => {
      for (const id of ids) {
        const stored = storeQualityChecks(db, id);
        if (!stored.ok) return stored;
      }
      return null;
    })();
    return failed ?? ok({ checked: ids.length });
  } catch (e) {
    return err('db_error', `Could not check the quality of stored results: ${(e as Error).message}`);
  }
}

export interface StoredQuality {
  grade: QualityGrade;
  outputTokensBounded: number | null;
  checks: QualityCheck[];
}

/** The stored checks of these results (after `ensureQualityChecks`). */
export function readQuality(db: Db, resultIds?: readonly number[]): Map<number, StoredQuality> {
  const rows = (
    resultIds === undefined
      ? db.prepare('SELECT result_id, grade, output_tokens_bounded, checks_json FROM result_quality').all()
      : resultIds.length === 0
        ? []
        : db
            .prepare(`SELECT result_id, grade, output_tokens_bounded, checks_json FROM result_quality WHERE result_id IN (${resultIds.map(() => '?').join(', ')})`)
            .all(...resultIds)
  ) as { result_id: number; grade: QualityGrade; output_tokens_bounded: number | null; checks_json: string }[];
  return new Map(rows.map((r) => [r.result_id, { grade: r.grade, outputTokensBounded: r.output_tokens_bounded, checks: JSON.parse(r.checks_json) as QualityCheck[] }]));
}

/** The words to print next to a figure of these checks: every failed or warned check's caveat. */
export function caveatsOf(checks: readonly QualityCheck[]): string[] {
  const order = { fail: 0, warn: 1, pass: 2, not_checked: 3 } as const;
  return [...checks].filter((c) => (c.status === 'fail' || c.status === 'warn') && c.caveat).sort((a, b) => order[a.status] - order[b.status]).map((c) => c.caveat!);
}
