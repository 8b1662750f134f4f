import type { Migration } from './types';

/**
 * The campaign/run side of the store: what the designer saves and what the runner drives.
 * Result rows (imported llem results, reference data) come in later migrations.
 */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE app_settings (
      key        TEXT PRIMARY KEY,
      value_json TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    -- A campaign = one llem study (sweep + explicit experiments + execution block).
    CREATE TABLE campaigns (
      id                TEXT PRIMARY KEY,               -- UUID
      name              TEXT NOT NULL,
      study_json        TEXT NOT NULL,                  -- the app's campaign model, JSON
      study_design_hash TEXT,                           -- llem's hash over the valid configs (null until planned)
      llem_profile      TEXT,                           -- version profile the plan was made for
      status            TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft','queued','running','paused','completed','cancelled','failed')),
      created_at        TEXT NOT NULL,
      updated_at        TEXT NOT NULL
    ) STRICT;

    -- One unique, validated experiment config of a campaign, in llem's expansion order.
    CREATE TABLE experiments (
      id                      INTEGER PRIMARY KEY,
      campaign_id             TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
      ordinal                 INTEGER NOT NULL,          -- index in expansion order
      config_json             TEXT NOT NULL,             -- canonical dump (output_dir null)
      measurement_config_hash TEXT NOT NULL,             -- app identity hash (output_dir = null)
      summary                 TEXT NOT NULL,
      UNIQUE (campaign_id, ordinal)
    ) STRICT;
    CREATE INDEX experiments_by_hash ON experiments(measurement_config_hash);

    -- One execution of one experiment in one cycle (llem's final run list).
    CREATE TABLE runs (
      id             INTEGER PRIMARY KEY,
      campaign_id    TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
      experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      run_index      INTEGER NOT NULL,                   -- position in execution order
      cycle          INTEGER NOT NULL CHECK (cycle >= 1),
      status         TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued','running','succeeded','failed','interrupted','cancelled')),
      failure_reason TEXT CHECK (failure_reason IS NULL OR failure_reason IN
                     ('config_error','preflight','out_of_memory','crash','timeout','interrupted','import_error')),
      error_message  TEXT,
      attempt        INTEGER NOT NULL DEFAULT 0,
      exit_code      INTEGER,
      exit_signal    TEXT,
      output_dir     TEXT,                               -- exact --output string (it is hashed by llem)
      llem_measurement_config_hash TEXT,                 -- as llem reported it
      started_at     TEXT,
      ended_at       TEXT,
      UNIQUE (campaign_id, run_index)
    ) STRICT;
    CREATE INDEX runs_by_status ON runs(campaign_id, status);

    -- GPU samples taken by the app itself (not llem's 1 Hz parquet).
    CREATE TABLE telemetry_samples (
      id                INTEGER PRIMARY KEY,
      run_id            INTEGER REFERENCES runs(id) ON DELETE CASCADE,
      phase             TEXT,
      gpu_index         INTEGER NOT NULL,
      t_ms              INTEGER NOT NULL,                -- Unix epoch milliseconds
      power_w           REAL,
      energy_mj         REAL,                            -- total-energy counter, millijoules
      temperature_c     REAL,
      sm_util_pct       REAL,
      memory_used_mb    REAL,
      memory_total_mb   REAL,
      sm_clock_mhz      REAL,
      mem_clock_mhz     REAL,
      throttle_reasons  INTEGER
    ) STRICT;
    CREATE INDEX telemetry_by_run_time ON telemetry_samples(run_id, gpu_index, t_ms);

    -- At most one process drives a campaign, and at most one campaign uses a GPU, at a time.
    CREATE TABLE leases (
      resource     TEXT PRIMARY KEY,                     -- 'campaign:<id>' or 'gpu:<index>'
      holder       TEXT NOT NULL,                        -- human-readable: 'llem-studio cli pid 123 on host'
      holder_pid   INTEGER NOT NULL,
      acquired_at  TEXT NOT NULL,
      heartbeat_at TEXT NOT NULL
    ) STRICT;
  `,
};
