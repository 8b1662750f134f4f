import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, migrate, openDatabase, schemaVersion, type Db } from '../../../core/store/database';
import { migrations } from '../../../core/store/migrations/index';

/**
 * Every migration is tested from every earlier version: a database is created at version k,
 * filled with representative rows of every table that exists at k, then opened by the current app.
 * All rows (all columns that existed before) must survive, and the schema must end at the newest.
 */

const newest = Math.max(...migrations.map((m) => m.version));

/** Representative rows for the tables each migration introduces. */
const seeds: Record<number, (db: Db) => void> = {
  1: (db) =>
    db.exec(`
      INSERT INTO app_settings (key, value_json, updated_at) VALUES ('theme', '"dark"', '2026-01-01T00:00:00Z');
      INSERT INTO campaigns (id, name, study_json, study_design_hash, llem_profile, status, created_at, updated_at)
        VALUES ('c-1', 'Batch sweep', '{"sweep":{"pytorch.batch_size":[1,2]}}', '758113c464908240', 'head', 'completed', '2026-01-01', '2026-01-02');
      INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary)
        VALUES (1, 'c-1', 0, '{"model":"gpt2"}', 'adc3a93de2c0ee4d', 'pytorch / gpt2 / bf16');
      INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle, status, failure_reason, error_message, exit_code, output_dir, llem_measurement_config_hash, started_at, ended_at)
        VALUES (1, 'c-1', 1, 0, 1, 'succeeded', NULL, NULL, 0, '/data/runs/c-1/0-1', '9944baab4dabe390', '2026-01-01T10:00:00Z', '2026-01-01T10:05:00Z'),
               (2, 'c-1', 1, 1, 2, 'failed', 'out_of_memory', 'CUDA out of memory', 1, '/data/runs/c-1/1-1', NULL, '2026-01-01T10:06:00Z', '2026-01-01T10:07:00Z');
      INSERT INTO telemetry_samples (run_id, phase, gpu_index, t_ms, power_w, energy_mj, temperature_c, sm_util_pct, memory_used_mb, memory_total_mb, sm_clock_mhz, mem_clock_mhz, throttle_reasons)
        VALUES (1, 'measuring', 0, 1767261600000, 250.5, 123456789.0, 61.0, 99.0, 30000.0, 81559.0, 1980.0, 2619.0, 0),
               (1, 'measuring', 0, 1767261600100, 251.0, 123456814.0, 61.5, 98.0, 30001.0, 81559.0, 1980.0, 2619.0, 4),
               (NULL, 'idle', 1, 1767261600000, 60.0, NULL, 35.0, 0.0, 500.0, 81559.0, NULL, NULL, NULL);
      INSERT INTO leases (resource, holder, holder_pid, acquired_at, heartbeat_at) VALUES ('gpu:0', 'cli pid 42 on host', 42, 'a', 'b');
    `),
  2: (db) =>
    db.exec(`
      INSERT INTO results (id, run_id, source, file_sha256, source_path, imported_at, schema_version, llem_version, experiment_id,
          measurement_config_hash, recomputed_config_hash, hash_verified, identity_hash, model, backend, precision, n_prompts,
          start_time, end_time, start_time_ms, end_time_ms, duration_sec, total_tokens, output_tokens, total_energy_j, energy_adjusted_j,
          total_inference_time_sec, avg_tokens_per_second, avg_energy_per_token_j, gpu_name, warning_count, timeseries_file,
          timeseries_status, effective_config_json, extra_json, raw_json)
        VALUES (1, 1, 'measured', 'aa', '/r/result.json', '2026-01-01', '2.0', '0.8.0', 'gpt2_20260101_100000', '9944baab4dabe390',
          '9944baab4dabe390', 1, 'idhash', 'gpt2', 'pytorch', 'bf16', 5, '2026-01-01T10:00:00.5', '2026-01-01T10:00:05', 1767261600500,
          1767261605000, 4.5, 1920, 640, 228.04, 68.96, 4.29, 447.03, 0.356, 'NVIDIA A100-PCIE-40GB', 1, 'timeseries.parquet',
          'imported', '{"model":"gpt2","temperature":1.0}', '{"future":1}', '{"schema_version":"2.0"}'),
               (2, NULL, 'imported', 'bb', NULL, '2026-01-02', '2.0', NULL, 'x', 'h2', NULL, NULL, NULL, 'm', 'vllm', NULL, NULL,
          '2026-01-02T00:00:00', '2026-01-02T00:00:01', NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL,
          'none', '{}', NULL, '{}');
      INSERT INTO result_warnings (result_id, ordinal, code, text) VALUES (1, 0, 'short_measurement_duration', 'short_measurement_duration: < 10s');
      INSERT INTO llem_timeseries (result_id, gpu_index, timestamp_s, power_w, temperature_c, memory_used_mb, memory_total_mb, sm_utilisation_pct, throttle_reasons)
        VALUES (1, 0, 0.0, 100.5, 40.0, 1000.0, 40960.0, 50.0, 0), (1, 0, 1.0, NULL, 41.0, 1001.0, 40960.0, 55.0, 32);
      INSERT INTO reference_datasets (id, key, provider, edition, label, snapshot, source_kind, source_location, licence, metadata_json, imported_at)
        VALUES (1, 'mlenergy-v3@2026-02-16', 'ML.ENERGY Leaderboard', 'v3', 'ML.ENERGY Leaderboard v3 (data of 2026-02-16)', '2026-02-16', 'file', '/x', 'Apache-2.0', '{}', 'now');
      INSERT INTO reference_rows (dataset_id, row_key, task, model, gpu_name, max_batch_size, energy_per_token_j, raw_json)
        VALUES (1, 'gpqa|m|H100|1|1|1|1|8', 'gpqa', 'm', 'H100', 8, 0.5, '{}');
      INSERT INTO reference_files (sha256, dataset_id, kind, path, row_count, imported_at) VALUES ('cc', 1, 'mlenergy_v3_task', '/x/tasks/gpqa.json', 1, 'now');
      INSERT INTO import_log (at, path, sha256, kind, outcome, message, result_id, dataset_id)
        VALUES ('now', '/r/result.json', 'aa', 'llem_result', 'added', NULL, 1, NULL), ('now', '/bad.json', NULL, NULL, 'rejected', 'not valid JSON', NULL, NULL);
    `),
  3: (db) =>
    db.exec(`
      INSERT INTO run_attempts (run_id, attempt, status, host, pid, attempt_dir, output_dir, config_path, stdout_path, stderr_path, timeout_seconds, started_at)
        VALUES (1, 1, 'succeeded', 'gpu-box', 4242, '/d/runs/c-1/0-1', '/d/runs/c-1/0-1/out', '/d/runs/c-1/0-1/config.yaml', '/d/o', '/d/e', 3600.0, '2026-01-01');
      INSERT INTO run_phases (run_id, attempt, seq, phase, at_ms, message) VALUES (1, 1, 0, 'baseline', 1767261600000, 'Measuring baseline');
      INSERT INTO run_energy (run_id, attempt, gpu_index, window, counter_j, integrated_j, llem_j, sample_count, start_ms, end_ms, source)
        VALUES (1, 1, 0, 'measuring', 229.0, 228.5, 228.04, 45, 1767261600000, 1767261604500, 'nvml');
      INSERT INTO telemetry_chunks (run_id, attempt, phase, gpu_index, t_first_ms, t_last_ms, n, format, source, data)
        VALUES (1, 1, 'measuring', 0, 1767261600200, 1767261600300, 2, 1, 'nvml', zeroblob(106));
    `),
  4: (db) =>
    db.exec(`
      INSERT INTO telemetry_rollups (run_id, gpu_index, level, bucket, t_first_ms, t_last_ms, n, throttle_or, power_w_min, power_w_max, power_w_sum, power_w_n)
        VALUES (1, 0, 1, 0, 1767261600000, 1767261600100, 2, 4, 250.5, 251.0, 501.5, 2);
      INSERT INTO telemetry_rollup_state (run_id, gpu_index, samples, last_t_ms, last_sample_id, table_max_id) VALUES (1, 0, 2, 1767261600100, 2, 3);
    `),
  5: (db) =>
    db.exec(`
      INSERT INTO push_submissions (id, endpoint, idempotency_key, submission_id, status, entries, body_bytes, campaign_ids_json, first_accepted_at, last_accepted_at)
        VALUES (1, 'https://platform.example/api/v1/submissions', '${'a'.repeat(64)}', 'sub-1', 'created', 1, 2048, '["c-1"]', '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z');
      INSERT INTO push_submission_entries (push_id, ordinal, measurement_config_hash, study_design_hash, cycles) VALUES (1, 0, 'adc3a93de2c0ee4d', '758113c464908240', 2);
      INSERT INTO push_attempts (at, endpoint, idempotency_key, outcome, http_status, attempts, error_code, message)
        VALUES ('2026-01-03T00:00:00Z', 'https://platform.example/api/v1/submissions', '${'a'.repeat(64)}', 'accepted', 201, 1, NULL, NULL);
    `),
  6: (db) =>
    db.exec(`
      INSERT INTO telemetry_chunks (run_id, attempt, phase, gpu_index, t_first_ms, t_last_ms, n, format, source, data)
        VALUES (1, 1, 'measuring', 1, 1767261600000, 1767261600000, 1, 1, 'replay', zeroblob(53));
      INSERT INTO telemetry_rollup_state (run_id, gpu_index, samples, last_t_ms, last_sample_id, last_chunk_id, table_max_id, chunks_max_id)
        VALUES (1, 1, 1, 1767261600000, -1, 2, 3, 2);
    `),
  7: (db) =>
    db.exec(`
      INSERT INTO result_quality (result_id, checks_version, computed_at, grade, output_tokens_bounded, checks_json)
        VALUES (1, 1, '2026-12-06T00:00:00Z', 'B', 640, '[{"id":"window_long_enough","status":"fail"}]');
    `),
  8: (db) =>
    db.exec(`
      INSERT INTO run_energy (run_id, attempt, gpu_index, window, counter_j, integrated_j, llem_j, sample_count, start_ms, end_ms, source,
          counter_method, bridge_j, counter_reads, gpu_uuid)
        VALUES (1, 1, 1, 'measuring', 1200.5, 1199.0, NULL, 100, 1767261600000, 1767261610000, 'nvml',
          'counter_bridged', 3.25, 11, 'GPU-8d3e1c52-0000-0000-0000-000000000000');
    `),
  9: (db) =>
    db.exec(`
      INSERT INTO slurm_campaigns (campaign_id, bundle_dir, local_dir, ssh_host, options_json, created_at, updated_at)
        VALUES ('c-1', '/scratch/llem/c-1', '/scratch/llem/c-1', NULL, '{"maxParallel":1}', '2026-01-04', '2026-01-04');
      INSERT INTO slurm_submissions (campaign_id, job_id, array_spec, script_path, submitted_at) VALUES ('c-1', '4711', '0-1%1', '/scratch/llem/c-1/submissions/1.sbatch', '2026-01-04');
      INSERT INTO slurm_tasks (campaign_id, task_index, job_id, state, reason, slurm_state, host, gpu_uuid, cuda_visible_devices, exit_code, attempt, result_id, updated_at)
        VALUES ('c-1', 0, '4711', 'succeeded', NULL, 'COMPLETED', 'node7', 'GPU-8f3a', '0', 0, '4712', 1, '2026-01-04'),
               ('c-1', 1, '4711', 'failed', 'timeout', 'TIMEOUT', 'node7', NULL, '0', NULL, '4713', NULL, '2026-01-04');
    `),
  10: (db) =>
    db.exec(`
      INSERT INTO adaptive_campaigns (campaign_id, grid_campaign_id, settings_json, grid_size, grid_json, origin, stopped_because, created_at, updated_at)
        VALUES ('c-1', 'grid-1', '{"seed":1}', 2, '[{"key":"adc3a93de2c0ee4d","label":"bf16"}]', 'app', NULL, '2026-01-05', '2026-01-05');
      INSERT INTO adaptive_proposals (campaign_id, run_index, config_key, trial, sampler, mode, why, told_json, front_json, front_size, outcome, outcome_json, proposed_at, told_at)
        VALUES ('c-1', 0, 'adc3a93de2c0ee4d', 0, 'tpe', 'startup', 'TPE proposal (trial 0)', '[]', '[]', 0, 'feasible', '{"values":[0.1]}', '2026-01-05', '2026-01-05');
    `),
  11: (db) =>
    db.exec(`
      INSERT INTO campaign_queue (campaign_id, gpu_index, position, retry_failed, enqueued_at) VALUES ('c-1', 0, 1, 0, '2026-01-05T09:00:00Z');
    `),
};

