import type { Migration } from './types';

/** App telemetry metrics that get rolled up (columns of telemetry_samples). */
export const ROLLUP_METRICS = [
  'power_w', 'energy_mj', 'temperature_c', 'sm_util_pct', 'memory_used_mb', 'memory_total_mb', 'sm_clock_mhz', 'mem_clock_mhz',
] as const;

const metricColumns = ROLLUP_METRICS.map((m) => `${m}_min REAL, ${m}_max REAL, ${m}_sum REAL, ${m}_n INTEGER NOT NULL DEFAULT 0`).join(',\n      ');

/**
 * Multi-resolution summaries of the app's own telemetry, so a chart of a 1M-sample run reads a few
 * thousand rows instead of a million. Level k bucket = 16^k consecutive samples (time order) of one
 * (run, GPU). Derived data: rebuilt from telemetry_samples whenever in doubt (see core/results/telemetryRollups.ts).
 */
export const migration004: Migration = {
  version: 4,
  name: 'telemetry_rollups',
  sql: `
    CREATE TABLE telemetry_rollups (
      run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      gpu_index    INTEGER NOT NULL,
      level        INTEGER NOT NULL CHECK (level >= 1),
      bucket       INTEGER NOT NULL,
      t_first_ms   INTEGER NOT NULL,
      t_last_ms    INTEGER NOT NULL,
      n            INTEGER NOT NULL,
      throttle_or  INTEGER,
      ${metricColumns},
      PRIMARY KEY (run_id, gpu_index, level, bucket)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX telemetry_rollups_by_time ON telemetry_rollups(run_id, gpu_index, level, t_first_ms);

    -- How far the rollups of a (run, GPU) have read telemetry_samples.
    CREATE TABLE telemetry_rollup_state (
      run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      gpu_index      INTEGER NOT NULL,
      samples        INTEGER NOT NULL,
      last_t_ms      INTEGER NOT NULL,
      last_sample_id INTEGER NOT NULL,
      -- MAX(id) of the whole table at the last refresh: unchanged = nothing new anywhere (an O(log n) check).
      table_max_id   INTEGER NOT NULL,
      PRIMARY KEY (run_id, gpu_index)
    ) STRICT;
  `,
};
