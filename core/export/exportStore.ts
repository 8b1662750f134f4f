import type { Db } from '../store/database';

/** The export's own read of the store: what each result adds to its leaderboard entry beyond the aggregated figures. */

/** One result's file, window, versions, config and placement, as the export reads them. */
export interface ResultMeta {
  fileSha: string;
  startTime: string | null;
  endTime: string | null;
  llemVersion: string | null;
  reportedHash: string;
  numGpus: number | null;
  powerLimitW: number | null;
  gpuName: string | null;
  effectiveConfigJson: string;
  nPrompts: number | null;
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  batchSize: number | null;
  sourcePath: string | null;
  outputDir: string | null;
  host: string | null;
}

/** Every stored result's metadata by result id. */
export function loadResultMeta(db: Db): Map<number, ResultMeta> {
  // The latest attempt's host: where the measurement ran (personal data, opt-in only).
  const rows = db
    .prepare(
      `SELECT r.id, r.file_sha256, r.start_time, r.end_time, r.llem_version, r.measurement_config_hash, r.num_gpus,
              r.power_limit_w, r.gpu_name, r.effective_config_json, r.n_prompts, r.max_input_tokens, r.max_output_tokens,
              r.batch_size, r.source_path, ru.output_dir,
              (SELECT a.host FROM run_attempts a WHERE a.run_id = r.run_id ORDER BY a.attempt DESC LIMIT 1) AS host
       FROM results r LEFT JOIN runs ru ON ru.id = r.run_id`,
    )
    .raw()
    .all() as unknown[][];
  const out = new Map<number, ResultMeta>();
  for (const c of rows) {
    out.set(c[0] as number, {
      fileSha: c[1] as string,
      startTime: c[2] as string | null,
      endTime: c[3] as string | null,
      llemVersion: c[4] as string | null,
      reportedHash: c[5] as string,
      numGpus: c[6] as number | null,
      powerLimitW: c[7] as number | null,
      gpuName: c[8] as string | null,
      effectiveConfigJson: c[9] as string,
      nPrompts: c[10] as number | null,
      maxInputTokens: c[11] as number | null,
      maxOutputTokens: c[12] as number | null,
      batchSize: c[13] as number | null,
      sourcePath: c[14] as string | null,
      outputDir: c[15] as string | null,
      host: c[16] as string | null,
    });
  }
  return out;
}
