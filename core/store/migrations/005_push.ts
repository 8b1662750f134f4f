import type { Migration } from './types';

/**
 * What was pushed to an ingest platform (core/push). A submission is recorded in push_submissions only
 * once the platform accepted it (201 created / 200 duplicate, body verified); every try, failed or not,
 * is in push_attempts. So "pushed" never means "we sent something and hoped".
 */
export const migration005: Migration = {
  version: 5,
  name: 'push',
  sql: `
    CREATE TABLE push_submissions (
      id                INTEGER PRIMARY KEY,
      endpoint          TEXT NOT NULL,                  -- the URL POSTed to (never holds credentials)
      idempotency_key   TEXT NOT NULL,                  -- sha256 of the exact body sent
      submission_id     TEXT NOT NULL,                  -- the platform's id
      status            TEXT NOT NULL CHECK (status IN ('created','duplicate')),
      entries           INTEGER NOT NULL,
      body_bytes        INTEGER NOT NULL,
      campaign_ids_json TEXT NOT NULL,                  -- JSON array of the campaigns included
      first_accepted_at TEXT NOT NULL,
      last_accepted_at  TEXT NOT NULL,
      UNIQUE (endpoint, idempotency_key)
    ) STRICT;

    -- The configurations a submission carried, in body order.
    CREATE TABLE push_submission_entries (
      push_id                 INTEGER NOT NULL REFERENCES push_submissions(id) ON DELETE CASCADE,
      ordinal                 INTEGER NOT NULL,
      measurement_config_hash TEXT NOT NULL,
      study_design_hash       TEXT,
      cycles                  INTEGER NOT NULL,
      PRIMARY KEY (push_id, ordinal)
    ) STRICT;
    CREATE INDEX push_entries_by_hash ON push_submission_entries(measurement_config_hash);

    CREATE TABLE push_attempts (
      id              INTEGER PRIMARY KEY,
      at              TEXT NOT NULL,
      endpoint        TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      outcome         TEXT NOT NULL CHECK (outcome IN ('accepted','failed')),
      http_status     INTEGER,
      attempts        INTEGER NOT NULL,               -- HTTP requests made in this push
      error_code      TEXT,
      message         TEXT
    ) STRICT;
  `,
};
