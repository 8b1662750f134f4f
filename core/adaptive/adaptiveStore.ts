import type { RunPlanItem } from '../runner/plan';
import type { Db } from '../store/database';

/**
 * The adaptive campaign's SQL: its runs with the chosen metrics (each an SQL expression over the results row,
 * from METRICS in metrics.ts), and adding one run at a time as the optimizer chooses them.
 */

/** Each run of the campaign in run order, its config key, status, failure and the wanted expressions as `m0`, `m1`, …. */
export function readTrialRows(db: Db, campaignId: string, metricSql: readonly string[]): Record<string, unknown>[] {
  const cols = metricSql.map((sql, i) => `${sql} AS m${i}`).join(', ');
  return db
    .prepare(
      `SELECT r.run_index AS runIndex, e.measurement_config_hash AS key, r.status AS status, r.failure_reason AS failure, ${cols}
       FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN results res ON res.run_id = r.id
       WHERE r.campaign_id = ? ORDER BY r.run_index`,
    )
    .all(campaignId) as Record<string, unknown>[];
}

/** Adds one run to a stored campaign (the runner refuses plans that differ from what is stored, so it goes first). */
export function appendRun(db: Db, campaignId: string, item: RunPlanItem): void {
  db.transaction(() => {
    const found = db.prepare('SELECT id FROM experiments WHERE campaign_id = ? AND ordinal = ?').get(campaignId, item.configIndex) as { id: number } | undefined;
    const experimentId = found
      ? found.id
      : Number(
          db
            .prepare('INSERT INTO experiments (campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (?, ?, ?, ?, ?)')
            .run(campaignId, item.configIndex, item.configJson, item.measurementConfigHash, item.summary).lastInsertRowid,
        );
    db.prepare(`INSERT INTO runs (campaign_id, experiment_id, run_index, cycle, status, attempt) VALUES (?, ?, ?, ?, 'queued', 0)`).run(
      campaignId,
      experimentId,
      item.index,
      item.cycle,
    );
  }).immediate();
}
