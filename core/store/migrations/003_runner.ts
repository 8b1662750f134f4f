import type { Migration } from './types';

/**
 * Runner-only tables: the history of every attempt of a run (a run can be interrupted and queued again, and
 * each attempt has its own --output dir, logs and process), the phase timeline parsed from llem's log, and the
 * per-run energy computed three ways. `runs` keeps the latest state; these keep how it got there.
 */
export const migration003: Migration = {
  version: 3,
  name: 'runner',
  sql: `
    CREATE TABLE run_attempts (
      id              INTEGER PRIMARY KEY,
      run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      attempt         INTEGER NOT NULL CHECK (attempt >= 1),
      status          TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','interrupted','cancelled')),
      failure_reason  TEXT CHECK (failure_reason IS NULL OR failure_reason IN
                      ('config_error','preflight','out_of_memory','crash','timeout','interrupted','import_error')),
      error_message   TEXT,
      exit_code       INTEGER,
      exit_signal     TEXT,
      host            TEXT NOT NULL,                 -- machine that ran it (pids only mean something there)
      pid             INTEGER,                       -- process-group leader (the guardian), for crash recovery
      attempt_dir     TEXT NOT NULL,                 -- <data>/runs/<campaign>/<index>-<attempt>
      output_dir      TEXT NOT NULL,                 -- exact --output string given to llem (it is hashed)
      config_path     TEXT NOT NULL,                 -- the experiment YAML written for this attempt
      stdout_path     TEXT NOT NULL,
      stderr_path     TEXT NOT NULL,
      result_path     TEXT,                          -- <output>/<subdir>/result.json once found
      timeout_seconds REAL NOT NULL,
      llem_version    TEXT,
      telemetry_source TEXT,
      started_at      TEXT NOT NULL,
      ended_at        TEXT,
      UNIQUE (run_id, attempt)
    ) STRICT;
    CREATE INDEX run_attempts_running ON run_attempts(status) WHERE status = 'running';

    -- Phase transitions parsed from llem's -vv stderr (contract §4.7), for the run timeline.
    CREATE TABLE run_phases (
      run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      attempt  INTEGER NOT NULL,
      seq      INTEGER NOT NULL,
      phase    TEXT NOT NULL,
      at_ms    INTEGER NOT NULL,
      message  TEXT,
      PRIMARY KEY (run_id, attempt, seq)
    ) STRICT;

    -- Energy of one attempt on one GPU: counter difference and integrated power from the app's own samples,
    -- and llem's reported total_energy_j (GPU 0, measured window only). Differences: view run_energy_comparison.
    CREATE TABLE run_energy (
      run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      attempt       INTEGER NOT NULL,
      gpu_index     INTEGER NOT NULL,
      window        TEXT NOT NULL CHECK (window IN ('run','measuring')),
      counter_j     REAL,
      integrated_j  REAL,
      llem_j        REAL,
      sample_count  INTEGER NOT NULL,
      start_ms      INTEGER,
      end_ms        INTEGER,
      source        TEXT,
      PRIMARY KEY (run_id, attempt, gpu_index, window)
    ) STRICT;

    CREATE VIEW run_energy_comparison AS
      SELECT run_id, attempt, gpu_index, window, counter_j, integrated_j, llem_j,
             counter_j - integrated_j AS counter_minus_integrated_j,
             counter_j - llem_j       AS counter_minus_llem_j,
             integrated_j - llem_j    AS integrated_minus_llem_j,
             CASE WHEN llem_j > 0 THEN (counter_j - llem_j) / llem_j END    AS counter_vs_llem_rel,
             CASE WHEN llem_j > 0 THEN (integrated_j - llem_j) / llem_j END AS integrated_vs_llem_rel
        FROM run_energy;

    -- Samples belong to one attempt of a run (an interrupted attempt's samples must not mix with the retry's).
    ALTER TABLE telemetry_samples ADD COLUMN attempt INTEGER;
    -- 1 when power_w is the instantaneous reading, 0 when it is NVML's 1 s average.
    ALTER TABLE telemetry_samples ADD COLUMN power_instant INTEGER;

    -- Optional compact layout of the same samples (TelemetryWriter layout 'chunks'): one row per (run attempt,
    -- phase, GPU) per flush, the samples column-wise in a blob — one blob write instead of ~15 bound values per
    -- sample row, which is what reaches the 1M samples/s ingest goal (rows: ~0.25–0.5M/s measured). Decode with
    -- core/telemetry/chunks.ts (format 1: column-major float64 t_ms/energy_mj/throttle_reasons, float32
    -- power/temperature/util/memory/clocks, uint8 power_instant; NaN = null; 53 bytes per sample).
    CREATE TABLE telemetry_chunks (
      id          INTEGER PRIMARY KEY,
      run_id      INTEGER REFERENCES runs(id) ON DELETE CASCADE,   -- null between runs (gaps, idle)
      attempt     INTEGER,
      phase       TEXT NOT NULL,
      gpu_index   INTEGER NOT NULL,
      t_first_ms  INTEGER NOT NULL,
      t_last_ms   INTEGER NOT NULL,
      n           INTEGER NOT NULL CHECK (n > 0),
      format      INTEGER NOT NULL DEFAULT 1,
      source      TEXT,
      data        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX telemetry_chunks_by_run ON telemetry_chunks(run_id, attempt);
    CREATE INDEX telemetry_chunks_by_time ON telemetry_chunks(t_first_ms);
    -- Pids are only comparable on the same machine: a stale-lease check needs the holder's host.
    ALTER TABLE leases ADD COLUMN holder_host TEXT;
  `,
};
