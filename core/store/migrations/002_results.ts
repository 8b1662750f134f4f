import type { Migration } from './types';

/**
 * The results side of the store: llem result.json rows (measured by the app or imported), their
 * warnings and 1 Hz timeseries, labelled reference datasets (ML.ENERGY), and an import log.
 * Documented column by column in docs/schema.md.
 */
export const migration002: Migration = {
  version: 2,
  name: 'results',
  sql: `
    -- One llem ExperimentResult (one result.json). The columns are what people sort, filter and chart;
    -- raw_json keeps the file text byte for byte, so nothing llem wrote is ever lost.
    CREATE TABLE results (
      id                        INTEGER PRIMARY KEY,
      run_id                    INTEGER UNIQUE REFERENCES runs(id) ON DELETE SET NULL,
      source                    TEXT NOT NULL CHECK (source IN ('measured','imported')),
      file_sha256               TEXT NOT NULL UNIQUE,
      source_path               TEXT,
      imported_at               TEXT NOT NULL,
      schema_version            TEXT NOT NULL,
      llem_version              TEXT,
      experiment_id             TEXT NOT NULL,
      measurement_config_hash   TEXT NOT NULL,
      recomputed_config_hash    TEXT,
      hash_verified             INTEGER CHECK (hash_verified IN (0,1)),
      identity_hash             TEXT,
      model                     TEXT NOT NULL,
      backend                   TEXT NOT NULL,
      precision                 TEXT,
      n_prompts                 INTEGER,
      max_input_tokens          INTEGER,
      max_output_tokens         INTEGER,
      batch_size                INTEGER,
      measurement_methodology   TEXT,
      start_time                TEXT NOT NULL,
      end_time                  TEXT NOT NULL,
      start_time_ms             INTEGER,
      end_time_ms               INTEGER,
      duration_sec              REAL,
      total_tokens              INTEGER NOT NULL,
      output_tokens             INTEGER,
      total_energy_j            REAL,
      energy_adjusted_j         REAL,
      baseline_power_w          REAL,
      baseline_method           TEXT,
      baseline_timestamp        TEXT,
      baseline_cache_age_sec    REAL,
      total_inference_time_sec  REAL,
      avg_tokens_per_second     REAL,
      avg_energy_per_token_j    REAL,
      total_flops               REAL,
      flops_per_output_token    REAL,
      flops_per_input_token     REAL,
      flops_per_second          REAL,
      num_gpus                  INTEGER,
      energy_per_gpu_json       TEXT,
      gpu_name                  TEXT,
      gpu_vram_total_mb         REAL,
      gpu_compute_capability    TEXT,
      cuda_version              TEXT,
      driver_version            TEXT,
      power_limit_w             REAL,
      throttle_detected         INTEGER CHECK (throttle_detected IN (0,1)),
      throttle_thermal          INTEGER CHECK (throttle_thermal IN (0,1)),
      throttle_power            INTEGER CHECK (throttle_power IN (0,1)),
      throttle_duration_sec     REAL,
      max_temperature_c         REAL,
      warmup_converged          INTEGER CHECK (warmup_converged IN (0,1)),
      warmup_final_cv           REAL,
      warmup_iterations         INTEGER,
      ttft_mean_ms              REAL,
      ttft_p95_ms               REAL,
      itl_mean_ms               REAL,
      itl_p99_ms                REAL,
      tpot_ms                   REAL,
      e2e_latency_mean_ms       REAL,
      model_memory_mb           REAL,
      peak_memory_mb            REAL,
      inference_memory_mb       REAL,
      warning_count             INTEGER NOT NULL DEFAULT 0,
      timeseries_file           TEXT,
      timeseries_status         TEXT NOT NULL DEFAULT 'none'
                                CHECK (timeseries_status IN ('none','imported','missing','unreadable')),
      timeseries_note           TEXT,
      effective_config_json     TEXT NOT NULL,
      extra_json                TEXT,
      raw_json                  TEXT NOT NULL,
      -- §6.5 natural key: the same result re-saved (different bytes) is still the same result.
      UNIQUE (measurement_config_hash, start_time, experiment_id)
    ) STRICT;
    CREATE INDEX results_by_identity ON results(identity_hash);
    CREATE INDEX results_by_model ON results(model);
    CREATE INDEX results_by_start ON results(start_time_ms);

    -- measurement_warnings, one row each; code = text before the first ':' (llem §8.6).
    CREATE TABLE result_warnings (
      result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
      ordinal   INTEGER NOT NULL,
      code      TEXT NOT NULL,
      text      TEXT NOT NULL,
      PRIMARY KEY (result_id, ordinal)
    ) STRICT;
    CREATE INDEX result_warnings_by_code ON result_warnings(code);

    -- llem's timeseries.parquet (1-second buckets around the inference call), §5.6.
    CREATE TABLE llem_timeseries (
      result_id          INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
      gpu_index          INTEGER NOT NULL,
      timestamp_s        REAL NOT NULL,
      power_w            REAL,
      temperature_c      REAL,
      memory_used_mb     REAL,
      memory_total_mb    REAL,
      sm_utilisation_pct REAL,
      throttle_reasons   INTEGER
    ) STRICT;
    CREATE INDEX llem_timeseries_by_result ON llem_timeseries(result_id, gpu_index, timestamp_s);

    -- A labelled body of published measurements (e.g. ML.ENERGY Leaderboard v3 of a given date).
    CREATE TABLE reference_datasets (
      id              INTEGER PRIMARY KEY,
      key             TEXT NOT NULL UNIQUE,
      provider        TEXT NOT NULL,
      edition         TEXT NOT NULL,
      label           TEXT NOT NULL,
      snapshot        TEXT,
      source_kind     TEXT NOT NULL CHECK (source_kind IN ('file','url')),
      source_location TEXT NOT NULL,
      licence         TEXT,
      metadata_json   TEXT,
      imported_at     TEXT NOT NULL
    ) STRICT;

    -- One published configuration (model x GPU x parallelism x batch size x task) of a reference dataset.
    CREATE TABLE reference_rows (
      id                        INTEGER PRIMARY KEY,
      dataset_id                INTEGER NOT NULL REFERENCES reference_datasets(id) ON DELETE CASCADE,
      row_key                   TEXT NOT NULL,
      task                      TEXT NOT NULL,
      model                     TEXT NOT NULL,
      model_nickname            TEXT,
      gpu_name                  TEXT NOT NULL,
      num_gpus                  INTEGER,
      tensor_parallel           INTEGER,
      pipeline_parallel         INTEGER,
      expert_parallel           INTEGER,
      data_parallel             INTEGER,
      max_batch_size            INTEGER,
      avg_batch_size            REAL,
      weight_precision          TEXT,
      architecture              TEXT,
      total_params_billions     REAL,
      activated_params_billions REAL,
      energy_per_token_j        REAL,
      energy_per_request_j      REAL,
      avg_output_tokens         REAL,
      avg_power_w               REAL,
      output_tokens_per_second  REAL,
      avg_tpot_ms               REAL,
      median_itl_ms             REAL,
      p90_itl_ms                REAL,
      p95_itl_ms                REAL,
      p99_itl_ms                REAL,
      raw_json                  TEXT NOT NULL,
      UNIQUE (dataset_id, row_key)
    ) STRICT;
    CREATE INDEX reference_rows_by_model ON reference_rows(model);

    -- Which reference files were read (idempotency by content), and into which dataset.
    CREATE TABLE reference_files (
      sha256      TEXT PRIMARY KEY,
      dataset_id  INTEGER NOT NULL REFERENCES reference_datasets(id) ON DELETE CASCADE,
      kind        TEXT NOT NULL,
      path        TEXT NOT NULL,
      row_count   INTEGER NOT NULL,
      imported_at TEXT NOT NULL
    ) STRICT;

    -- Every import attempt and its outcome, for the user's "what happened" view.
    CREATE TABLE import_log (
      id         INTEGER PRIMARY KEY,
      at         TEXT NOT NULL,
      path       TEXT NOT NULL,
      sha256     TEXT,
      kind       TEXT,
      outcome    TEXT NOT NULL CHECK (outcome IN ('added','duplicate','rejected')),
      message    TEXT,
      result_id  INTEGER REFERENCES results(id) ON DELETE SET NULL,
      dataset_id INTEGER REFERENCES reference_datasets(id) ON DELETE SET NULL
    ) STRICT;
  `,
};
