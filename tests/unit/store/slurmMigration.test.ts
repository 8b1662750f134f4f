import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../core/store/database';

let dir: string;
let db: Db;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Db {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-m009-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
  db.exec(`INSERT INTO campaigns (id, name, study_json, status, created_at, updated_at) VALUES ('c', 'c', '{}', 'queued', 'now', 'now');
           INSERT INTO slurm_campaigns (campaign_id, bundle_dir, local_dir, options_json, created_at, updated_at) VALUES ('c', '/w/c', '/w/c', '{}', 'now', 'now');`);
  return db;
}

describe('migration 009 (slurm)', () => {
  it('refuses task states and reasons outside the documented lists', () => {
    const d = open();
    const insert = d.prepare("INSERT INTO slurm_tasks (campaign_id, task_index, state, reason, updated_at) VALUES ('c', ?, ?, ?, 'now')");
    expect(() => insert.run(0, 'failed', 'timeout')).not.toThrow();
    expect(() => insert.run(1, 'exploded', null)).toThrow(/CHECK/);
    expect(() => insert.run(2, 'failed', 'gremlins')).toThrow(/CHECK/);
  });

  it('deleting a campaign removes its SLURM rows; result_placement lists only imported tasks', () => {
    const d = open();
    d.exec(`INSERT INTO slurm_tasks (campaign_id, task_index, state, host, gpu_uuid, updated_at) VALUES ('c', 0, 'running', 'n1', 'GPU-1', 'now');
            INSERT INTO slurm_submissions (campaign_id, job_id, array_spec, script_path, submitted_at) VALUES ('c', '1', '0%1', '/w/c/s', 'now');`);
    expect(d.prepare('SELECT COUNT(*) FROM result_placement').pluck().get()).toBe(0);
    d.exec("DELETE FROM campaigns WHERE id = 'c'");
    for (const t of ['slurm_campaigns', 'slurm_submissions', 'slurm_tasks']) expect(d.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()).toBe(0);
  });
});
