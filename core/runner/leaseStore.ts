import os from 'node:os';
import { err, ok, type Result } from '../../contract/result';
import { isProcessAlive } from '../processes/processTree';
import type { Db } from '../store/database';

/**
 * Exclusive claims in the `leases` table: `campaign:<id>` (one driver per campaign) and `gpu:<index>` (one
 * campaign per GPU). SQLite's write lock makes check-and-claim atomic across processes (BEGIN IMMEDIATE).
 * A lease is stale — and silently taken over — when its holder's pid is dead on this host, or when its
 * heartbeat is older than `staleAfterMs` (a holder on another host, or a recycled pid).
 */
export interface LeaseHolder {
  /** Human-readable: who to tell the second claimant about, e.g. `llem-studio CLI (pid 123 on gpu-box)`. */
  label: string;
  pid: number;
  host: string;
}

export interface LeaseRow {
  resource: string;
  holder: string;
  holder_pid: number;
  holder_host: string | null;
  acquired_at: string;
  heartbeat_at: string;
}

export const DEFAULT_STALE_AFTER_MS = 60_000;

class LeaseRefused extends Error {
  constructor(readonly result: Result<never>) {
    super('lease refused');
  }
}
export const HEARTBEAT_INTERVAL_MS = 10_000;

let instanceCounter = 0;
/** A holder identity unique to this call: two runners in one process must not share a lease. */
export function currentHolder(role: string): LeaseHolder {
  const host = os.hostname();
  instanceCounter++;
  return { label: `llem-studio ${role} (pid ${process.pid} on ${host}, #${instanceCounter})`, pid: process.pid, host };
}

export function isLeaseStale(row: LeaseRow, nowMs: number, staleAfterMs: number, localHost = os.hostname()): boolean {
  const heartbeat = Date.parse(row.heartbeat_at);
  if (!Number.isFinite(heartbeat) || nowMs - heartbeat > staleAfterMs) return true;
  if ((row.holder_host ?? localHost) === localHost && !isProcessAlive(row.holder_pid)) return true;
  return false;
}

/** Claims all `resources` or none (one transaction), so a half-claimed campaign/GPU pair never exists. */
export function acquireLeases(
  db: Db,
  resources: readonly string[],
  holder: LeaseHolder,
  options: { staleAfterMs?: number; now?: () => number } = {},
): Result<{ tookOver: string[] }> {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const select = db.prepare('SELECT * FROM leases WHERE resource = ?');
  const upsert = db.prepare(
    `INSERT INTO leases (resource, holder, holder_pid, holder_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(resource) DO UPDATE SET holder = excluded.holder, holder_pid = excluded.holder_pid,
       holder_host = excluded.holder_host, acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
  );
  const claim = db.transaction((): Result<{ tookOver: string[] }> => {
    const tookOver: string[] = [];
    const stamp = new Date(now()).toISOString();
    for (const resource of resources) {
      const row = select.get(resource) as LeaseRow | undefined;
      const mine = row && row.holder === holder.label && row.holder_pid === holder.pid && (row.holder_host ?? holder.host) === holder.host;
      if (row && !mine) {
        if (!isLeaseStale(row, now(), staleAfterMs, holder.host)) {
          // Throwing rolls back the leases already claimed in this call: all or none.
          throw new LeaseRefused(err('lease_held', `${describeResource(resource)} is in use by ${row.holder} since ${row.acquired_at}.`, { path: resource }));
        }
        tookOver.push(`${resource} (was ${row.holder})`);
      }
      upsert.run(resource, holder.label, holder.pid, holder.host, mine ? row.acquired_at : stamp, stamp);
    }
    return ok({ tookOver });
  });
  try {
    // IMMEDIATE: take the write lock before reading, so two claimants cannot both see "free".
    return claim.immediate();
  } catch (e) {
    if (e instanceof LeaseRefused) return e.result;
    return err('db_error', `Could not claim ${resources.join(', ')}: ${(e as Error).message}`);
  }
}

export function heartbeatLeases(db: Db, resources: readonly string[], holder: LeaseHolder, now: () => number = Date.now): void {
  const stmt = db.prepare('UPDATE leases SET heartbeat_at = ? WHERE resource = ? AND holder = ?');
  const stamp = new Date(now()).toISOString();
  db.transaction(() => {
    for (const r of resources) stmt.run(stamp, r, holder.label);
  })();
}

export function releaseLeases(db: Db, resources: readonly string[], holder: LeaseHolder): void {
  const stmt = db.prepare('DELETE FROM leases WHERE resource = ? AND holder = ?');
  db.transaction(() => {
    for (const r of resources) stmt.run(r, holder.label);
  })();
}

function describeResource(resource: string): string {
  if (resource.startsWith('campaign:')) return `Campaign ${resource.slice('campaign:'.length)}`;
  if (resource.startsWith('gpu:')) return `GPU ${resource.slice('gpu:'.length)}`;
  return resource;
}

/** Who holds `resource` now (a live, fresh lease), or null when it is free or its holder is gone. */
export function currentLeaseHolder(db: Db, resource: string, options: { staleAfterMs?: number; now?: () => number } = {}): LeaseRow | null {
  const row = db.prepare('SELECT * FROM leases WHERE resource = ?').get(resource) as LeaseRow | undefined;
  if (!row) return null;
  return isLeaseStale(row, (options.now ?? Date.now)(), options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS) ? null : row;
}
