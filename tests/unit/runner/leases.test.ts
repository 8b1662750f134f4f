import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLeases, heartbeatLeases, releaseLeases, type LeaseHolder } from '../../../core/runner/leaseStore';
import { openDatabase, type Db } from '../../../core/store/database';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-lease-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const host = os.hostname();
const me: LeaseHolder = { label: 'llem-studio app (me)', pid: process.pid, host };

describe('leases', () => {
  it('grants a free lease, re-grants it to the same holder, refuses others and names the holder', () => {
    expect(acquireLeases(db, ['campaign:c1', 'gpu:0'], me)).toEqual({ ok: true, value: { tookOver: [] } });
    expect(acquireLeases(db, ['campaign:c1'], me).ok).toBe(true);
    const other: LeaseHolder = { label: 'llem-studio CLI (other)', pid: process.pid, host };
    const refused = acquireLeases(db, ['gpu:0'], other);
    expect(refused).toMatchObject({ ok: false, error: { code: 'lease_held', message: expect.stringContaining('GPU 0 is in use by llem-studio app (me) since') } });
  });

  it('is all or none: a refused second resource releases the first', () => {
    acquireLeases(db, ['gpu:0'], me);
    const other: LeaseHolder = { label: 'other', pid: process.pid, host };
    expect(acquireLeases(db, ['campaign:c2', 'gpu:0'], other).ok).toBe(false);
    expect(db.prepare("SELECT COUNT(*) AS n FROM leases WHERE resource = 'campaign:c2'").get()).toEqual({ n: 0 });
  });

  it('takes over a lease whose holder pid is dead on this host', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    acquireLeases(db, ['gpu:0'], { label: 'dead one', pid, host });
    const took = acquireLeases(db, ['gpu:0'], me);
    expect(took).toEqual({ ok: true, value: { tookOver: ['gpu:0 (was dead one)'] } });
  });

  it('takes over a lease whose heartbeat is too old (holder on another host), not a fresh one', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => t;
    const remote: LeaseHolder = { label: 'remote', pid: 1, host: 'elsewhere' };
    acquireLeases(db, ['gpu:0'], remote, { now: clock });
    t += 30_000;
    expect(acquireLeases(db, ['gpu:0'], me, { now: clock, staleAfterMs: 60_000 }).ok).toBe(false);
    heartbeatLeases(db, ['gpu:0'], remote, clock);
    t += 59_000;
    expect(acquireLeases(db, ['gpu:0'], me, { now: clock, staleAfterMs: 60_000 }).ok).toBe(false);
    t += 2_000;
    expect(acquireLeases(db, ['gpu:0'], me, { now: clock, staleAfterMs: 60_000 }).ok).toBe(true);
  });

  it('release only removes the holder\'s own leases', () => {
    acquireLeases(db, ['gpu:0'], me);
    releaseLeases(db, ['gpu:0'], { label: 'someone else', pid: process.pid, host });
    expect(db.prepare('SELECT COUNT(*) AS n FROM leases').get()).toEqual({ n: 1 });
    releaseLeases(db, ['gpu:0'], me);
    expect(db.prepare('SELECT COUNT(*) AS n FROM leases').get()).toEqual({ n: 0 });
  });
});
