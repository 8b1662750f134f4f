import type { Db } from '../store/database';
import { FIGURE_SQL, type FigureInputs } from './figureDefinitions';

/** The reads of the results views (explain a figure, a result's timeline, swept parameters) over the `results` table. */

/** What "Explain this number" shows of one result: its figures' inputs, file, hashes, window and baseline. */
export interface ExplainRow extends FigureInputs {
  id: number;
  e2e_latency_mean_ms: number | null;
  source_path: string | null;
  file_sha256: string;
  experiment_id: string;
  measurement_config_hash: string;
  recomputed_config_hash: string | null;
  hash_verified: number | null;
  timeseries_file: string | null;
  timeseries_status: string;
  llem_version: string | null;
  start_time: string;
  end_time: string;
  baseline_power_w: number | null;
  baseline_method: string | null;
  baseline_cache_age_sec: number | null;
}

export function readExplainRow(db: Db, resultId: number): ExplainRow | undefined {
  return db
    .prepare(
      `SELECT id, total_energy_j, energy_adjusted_j, avg_energy_per_token_j, output_tokens, total_tokens, n_prompts, max_output_tokens,
              total_inference_time_sec, avg_tokens_per_second, duration_sec, e2e_latency_mean_ms, source_path, file_sha256, experiment_id,
              measurement_config_hash, recomputed_config_hash, hash_verified, timeseries_file, timeseries_status, llem_version,
              start_time, end_time, baseline_power_w, baseline_method, baseline_cache_age_sec
       FROM results WHERE id = ?`,
    )
    .get(resultId) as ExplainRow | undefined;
}

/** What a result's timeline needs: its run (app samples), llem's timeseries status, and the average power to compare with. */
export interface TimelineRow {
  run_id: number | null;
  timeseries_status: string;
  timeseries_note: string | null;
  avg_power_w: number | null;
  num_gpus: number | null;
  duration_sec: number | null;
}

export function readTimelineRow(db: Db, resultId: number): TimelineRow | undefined {
  return db
    .prepare(`SELECT r.run_id, r.timeseries_status, r.timeseries_note, ${FIGURE_SQL.avgPowerW} AS avg_power_w, r.num_gpus, r.duration_sec FROM results r WHERE r.id = ?`)
    .get(resultId) as TimelineRow | undefined;
}

/** Reads effective_config of one result per config, in chunks (SQLite's parameter limit). */
export function loadEffectiveConfigs(db: Db, resultIds: readonly number[]): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const statementFor = (n: number) =>
    db.prepare(`SELECT id, effective_config_json FROM results WHERE id IN (${new Array(n).fill('?').join(', ')})`).raw();
  for (let i = 0; i < resultIds.length; i += 500) {
    const chunk = resultIds.slice(i, i + 500);
    for (const [id, text] of statementFor(chunk.length).all(...chunk) as [number, string | null][]) {
      try {
        out.set(id, text === null ? null : (JSON.parse(text) as unknown));
      } catch {
        // A config that cannot be read contributes no parameters (it is still listed and aggregated).
        out.set(id, null);
      }
    }
  }
  return out;
}

/** llem's 1 Hz timeseries of a result: [timestamp_s, value of `metric`] in time order (`metric`: a fixed column name, checked by the caller). */
export function readLlemTimeseriesPairs(db: Db, q: { resultId: number; gpuIndex: number; metric: string; fromS: number; toS: number }): [number, number | null][] {
  return db
    .prepare(
      `SELECT timestamp_s, ${q.metric} FROM llem_timeseries WHERE result_id = ? AND gpu_index = ?
         AND timestamp_s >= ? AND timestamp_s <= ? ORDER BY timestamp_s, rowid`,
    )
    .raw()
    .all(q.resultId, q.gpuIndex, q.fromS, q.toS) as [number, number | null][];
}
