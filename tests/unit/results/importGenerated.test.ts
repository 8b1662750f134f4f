import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results/importLlemResult';
import { getResult } from '../../../core/store/resultsStore';
import type { Db } from '../../../core/store/database';
import { OWN_FIXTURES, openTempDb, tempDir } from './helpers';
import { makeResult } from './makeResult';

let db: Db;
let dir: string;
let cleanups: (() => void)[] = [];
beforeEach(() => {
  const t = openTempDb();
  const d = tempDir();
  db = t.db;
  dir = d.dir;
  cleanups = [t.cleanup, d.cleanup];
});
afterEach(() => cleanups.forEach((c) => c()));

let counter = 0;
function write(result: unknown, name = `r${counter++}`): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'result.json');
  writeFileSync(file, typeof result === 'string' ? result : JSON.stringify(result, null, 2));
  return file;
}

async function importAndRead(result: unknown, options: { runId?: number; name?: string } = {}) {
  const file = write(result, options.name);
  const outcome = await importResultFile(db, file, { runId: options.runId ?? null, hashFn: null });
  if (outcome.outcome !== 'added') throw new Error(`expected added, got ${JSON.stringify(outcome)}`);
  const got = getResult(db, outcome.resultId);
  if (!got.ok) throw new Error(got.error.message);
  return { outcome, ...got.value };
}

