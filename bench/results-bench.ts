/**
 * Speed goals of the results store (issue 5), measured on generated data:
 *   1. import 1,000 llem result files (real-sized, hash verified)      goal ≤ 2 s
 *   2. aggregate 10,000 stored runs (2,000 configs × 5 cycles)         goal ≤ 200 ms
 *   3. list / filter / sort over 10,000 results                        goal ≤ 100 ms per query
 *   4. a 1M-sample telemetry series downsampled to a chart width       goal ≤ 200 ms per query
 * Run with `node bench/results-bench.mjs` (it bundles this file with esbuild first).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { aggregateStored } from '../core/results/aggregate';
import { importPaths } from '../core/results/importPaths';
import { listResults, type ResultListQuery } from '../core/results/resultListStore';
import { getAppTelemetrySeries } from '../core/results/telemetrySeries';
import { refreshTelemetryRollups } from '../core/results/telemetryRollupStore';
import { openDatabase, type Db } from '../core/store/database';
import { addSeconds, makeResult } from '../tests/unit/results/makeResult';
import { report } from './_report';

interface Line {
  name: string;
  ms: number;
  goalMs: number | null;
}
const lines: Line[] = [];

function time<T>(name: string, goalMs: number | null, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  lines.push({ name, ms: performance.now() - t0, goalMs });
  return out;
}
async function timeAsync<T>(name: string, goalMs: number | null, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  lines.push({ name, ms: performance.now() - t0, goalMs });
  return out;
}

function open(dir: string): Db {
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  return opened.value;
}

/** A result as big as a real one (~15 KB: llem lists ~150 installed packages). */
function realisticResult(i: number): Record<string, unknown> {
  const r = makeResult({
    model: `org/model-${i % 50}`,
    startTime: addSeconds('2026-01-01T00:00:00.000000', i * 60),
    energyJ: 400 + (i % 97),
    batchSize: 1 + (i % 8),
    warnings: i % 3 === 0 ? ['short_measurement_duration: measurement < 10s'] : [],
  });
  (r.environment_snapshot as Record<string, unknown>).installed_packages = Array.from({ length: 150 }, (_, k) => `package-${k}==1.${k}.0`);
  return r;
}

async function benchImport(root: string): Promise<void> {
  const files = path.join(root, 'files');
  for (let i = 0; i < 1000; i++) {
    const dir = path.join(files, `study_${Math.floor(i / 100)}`, `run_${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(realisticResult(i), null, 2));
  }
  const db = open(path.join(root, 'import-db'));
  const report = await timeAsync('import 1,000 result files (with hash check)', 2000, () => importPaths(db, [files]));
  if (report.added.length !== 1000) throw new Error(`expected 1000 added, got ${report.added.length} (${report.rejected[0]?.reason})`);
  db.close();
}

function seedResults(db: Db, count: number, cyclesPerConfig: number): void {
  const cols = [
    'source', 'file_sha256', 'imported_at', 'schema_version', 'experiment_id', 'measurement_config_hash', 'identity_hash', 'model', 'backend',
    'precision', 'n_prompts', 'batch_size', 'start_time', 'end_time', 'start_time_ms', 'duration_sec', 'total_tokens', 'output_tokens',
    'total_energy_j', 'energy_adjusted_j', 'total_inference_time_sec', 'avg_tokens_per_second', 'avg_energy_per_token_j', 'gpu_name',
    'throttle_detected', 'warning_count', 'effective_config_json', 'raw_json',
  ];
  const ins = db.prepare(`INSERT INTO results (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const warn = db.prepare('INSERT INTO result_warnings (result_id, ordinal, code, text) VALUES (?, 0, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const config = Math.floor(i / cyclesPerConfig);
      const energy = 300 + (config % 200) + (i % cyclesPerConfig) * 3;
      const info = ins.run(
        'imported', `sha-${i}`, 'now', '2.0', `exp-${i}`, `hash-${i}`, `config-${config}`, `org/model-${config % 40}`, i % 2 ? 'vllm' : 'pytorch',
        ['bf16', 'fp16', 'fp32'][config % 3], 10, 1 + (config % 16), `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}`, 'x', 1_767_225_600_000 + i * 1000,
        20, 960, 640, energy, energy - 200, 18, 53.3, energy / 640, i % 4 ? 'NVIDIA H100 80GB HBM3' : 'NVIDIA A100-SXM4-40GB', i % 50 === 0 ? 1 : 0,
        i % 3 === 0 ? 1 : 0, '{}', '{}',
      );
      if (i % 3 === 0) warn.run(info.lastInsertRowid, 'short_measurement_duration', 'short_measurement_duration: x');
    }
  })();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function benchAggregateAndQueries(root: string): void {
  const db = open(path.join(root, 'query-db'));
  seedResults(db, 10_000, 5);
  const aggregates = time('aggregate 10,000 runs (2,000 configs x 5 cycles), first call', 200, () => aggregateStored(db));
  if (!aggregates.ok || aggregates.value.length !== 2000) throw new Error('aggregation failed');
  const again: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    aggregateStored(db);
    again.push(performance.now() - t0);
  }
  lines.push({ name: 'aggregate 10,000 runs, warm (median of 5)', ms: median(again), goalMs: 200 });

  const queries: [string, ResultListQuery][] = [
    ['list 10k: newest first, page of 200', {}],
    ['list 10k: sort by J/token ascending', { sortBy: 'avg_energy_per_token_j', sortDir: 'asc' }],
    ['list 10k: filter model substring + GPU, sort by tokens/s', { model: 'model-1', gpuName: 'h100', sortBy: 'avg_tokens_per_second' }],
    ['list 10k: filter warnings + precision, sort by adjusted J/token', { hasWarnings: true, precision: 'bf16', sortBy: 'energy_per_token_adjusted_j' }],
    ['list 10k: sort by model, last page', { sortBy: 'model', offset: 9_800 }],
  ];
  for (const [name, q] of queries) {
    const runs: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      const r = listResults(db, q);
      runs.push(performance.now() - t0);
      if (!r.ok) throw new Error(r.error.message);
    }
    lines.push({ name: `${name} (median of 7)`, ms: median(runs), goalMs: 100 });
  }
  db.close();
}

