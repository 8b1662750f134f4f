import type { Migration } from './types';

/**
 * Issue 17 (point 8): campaigns waiting for a GPU. Starting a campaign while another one holds the GPU puts it here;
 * the app starts the head of a GPU's queue when that GPU is free. Stored, so the queue survives a restart.
 *  - position: the order within one GPU's queue (smallest first; gaps allowed, reordering rewrites them);
 *  - retry_failed: the start asked to run failed runs again too (runs.start's retryFailed);
 *  - enqueued_at: ISO time the campaign joined the queue.
 * A deleted campaign leaves the queue with it (ON DELETE CASCADE).
 */
export const migration011: Migration = {
  version: 11,
  name: 'campaign_queue',
  sql: `
    CREATE TABLE campaign_queue (
      campaign_id  TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
      gpu_index    INTEGER NOT NULL DEFAULT 0 CHECK (gpu_index >= 0),
      position     INTEGER NOT NULL,
      retry_failed INTEGER NOT NULL DEFAULT 0 CHECK (retry_failed IN (0, 1)),
      enqueued_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX campaign_queue_by_gpu ON campaign_queue(gpu_index, position);
  `,
};