function count(table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('llem result branches', () => {
  it('multi-GPU: per-GPU energies and GPU count', async () => {
    const r = makeResult({}, { multi_gpu: { num_gpus: 4, energy_per_gpu_j: [100.5, 101.5, 99, 98], energy_total_j: 399, energy_per_output_token_j: 0.6 } });
    const { columns } = await importAndRead(r);
    expect(columns.num_gpus).toBe(4);
    expect(JSON.parse(columns.energy_per_gpu_json!)).toEqual([100.5, 101.5, 99, 98]);
  });

  it('multi-GPU via energy_per_device_j only', async () => {
    const { columns } = await importAndRead(makeResult({}, { energy_per_device_j: [10, 20] }));
    expect(columns.num_gpus).toBe(2);
  });

  it('warmup result and latency statistics become columns', async () => {
    const r = makeResult(
      {},
      {
        warmup_result: { converged: true, final_cv: 0.031, iterations_completed: 9, target_cv: 0.05, max_prompts: 20, latencies_ms: [10, 11], thermal_floor_wait_s: 60.0 },
        latency_stats: {
          ttft_mean_ms: 21.5, ttft_median_ms: 20, ttft_p95_ms: 30.25, ttft_p99_ms: 33, ttft_min_ms: 15, ttft_max_ms: 40, ttft_samples: 10,
          itl_mean_ms: 7.5, itl_median_ms: 7, itl_p95_ms: 9, itl_p99_ms: 11.75, itl_samples: 630, itl_full_mean_ms: 7.6, itl_full_p99_ms: 12,
        },
        extended_metrics: {
          tpot_ms: 8.25, token_efficiency_index: null,
          memory: { total_vram_mb: 0.0, model_memory_mb: 500.5, peak_memory_mb: 700.25, inference_memory_mb: 199.75 },
          gpu_utilisation: { sm_utilisation_mean: null, sm_utilisation_samples: 0, memory_bandwidth_utilisation: null },
          batch: null, kv_cache: null,
          request_latency: { e2e_latency_mean_ms: 812.5, e2e_latency_samples: 10 },
        },
      },
    );
    const { columns } = await importAndRead(r);
    expect(columns).toMatchObject({
      warmup_converged: 1, warmup_final_cv: 0.031, warmup_iterations: 9,
      ttft_mean_ms: 21.5, ttft_p95_ms: 30.25, itl_mean_ms: 7.5, itl_p99_ms: 11.75,
      tpot_ms: 8.25, e2e_latency_mean_ms: 812.5, model_memory_mb: 500.5, peak_memory_mb: 700.25, inference_memory_mb: 199.75,
    });
  });

  it('nulls: no baseline, non-finite metrics written as null, no snapshot, no throttle info', async () => {
    const r = makeResult(
      { baselineW: null },
      {
        total_energy_j: null, avg_tokens_per_second: null, avg_energy_per_token_j: null, total_flops: null, flops_per_output_token: null,
        environment_snapshot: null, thermal_throttle: null, energy_breakdown: null, measurement_warnings: null, extended_metrics: null,
      },
    );
    const { columns, warnings } = await importAndRead(r);
    expect(columns).toMatchObject({
      total_energy_j: null, energy_adjusted_j: null, baseline_power_w: null, avg_tokens_per_second: null,
      output_tokens: null, gpu_name: null, llem_version: null, throttle_detected: null, throttle_thermal: null, warning_count: 0,
    });
    expect(warnings).toEqual([]);
  });

  it('throttling and warnings: codes split at the first colon', async () => {
    const r = makeResult({
      throttled: true,
      warnings: ['thermal_drift_detected: temperature drifted 12.0C: check cooling', 'gpu_persistence_mode_off: enable it', 'no colon here'],
    });
    const { columns, warnings } = await importAndRead(r);
    expect(columns.throttle_detected).toBe(1);
    expect(columns.throttle_thermal).toBe(1);
    expect(columns.throttle_duration_sec).toBe(1.5);
    expect(warnings.map((w) => w.code)).toEqual(['thermal_drift_detected', 'gpu_persistence_mode_off', 'other']);
    expect(warnings[0]!.text).toBe('thermal_drift_detected: temperature drifted 12.0C: check cooling');
  });

  it('vLLM: batch size from engine.max_num_seqs', async () => {
    const { columns } = await importAndRead(makeResult({ backend: 'vllm', batchSize: 128 }));
    expect(columns.backend).toBe('vllm');
    expect(columns.batch_size).toBe(128);
  });

  it('keeps unknown keys (top level and nested) instead of rejecting them', async () => {
    const r = makeResult({}, { future_field: { a: [1, 2] }, ['__proto__']: { polluted: true } });
    (r.effective_config as Record<string, unknown>).new_section = { x: 1 };
    const { columns } = await importAndRead(r);
    const extra = JSON.parse(columns.extra_json!);
    expect(extra.future_field).toEqual({ a: [1, 2] });
    expect(Object.prototype.hasOwnProperty.call(extra, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(columns.effective_config_json).new_section).toEqual({ x: 1 });
  });

  it('older llem (v0.7/v0.8 snapshot with pip_freeze) imports', async () => {
    const r = makeResult();
    const env = r.environment_snapshot as Record<string, unknown>;
    delete env.installed_packages;
    env.pip_freeze = 'torch==2.5.1\n';
    env.conda_list = null;
    env.tool_version = '1.18.0';
    const { columns } = await importAndRead(r);
    expect(columns.llem_version).toBe('1.18.0');
  });

  it('derives the measured window from naive local timestamps at microsecond precision', async () => {
    const { columns } = await importAndRead(makeResult({ startTime: '2026-01-02T03:04:05.999999', durationS: 1.000002 }));
    expect(columns.end_time).toBe('2026-01-02T03:04:07.000001');
    expect(columns.duration_sec).toBeCloseTo(1.000002, 9);
    expect(columns.start_time_ms).toBe(new Date(2026, 0, 2, 3, 4, 5, 999).getTime());
  });
});

describe('identity and idempotency', () => {
  it('the same result re-saved with other formatting is a duplicate by natural key', async () => {
    const r = makeResult();
    const a = await importResultFile(db, write(r), { hashFn: null });
    const b = await importResultFile(db, write(JSON.stringify(r)), { hashFn: null }); // compact: other bytes
    expect(a.outcome).toBe('added');
    expect(b).toMatchObject({ outcome: 'duplicate', matchedBy: 'natural_key' });
    expect(count('results')).toBe(1);
  });

  it('the runner reporting an already imported result links it to the run', async () => {
    db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('c1', 'c', '{}', 'now', 'now');
             INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c1', 0, '{}', 'h', 's');
             INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (7, 'c1', 1, 0, 1);`);
    const file = write(makeResult());
    const first = await importResultFile(db, file, { hashFn: null });
    const again = await importResultFile(db, file, { runId: 7, hashFn: null });
    expect(first.outcome).toBe('added');
    expect(again).toMatchObject({ outcome: 'duplicate', linked: true });
    expect(db.prepare('SELECT run_id, source FROM results').get()).toEqual({ run_id: 7, source: 'measured' });
  });

  it('a measured result (runId) is stored as measured', async () => {
    db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('c1', 'c', '{}', 'now', 'now');
             INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c1', 0, '{}', 'h', 's');
             INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (3, 'c1', 1, 0, 1);`);
    const { columns } = await importAndRead(makeResult(), { runId: 3 });
    expect(columns).toMatchObject({ run_id: 3, source: 'measured' });
  });

  it('a runId that does not exist is rejected with nothing stored', async () => {
    const outcome = await importResultFile(db, write(makeResult()), { runId: 999, hashFn: null });
    expect(outcome.outcome).toBe('rejected');
    if (outcome.outcome === 'rejected') expect(outcome.reason).toMatch(/FOREIGN KEY/);
    expect(count('results')).toBe(0);
  });
});

describe('timeseries.parquet beside the result', () => {
  function withParquet(asset: string | null, timeseries: string = 'timeseries.parquet'): string {
    const file = write(makeResult({ timeseries }));
    if (asset) copyFileSync(path.join(OWN_FIXTURES, asset), path.join(path.dirname(file), 'timeseries.parquet'));
    return file;
  }

  it('imports every row of a pyarrow-written file (Snappy, dictionary, nulls)', async () => {
    const outcome = await importResultFile(db, withParquet('timeseries_12rows.parquet'), { hashFn: null });
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    const rows = db.prepare('SELECT * FROM llem_timeseries WHERE result_id = ? ORDER BY timestamp_s').all(outcome.resultId) as Record<string, number | null>[];
    expect(rows).toHaveLength(12);
    // Values as the generator script (fixtures/make_timeseries_parquet.py) wrote them.
    rows.forEach((r, i) => {
      expect(r.timestamp_s).toBe(i);
      expect(r.gpu_index).toBe(0);
      expect(r.power_w).toBe(i === 3 ? null : 60 + 15.5 * i);
      expect(r.temperature_c).toBe(i === 7 ? null : 30 + 0.5 * i);
      expect(r.memory_used_mb).toBe(1024 + 8 * i);
      expect(r.memory_total_mb).toBe(40960);
      expect(r.sm_utilisation_pct).toBe(Math.min(100, 10 * i));
    });
    expect(rows.map((r) => r.throttle_reasons)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x20, 0x4]);
    expect(getResult(db, outcome.resultId)).toMatchObject({ ok: true, value: { columns: { timeseries_status: 'imported' } } });
  });

  it('an empty parquet imports as zero rows', async () => {
    const outcome = await importResultFile(db, withParquet('timeseries_empty.parquet'), { hashFn: null });
    expect(outcome.outcome).toBe('added');
    expect(outcome.outcome === 'added' && outcome.notes.filter((n) => n.includes('timeseries'))).toEqual([]);
    expect(count('llem_timeseries')).toBe(0);
  });

  it('a parquet with other columns is flagged unreadable; the result itself is kept', async () => {
    const outcome = await importResultFile(db, withParquet('timeseries_wrong_columns.parquet'), { hashFn: null });
    if (outcome.outcome !== 'added') throw new Error(JSON.stringify(outcome));
    expect(outcome.notes.join()).toMatch(/timeseries unreadable: .*missing column\(s\) timestamp_s/);
    expect(count('llem_timeseries')).toBe(0);
  });

  it('a corrupt parquet is flagged unreadable', async () => {
    const file = write(makeResult({ timeseries: 'timeseries.parquet' }));
    writeFileSync(path.join(path.dirname(file), 'timeseries.parquet'), 'PAR1 not really');
    const outcome = await importResultFile(db, file, { hashFn: null });
    expect(outcome.outcome === 'added' && outcome.notes.join()).toMatch(/timeseries unreadable/);
  });

  it('a timeseries name pointing outside the result folder is not followed', async () => {
    const outcome = await importResultFile(db, withParquet(null, '../../etc/passwd'), { hashFn: null });
    expect(outcome.outcome === 'added' && outcome.notes.join()).toMatch(/not a file inside the result's folder/);
  });
});

describe('rejections name the problem and where', () => {
  async function rejectionOf(content: unknown): Promise<string> {
    const outcome = await importResultFile(db, write(content), { hashFn: null });
    if (outcome.outcome !== 'rejected') throw new Error(`expected rejection, got ${outcome.outcome}`);
    expect(count('results')).toBe(0);
    return outcome.reason;
  }

  it('wrong types give the field path', async () => {
    expect(await rejectionOf(makeResult({}, { total_tokens: 'many' }))).toMatch(/total_tokens: .*expected number/);
    const r = makeResult();
    (r.effective_config as Record<string, unknown>).n = 2.5;
    expect(await rejectionOf(r)).toMatch(/effective_config\.n/);
  });
  it('unsupported schema versions', async () => {
    expect(await rejectionOf(makeResult({}, { schema_version: '1.0' }))).toMatch(/schema_version: only llem result schema 2\.x/);
  });
  it('impossible dates', async () => {
    expect(await rejectionOf(makeResult({ startTime: '2026-02-30T10:00:00' }))).toMatch(/start_time: not a real date-time/);
  });
  it('NaN and truncated files', async () => {
    expect(await rejectionOf('{"schema_version": "2.0", "total_energy_j": NaN}')).toMatch(/NaN\/Infinity at line 1, column 45/);
    expect(await rejectionOf(JSON.stringify(makeResult()).slice(0, 200))).toMatch(/ends early|not valid JSON/);
    expect(await rejectionOf('[1, 2]')).toMatch(/expected a JSON object/);
    expect(await rejectionOf('')).toMatch(/empty/);
  });
});
