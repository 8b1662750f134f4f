import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';

/**
 * The stored queue of campaigns waiting for a GPU (migration 010, `campaign_queue`). Pure storage: who starts
 * what, and when, is campaignSessions.ts. Positions are 1..n per GPU after every change, so "move to 2" means
 * what the user sees.
 */
export interface QueuedCampaign {
  campaignId: string;
  name: string;
  gpuIndex: number;
  /** 1 = next to start on its GPU. */
  position: number;
  retryFailed: boolean;
  enqueuedAt: string;
}

interface QueueRow {
  campaign_id: string;
  name: string;
  gpu_index: number;
  position: number;
  retry_failed: number;
  enqueued_at: string;
}

function toQueued(row: QueueRow, index: number): QueuedCampaign {
  return { campaignId: row.campaign_id, name: row.name, gpuIndex: row.gpu_index, position: index + 1, retryFailed: row.retry_failed === 1, enqueuedAt: row.enqueued_at };
}

/** Every queued campaign of one GPU, next first. */
export function listQueue(db: Db, gpuIndex = 0): QueuedCampaign[] {
  const rows = db
    .prepare(
      `SELECT q.campaign_id, c.name, q.gpu_index, q.position, q.retry_failed, q.enqueued_at
       FROM campaign_queue q JOIN campaigns c ON c.id = q.campaign_id
       WHERE q.gpu_index = ? ORDER BY q.position, q.enqueued_at, q.campaign_id`,
    )
    .all(gpuIndex) as QueueRow[];
  return rows.map(toQueued);
}

export function queuedEntry(db: Db, campaignId: string): QueuedCampaign | null {
  const row = db.prepare('SELECT gpu_index FROM campaign_queue WHERE campaign_id = ?').get(campaignId) as { gpu_index: number } | undefined;
  if (!row) return null;
  return listQueue(db, row.gpu_index).find((q) => q.campaignId === campaignId) ?? null;
}

/** Adds a campaign at the end of its GPU's queue (or, with `atHead`, before every other); a queued one keeps its place. */
export function enqueueCampaign(
  db: Db,
  campaignId: string,
  options: { gpuIndex?: number; retryFailed?: boolean; atHead?: boolean; now?: Date } = {},
): Result<QueuedCampaign> {
  const gpuIndex = options.gpuIndex ?? 0;
  const insert = db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM campaigns WHERE id = ?').get(campaignId)) return false;
    if (!db.prepare('SELECT 1 FROM campaign_queue WHERE campaign_id = ?').get(campaignId)) {
      const edge = db.prepare(`SELECT ${options.atHead ? 'MIN(position) - 1' : 'MAX(position) + 1'} FROM campaign_queue WHERE gpu_index = ?`).pluck().get(gpuIndex) as number | null;
      db.prepare('INSERT INTO campaign_queue (campaign_id, gpu_index, position, retry_failed, enqueued_at) VALUES (?, ?, ?, ?, ?)').run(
        campaignId,
        gpuIndex,
        edge ?? 1,
        options.retryFailed ? 1 : 0,
        (options.now ?? new Date()).toISOString(),
      );
      renumber(db, gpuIndex);
    }
    return true;
  });
  if (!insert.immediate()) return err('not_found', `No campaign with id ${campaignId}.`);
  return ok(queuedEntry(db, campaignId)!);
}

/** Takes a campaign out of the queue; false when it was not queued. */
export function removeFromQueue(db: Db, campaignId: string): boolean {
  return db.transaction(() => {
    const row = db.prepare('SELECT gpu_index FROM campaign_queue WHERE campaign_id = ?').get(campaignId) as { gpu_index: number } | undefined;
    if (!row) return false;
    db.prepare('DELETE FROM campaign_queue WHERE campaign_id = ?').run(campaignId);
    renumber(db, row.gpu_index);
    return true;
  }).immediate();
}

/** Moves a queued campaign to `position` (1 = next; clamped to the queue's length). */
export function moveInQueue(db: Db, campaignId: string, position: number): Result<QueuedCampaign[]> {
  const moved = db.transaction((): Result<QueuedCampaign[]> => {
    const row = db.prepare('SELECT gpu_index FROM campaign_queue WHERE campaign_id = ?').get(campaignId) as { gpu_index: number } | undefined;
    if (!row) return err('not_queued', `Campaign ${campaignId} is not in the queue.`);
    const order = listQueue(db, row.gpu_index).map((q) => q.campaignId).filter((id) => id !== campaignId);
    const index = Math.min(Math.max(Math.trunc(position), 1), order.length + 1) - 1;
    order.splice(index, 0, campaignId);
    const set = db.prepare('UPDATE campaign_queue SET position = ? WHERE campaign_id = ?');
    order.forEach((id, i) => set.run(i + 1, id));
    return ok(listQueue(db, row.gpu_index));
  });
  return moved.immediate();
}

/**
 * Takes the next campaign of a GPU's queue off it, atomically (two processes sharing the data directory never
 * take the same one). The caller starts it, or puts it back at the head when it cannot.
 */
export function takeNextQueued(db: Db, gpuIndex = 0): QueuedCampaign | null {
  return db.transaction(() => {
    const next = listQueue(db, gpuIndex)[0];
    if (!next) return null;
    db.prepare('DELETE FROM campaign_queue WHERE campaign_id = ?').run(next.campaignId);
    renumber(db, gpuIndex);
    return next;
  }).immediate();
}

function renumber(db: Db, gpuIndex: number): void {
  const ids = db.prepare('SELECT campaign_id FROM campaign_queue WHERE gpu_index = ? ORDER BY position, enqueued_at, campaign_id').pluck().all(gpuIndex) as string[];
  const set = db.prepare('UPDATE campaign_queue SET position = ? WHERE campaign_id = ?');
  ids.forEach((id, i) => set.run(i + 1, id));
}
