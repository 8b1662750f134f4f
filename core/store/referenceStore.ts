import { err, ok, type Result } from '../../contract/result';
import type { Db } from './database';

/**
 * Labelled reference datasets (published measurements such as the ML.ENERGY Leaderboard) and their
 * rows. Kept apart from `results` so they can never be mistaken for own measurements.
 */

export interface ReferenceDatasetInput {
  key: string;
  provider: string;
  edition: string;
  label: string;
  snapshot: string | null;
  sourceKind: 'file' | 'url';
  sourceLocation: string;
  licence: string | null;
  metadataJson: string | null;
}

export interface ReferenceRowInput {
  row_key: string;
  task: string;
  model: string;
  model_nickname: string | null;
  gpu_name: string;
  num_gpus: number | null;
  tensor_parallel: number | null;
  pipeline_parallel: number | null;
  expert_parallel: number | null;
  data_parallel: number | null;
  max_batch_size: number | null;
  avg_batch_size: number | null;
  weight_precision: string | null;
  architecture: string | null;
  total_params_billions: number | null;
  activated_params_billions: number | null;
  energy_per_token_j: number | null;
  energy_per_request_j: number | null;
  avg_output_tokens: number | null;
  avg_power_w: number | null;
  output_tokens_per_second: number | null;
  avg_tpot_ms: number | null;
  median_itl_ms: number | null;
  p90_itl_ms: number | null;
  p95_itl_ms: number | null;
  p99_itl_ms: number | null;
  raw_json: string;
}

const ROW_COLUMNS = [
  'row_key', 'task', 'model', 'model_nickname', 'gpu_name', 'num_gpus', 'tensor_parallel', 'pipeline_parallel',
  'expert_parallel', 'data_parallel', 'max_batch_size', 'avg_batch_size', 'weight_precision', 'architecture',
  'total_params_billions', 'activated_params_billions', 'energy_per_token_j', 'energy_per_request_j', 'avg_output_tokens',
  'avg_power_w', 'output_tokens_per_second', 'avg_tpot_ms', 'median_itl_ms', 'p90_itl_ms', 'p95_itl_ms', 'p99_itl_ms',
  'raw_json',
] as const satisfies readonly (keyof ReferenceRowInput)[];

export function findReferenceFile(db: Db, sha256: string): { dataset_id: number; row_count: number } | null {
  const row = db.prepare('SELECT dataset_id, row_count FROM reference_files WHERE sha256 = ?').get(sha256) as
    | { dataset_id: number; row_count: number }
    | undefined;
  return row ?? null;
}

export interface ReferenceFileWrite {
  dataset: ReferenceDatasetInput;
  /** Rows of this file; rows of the same dataset with the same `replaceTask` are removed first. */
  rows: readonly ReferenceRowInput[];
  /** A newer copy of a task file replaces the task's rows instead of piling up beside them. */
  replaceTask: string | null;
  file: { sha256: string; kind: string; path: string };
}

/** Dataset upsert + rows + file record, in one transaction. */
export function writeReferenceFile(db: Db, w: ReferenceFileWrite): Result<{ datasetId: number; rows: number }> {
  try {
    const now = new Date().toISOString();
    const datasetId = db.transaction(() => {
      const d = w.dataset;
      db.prepare(
        `INSERT INTO reference_datasets (key, provider, edition, label, snapshot, source_kind, source_location, licence, metadata_json, imported_at)
         VALUES (@key, @provider, @edition, @label, @snapshot, @sourceKind, @sourceLocation, @licence, @metadataJson, @now)
         ON CONFLICT(key) DO UPDATE SET
           label = excluded.label,
           source_kind = excluded.source_kind,
           source_location = excluded.source_location,
           metadata_json = COALESCE(excluded.metadata_json, reference_datasets.metadata_json),
           imported_at = excluded.imported_at`,
      ).run({ ...d, now });
      const id = (db.prepare('SELECT id FROM reference_datasets WHERE key = ?').get(d.key) as { id: number }).id;
      if (w.replaceTask !== null) db.prepare('DELETE FROM reference_rows WHERE dataset_id = ? AND task = ?').run(id, w.replaceTask);
      const insert = db.prepare(
        `INSERT INTO reference_rows (dataset_id, ${ROW_COLUMNS.join(', ')}) VALUES (@dataset_id, ${ROW_COLUMNS.map((c) => `@${c}`).join(', ')})
         ON CONFLICT(dataset_id, row_key) DO UPDATE SET ${ROW_COLUMNS.filter((c) => c !== 'row_key').map((c) => `${c} = excluded.${c}`).join(', ')}`,
      );
      for (const row of w.rows) insert.run({ ...row, dataset_id: id });
      db.prepare(
        `INSERT INTO reference_files (sha256, dataset_id, kind, path, row_count, imported_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(w.file.sha256, id, w.file.kind, w.file.path, w.rows.length, now);
      return id;
    })();
    return ok({ datasetId, rows: w.rows.length });
  } catch (e) {
    return err('db_error', `Could not store reference data from ${w.file.path}: ${(e as Error).message}`, { path: w.file.path });
  }
}

export interface ReferenceDatasetSummary {
  id: number;
  key: string;
  label: string;
  edition: string;
  snapshot: string | null;
  source_kind: string;
  source_location: string;
  licence: string | null;
  imported_at: string;
  row_count: number;
}

export function listReferenceDatasets(db: Db): Result<ReferenceDatasetSummary[]> {
  try {
    const rows = db
      .prepare(
        `SELECT d.id, d.key, d.label, d.edition, d.snapshot, d.source_kind, d.source_location, d.licence, d.imported_at,
                (SELECT COUNT(*) FROM reference_rows r WHERE r.dataset_id = d.id) AS row_count
         FROM reference_datasets d ORDER BY d.key`,
      )
      .all() as ReferenceDatasetSummary[];
    return ok(rows);
  } catch (e) {
    return err('db_error', `Could not list reference datasets: ${(e as Error).message}`);
  }
}

export function deleteReferenceDataset(db: Db, id: number): Result<{ deleted: boolean }> {
  try {
    return ok({ deleted: db.prepare('DELETE FROM reference_datasets WHERE id = ?').run(id).changes === 1 });
  } catch (e) {
    return err('db_error', `Could not delete reference dataset ${id}: ${(e as Error).message}`);
  }
}