function benchTelemetry(root: string): void {
  const db = open(path.join(root, 'telemetry-db'));
  db.exec(`INSERT INTO campaigns (id, name, study_json, created_at, updated_at) VALUES ('c', 'c', '{}', 'x', 'x');
           INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'c', 0, '{}', 'h', 's');
           INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (1, 'c', 1, 0, 1);`);
  const N = 1_000_000;
  const T0 = 1_767_225_600_000;
  time('(setup) write 1M telemetry samples', null, () => {
    const ins = db.prepare('INSERT INTO telemetry_samples (run_id, gpu_index, t_ms, power_w, temperature_c, sm_util_pct) VALUES (1, 0, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < N; i++) ins.run(T0 + i * 10, 250 + 100 * Math.sin(i / 5000) + (i % 13), 60 + (i % 20), 90);
    })();
  });
  time('(one-off) summarise 1M samples into rollups', null, () => refreshTelemetryRollups(db, 1, 0));
  const cases: [string, Parameters<typeof getAppTelemetrySeries>[1]][] = [
    ['1M series → 1,000 px min/max, whole run', { runId: 1, metric: 'power_w', width: 1000 }],
    ['1M series → 2,000 px min/max, whole run, temperature', { runId: 1, metric: 'temperature_c', width: 2000 }],
    ['1M series → 1,000 px LTTB, whole run', { runId: 1, metric: 'power_w', width: 1000, method: 'lttb' }],
    ['1M series → 1,000 px, middle 10 % zoom', { runId: 1, metric: 'power_w', width: 1000, fromMs: T0 + 4_500_000, toMs: T0 + 5_500_000 }],
    ['1M series → 800 px, 1 % zoom (raw samples)', { runId: 1, metric: 'power_w', width: 800, fromMs: T0 + 5_000_000, toMs: T0 + 5_100_000 }],
  ];
  for (const [name, q] of cases) {
    const runs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const r = getAppTelemetrySeries(db, q);
      runs.push(performance.now() - t0);
      if (!r.ok) throw new Error(r.error.message);
    }
    lines.push({ name: `${name} (median of 5)`, ms: median(runs), goalMs: 200 });
  }
  db.close();
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'llem-results-bench-'));
  try {
    await benchImport(root);
    benchAggregateAndQueries(root);
    benchTelemetry(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  report(
    'results store benchmarks',
    lines.map((l) => ({ name: l.name, value: `${l.ms.toFixed(1).padStart(8)} ms`, goal: l.goalMs === null ? '' : `≤ ${l.goalMs} ms`, met: l.goalMs === null ? null : l.ms <= l.goalMs })),
  );
}

await main();
