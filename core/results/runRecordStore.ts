import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import type { RunRecord } from './aggregate';
import { PLACEMENT_SQL } from './placement';
import { ensureQualityChecks, readQuality } from './quality/qualityStore';

export interface RunRecordFilter {
  campaignId?: string;
  /** Restrict to these group keys (identity hashes). */
  groupKeys?: readonly string[];
}

/** Loads the per-cycle records for aggregation in one query. */
export function loadRunRecords(db: Db, filter: RunRecordFilter = {}): Result<RunRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.campaignId !== undefined) {
    where.push('ru.campaign_id = ?');
    params.push(filter.campaignId);
  }
  if (filter.groupKeys && filter.groupKeys.length > 0) {
    where.push(`COALESCE(r.identity_hash, r.measurement_config_hash) IN (${filter.groupKeys.map(() => '?').join(', ')})`);
    params.push(...filter.groupKeys);
  }
  const checked = ensureQualityChecks(db);
  if (!checked.ok) return checked;
  try {
    // Raw arrays + one grouped warnings query: building row objects in better-sqlite3 costs far more
    // than the query itself at 10k rows.
    const rows = db
      .prepare(
        `SELECT r.id, r.run_id, ru.campaign_id, COALESCE(r.identity_hash, r.measurement_config_hash),
                r.source, r.model, r.backend, r.precision, r.batch_size, r.gpu_name, r.hash_verified,
                r.throttle_detected, r.throttle_thermal, r.throttle_power,
                r.total_energy_j, r.energy_adjusted_j, r.avg_energy_per_token_j, r.output_tokens, r.total_tokens,
                r.n_prompts, r.total_inference_time_sec, r.avg_tokens_per_second, r.duration_sec, r.e2e_latency_mean_ms,
                r.max_output_tokens, ${PLACEMENT_SQL.host}, ${PLACEMENT_SQL.gpuUuid}
         FROM results r LEFT JOIN runs ru ON ru.id = r.run_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.id`,
      )
      .raw()
      .all(...params) as unknown[][];
    const codes = new Map(
      db.prepare('SELECT result_id, group_concat(code) FROM result_warnings GROUP BY result_id').raw().all() as [number, string][],
    );
    const quality = readQuality(db, rows.length > 500 ? undefined : rows.map((r) => r[0] as number));
    const out: RunRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const c = rows[i] as [
        number, number | null, string | null, string, 'measured' | 'imported', string, string, string | null, number | null,
        string | null, number | null, number | null, number | null, number | null, number | null, number | null, number | null,
        number | null, number, number | null, number | null, number | null, number | null, number | null, number | null,
        string | null, string | null,
      ];
      out[i] = {
        result_id: c[0], run_id: c[1], campaign_id: c[2], group_key: c[3], source: c[4], model: c[5], backend: c[6],
        precision: c[7], batch_size: c[8], gpu_name: c[9], hash_verified: c[10], throttle_detected: c[11],
        throttle_thermal: c[12], throttle_power: c[13], total_energy_j: c[14], energy_adjusted_j: c[15],
        avg_energy_per_token_j: c[16], output_tokens: c[17], total_tokens: c[18], n_prompts: c[19],
        total_inference_time_sec: c[20], avg_tokens_per_second: c[21], duration_sec: c[22], e2e_latency_mean_ms: c[23],
        max_output_tokens: c[24], warning_codes: codes.get(c[0]) ?? null, quality: quality.get(c[0]) ?? null,
        host: c[25], gpu_uuid: c[26],
      };
    }
    return ok(out);
  } catch (e) {
    return err('db_error', `Could not load results for aggregation: ${(e as Error).message}`);
  }
}