type Snapshot = Map<string, Record<string, unknown>[]>;

function snapshot(db: Db): Snapshot {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
  return new Map(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all() as Record<string, unknown>[]]));
}

function snapshotWithoutRowid(db: Db): Snapshot {
  // WITHOUT ROWID tables have no rowid to order by: order by every column instead.
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").all() as {
    name: string;
    sql: string;
  }[];
  return new Map(
    tables.map(({ name, sql }) => {
      const order = /WITHOUT ROWID/i.test(sql) ? '1, 2, 3, 4' : 'rowid';
      return [name, db.prepare(`SELECT * FROM "${name}" ORDER BY ${order}`).all() as Record<string, unknown>[]];
    }),
  );
}

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function freshDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'llem-migrate-'));
  dirs.push(d);
  return d;
}

describe('migrations', () => {
  it('are numbered 1..N without gaps, each with a name and SQL', () => {
    // Branches may reserve numbers while they are open, but what lands on main is contiguous.
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) expect(m.name.length * m.sql.trim().length).toBeGreaterThan(0);
  });

  it('every migration has representative seed rows in this test', () => {
    // A new migration must add its tables' rows to `seeds`, so the upgrade test covers it.
    expect(Object.keys(seeds).map(Number)).toEqual(migrations.map((m) => m.version));
  });

  for (const k of [0, ...migrations.map((m) => m.version).filter((v) => v < newest)]) {
    it(`upgrades a database at version ${k} to ${newest}, keeping every row`, () => {
      const dir = freshDir();
      const old = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= k) });
      if (!old.ok) throw new Error(old.error.message);
      for (let v = 1; v <= k; v++) seeds[v]?.(old.value);
      expect(schemaVersion(old.value)).toBe(k);
      const before = snapshotWithoutRowid(old.value);
      old.value.close();

      const upgraded = openDatabase(dir);
      if (!upgraded.ok) throw new Error(upgraded.error.message);
      const db = upgraded.value;
      try {
        expect(schemaVersion(db)).toBe(newest);
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const after = snapshotWithoutRowid(db);
        for (const [table, rows] of before) {
          const now = after.get(table);
          expect(now, `table ${table} still exists`).toBeDefined();
          // Columns added later may appear; every old column keeps its value.
          expect(now!.map((r) => Object.fromEntries(Object.keys(rows[0] ?? {}).map((c) => [c, r[c]])))).toEqual(rows);
        }
        // The upgraded database accepts the newer versions' rows too.
        for (let v = k + 1; v <= newest; v++) seeds[v]?.(db);
      } finally {
        db.close();
      }
    });
  }

  it('008 marks every counter figure stored before it as made by the every-sample counter', () => {
    const dir = freshDir();
    const old = openDatabase(dir, { migrations: migrations.filter((m) => m.version < 8) });
    if (!old.ok) throw new Error(old.error.message);
    for (const v of [1, 2, 3]) seeds[v]!(old.value);
    old.value.exec(`INSERT INTO run_energy (run_id, attempt, gpu_index, window, counter_j, integrated_j, llem_j, sample_count, start_ms, end_ms, source)
      VALUES (1, 1, 3, 'run', NULL, 50.0, NULL, 10, 1, 2, 'nvidia-smi')`);
    old.value.close();
    const upgraded = openDatabase(dir);
    if (!upgraded.ok) throw new Error(upgraded.error.message);
    const rows = upgraded.value
      .prepare('SELECT gpu_index, window, counter_j IS NOT NULL AS has_counter, counter_method, bridge_j, counter_reads, gpu_uuid FROM run_energy ORDER BY gpu_index, window')
      .all() as { has_counter: number; counter_method: string | null; bridge_j: null; counter_reads: null; gpu_uuid: null }[];
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      expect(r.counter_method).toBe(r.has_counter ? 'counter' : null);
      expect([r.bridge_j, r.counter_reads, r.gpu_uuid]).toEqual([null, null, null]);
    }
    expect(() => upgraded.value.exec("UPDATE run_energy SET counter_method = 'guess'")).toThrow(/CHECK/);
    upgraded.value.close();
  });

  it('a failing migration rolls back alone and leaves the data and version as they were', () => {
    const dir = freshDir();
    const first = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= 1) });
    if (!first.ok) throw new Error(first.error.message);
    seeds[1]!(first.value);
    const before = snapshot(first.value);
    const broken = [...migrations.filter((m) => m.version <= 1), { version: 2, name: 'broken', sql: 'CREATE TABLE x (a INTEGER); INSERT INTO nope VALUES (1);' }];
    const result = migrate(first.value, broken);
    expect(result).toMatchObject({ ok: false, error: { code: 'migration_failed' } });
    expect(schemaVersion(first.value)).toBe(1);
    expect(snapshot(first.value)).toEqual(before);
    first.value.close();
  });

  it('refuses a database newer than the app and leaves it untouched', () => {
    const dir = freshDir();
    const raw = new Database(path.join(dir, DATABASE_FILE_NAME));
    raw.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
              INSERT INTO schema_migrations VALUES (${newest + 1}, 'future', 'now');`);
    raw.close();
    const opened = openDatabase(dir);
    expect(opened).toMatchObject({ ok: false, error: { code: 'db_too_new' } });
  });
});
