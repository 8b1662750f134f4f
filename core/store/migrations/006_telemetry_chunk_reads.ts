import type { Migration } from './types';

/**
 * Telemetry chunks (003's `telemetry_chunks`) become the default storage layout, so the readers — chart series and
 * rollups in core/results — read them as well as `telemetry_samples` rows (old databases keep their rows; a run
 * may hold both). Two things that needs:
 *  - an index to find the chunks of one (run, GPU) by time: 003 only indexed (run_id, attempt) and t_first_ms.
 *    It also holds t_last_ms, n and format, so counting samples in a time range reads the index alone;
 *  - the rollups' bookkeeping for chunks: `chunks_max_id` = MAX(id) of telemetry_chunks at the last refresh
 *    (chunks above it are new), and `last_chunk_id` = the chunk of the last sample read (null when that sample
 *    was a telemetry_samples row: at equal times rows sort before chunks, see core/telemetry/storedSamples.ts).
 * Existing rollup states get chunks_max_id = 0: a run's chunks are all "new" to them, and are appended if they
 * come after the rows already read, else the rollups are rebuilt (derived data).
 */
export const migration006: Migration = {
  version: 6,
  name: 'telemetry_chunk_reads',
  sql: `
    CREATE INDEX telemetry_chunks_by_gpu_time ON telemetry_chunks(run_id, gpu_index, t_first_ms, t_last_ms, n, format);
    ALTER TABLE telemetry_rollup_state ADD COLUMN chunks_max_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE telemetry_rollup_state ADD COLUMN last_chunk_id INTEGER;
  `,
};
