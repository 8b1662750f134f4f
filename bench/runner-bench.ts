/**
 * Runner and telemetry benchmarks (run: `node scripts/bench.mjs runner`). Goals from issue 4:
 *   1. SQLite ingest of 1M telemetry samples ≤ 1 s — with the default layout (chunks), rows side by side;
 *   1b. reading them back (rollups build, chart series, energy recovery) from chunks is no slower than from rows;
 *   2. orchestrator + telemetry CPU use at 10 Hz with the replay source ≤ 1 % of one core;
 *   3. sample-to-subscriber latency p95 ≤ 100 ms.
 * The replay recording is synthetic (tests/fixtures/fake-llem/replay-synthetic.jsonl); no GPU is involved.
 * BENCH_CPU_SECONDS shortens/lengthens benchmarks 2–3 (default 20); BENCH_ONLY=ingest|cpu runs one part.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TelemetrySample } from '../contract/telemetry';
import { ProcessRegistry } from '../core/processes/registry';
import { CampaignRunner, plainYamlWriter } from '../core/runner/campaignRunner';
import { openDatabase, type Db } from '../core/store/database';
import { TelemetryHub } from '../core/telemetry/hub';
import type { TelemetrySource } from '../core/telemetry/source';
import { ReplaySource } from '../core/telemetry/sources/replay';
import { DEFAULT_TELEMETRY_LAYOUT, TelemetryWriter, type TaggedSample, type TelemetryLayout } from '../core/telemetry/sampleWriterStore';
import { ok } from '../contract/result';
import { getAppTelemetrySeries } from '../core/results/telemetrySeries';
import { refreshTelemetryRollups } from '../core/results/telemetryRollupStore';
import { energyFromStoredSamples } from '../core/telemetry/storedSampleStore';
import { report } from './_report';

const root = process.cwd();
const REPLAY = path.join(root, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');
const FAKE_LLEM = path.join(root, 'tests/fixtures/fake-llem/llem.mjs');
const results: { name: string; value: string; goal: string; met: boolean }[] = [];

function tempDb(): { db: Db; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-bench-'));
  const opened = openDatabase(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  return { db: opened.value, dir };
}

function seedRun(db: Db): number {
  const now = new Date().toISOString();
  db.prepare("INSERT INTO campaigns (id, name, study_json, status, created_at, updated_at) VALUES ('b', 'b', '{}', 'running', ?, ?)").run(now, now);
  db.prepare("INSERT INTO experiments (id, campaign_id, ordinal, config_json, measurement_config_hash, summary) VALUES (1, 'b', 0, '{}', 'h', 's')").run();
  db.prepare("INSERT INTO runs (id, campaign_id, experiment_id, run_index, cycle) VALUES (1, 'b', 1, 0, 1)").run();
  return 1;
}

const N = 1_000_000;
const GPUS = 8;

function makeSamples(runId: number, t0: number): TaggedSample[] {
  const rows: TaggedSample[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const sample: TelemetrySample = {
      gpuIndex: i % GPUS,
      tMs: t0 + Math.floor(i / GPUS) * 100,
      powerW: 200 + (i % 50),
      powerInstant: true,
      energyMj: 1e9 + i * 20,
      temperatureC: 60,
      smUtilPct: 95,
      memoryUsedMb: 30000,
      memoryTotalMb: 81559,
      smClockMhz: 1980,
      memClockMhz: 2619,
      throttleReasons: 0,
    };
    rows[i] = { sample, runId, attempt: 1, phase: 'measuring' };
  }
  return rows;
}

const layoutName = (layout: TelemetryLayout) => `${layout} layout${layout === DEFAULT_TELEMETRY_LAYOUT ? ' (default)' : ''}`;

/**
 * Stores 1M samples (8 GPUs) with the writer in batches of `batch` samples; returns the seconds taken and
 * the open database for the read-back benchmark. `batch` 2000 = the writer's default maximum batch (the number
 * of transactions is what the writer controls); 80 = one flush per second of 8 GPUs at 10 Hz, as in production,
 * which makes 10-sample chunks.
 */
function ingest(layout: TelemetryLayout, batch: number): { seconds: number; db: Db; dir: string; t0: number } {
  const { db, dir } = tempDb();
  const runId = seedRun(db);
  const t0 = Date.now();
  const rows = makeSamples(runId, t0);
  const writer = new TelemetryWriter(db, { maxBuffered: batch, layout });
  const start = performance.now();
  for (let i = 0; i < N; i += batch) writer.add(rows.slice(i, i + batch));
  writer.flush();
  const seconds = (performance.now() - start) / 1000;
  const stored = (db.prepare(layout === 'chunks' ? 'SELECT SUM(n) AS n FROM telemetry_chunks' : 'SELECT COUNT(*) AS n FROM telemetry_samples').get() as { n: number }).n;
  if (stored !== N) throw new Error(`stored ${stored} of ${N}`);
  return { seconds, db, dir, t0 };
}

interface ReadTimes {
  rollupsS: number;
  wholeMs: number;
  zoomMs: number;
  energyS: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Reading 1M stored samples back: first rollups build (all 8 GPUs), chart queries, energy recovery. */
function readBack(db: Db, t0: number): ReadTimes {
  let start = performance.now();
  for (let g = 0; g < GPUS; g++) {
    const r = refreshTelemetryRollups(db, 1, g);
    if (!r.ok || r.value.samples !== N / GPUS) throw new Error(r.ok ? `rolled up ${r.value.samples}` : r.error.message);
  }
  const rollupsS = (performance.now() - start) / 1000;
  const query = (q: Omit<Parameters<typeof getAppTelemetrySeries>[1], 'runId'>): number => {
    const runs: number[] = [];
    for (let k = 0; k < 9; k++) {
      const s0 = performance.now();
      const r = getAppTelemetrySeries(db, { runId: 1, ...q });
      runs.push(performance.now() - s0);
      if (!r.ok) throw new Error(r.error.message);
    }
    return median(runs);
  };
  const span = (N / GPUS) * 100;
  const wholeMs = query({ metric: 'power_w', width: 1000 });
  // 10 % of the run at 1,000 px: 12,500 samples, few enough per pixel to be read raw.
  const zoomMs = query({ metric: 'power_w', gpuIndex: 3, width: 1000, fromMs: t0 + span * 0.45, toMs: t0 + span * 0.55 });
  start = performance.now();
  const energy = energyFromStoredSamples(db, 1, 1);
  if (energy.length !== 2 * GPUS) throw new Error(`energy for ${energy.length} GPU windows`); // run + measuring
  const energyS = (performance.now() - start) / 1000;
  return { rollupsS, wholeMs, zoomMs, energyS };
}

function benchIngestAndRead(): void {
  const layouts: TelemetryLayout[] = [DEFAULT_TELEMETRY_LAYOUT, ...(['chunks', 'rows'] as const).filter((l) => l !== DEFAULT_TELEMETRY_LAYOUT)];
  const reads = new Map<string, ReadTimes>();
  for (const layout of layouts) {
    const { seconds, db, dir, t0 } = ingest(layout, 2000);
    try {
      results.push({ name: `SQLite ingest of 1M samples, ${layoutName(layout)}`, value: `${seconds.toFixed(2)} s (${Math.round(N / seconds).toLocaleString('en')} samples/s)`, goal: '≤ 1 s', met: seconds <= 1 });
      reads.set(layout, readBack(db, t0));
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Production-sized chunks (one flush per second: 10 samples per GPU): more, smaller blobs to read.
  const small = ingest('chunks', 80);
  try {
    results.push({ name: 'SQLite ingest of 1M samples, chunks layout, 80-sample flushes (10-sample chunks)', value: `${small.seconds.toFixed(2)} s`, goal: 'info', met: true });
    reads.set('chunks, 10-sample chunks', readBack(small.db, small.t0));
  } finally {
    small.db.close();
    rmSync(small.dir, { recursive: true, force: true });
  }
  const rows = reads.get('rows')!;
  for (const [label, r] of reads) {
    const vs = label === 'rows' ? '' : ` (rows: ${rows.rollupsS.toFixed(2)} s, ${rows.wholeMs.toFixed(1)} ms, ${rows.zoomMs.toFixed(1)} ms, ${rows.energyS.toFixed(2)} s)`;
    results.push({
      name: `read back 1M samples, ${label === 'rows' ? layoutName('rows') : label.startsWith('chunks,') ? label : layoutName('chunks')}: rollups build (8 GPUs), whole-run series, 10 % zoom (raw), energy recovery`,
      value: `${r.rollupsS.toFixed(2)} s, ${r.wholeMs.toFixed(1)} ms, ${r.zoomMs.toFixed(1)} ms, ${r.energyS.toFixed(2)} s${vs}`,
      goal: label === 'rows' ? 'baseline' : 'not slower than rows',
      met: label === 'rows' || (r.rollupsS <= rows.rollupsS && r.zoomMs <= rows.zoomMs * 1.2 + 1 && r.energyS <= rows.energyS),
    });
  }
}

function childCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

async function benchCpuAndLatency(): Promise<void> {
  const { db, dir } = tempDb();
  const seconds = Number(process.env.BENCH_CPU_SECONDS ?? 20);
  try {
    const replay = ReplaySource.fromFile(REPLAY, 100);
    if (!replay.ok) throw new Error(replay.error.message);
    // Latency is measured from the moment the source hands a sample over (= when NVML was read, for the NVML
    // source); the replay's own timestamps are its recording's, up to one tick earlier.
    const handedOver = new WeakMap<object, number>();
    const source: TelemetrySource = {
      kind: 'replay',
      start: (sink) =>
        replay.value.start((batch) => {
          const t = performance.now();
          for (const x of batch) handedOver.set(x, t);
          sink(batch);
        }),
      stop: () => replay.value.stop(),
    };
    const hub = new TelemetryHub({ source, db }); // default layout
    const latencies: number[] = [];
    let frames = 0;
    hub.subscribe((f) => {
      frames++;
      const now = performance.now();
      for (const x of f.samples) {
        const t = handedOver.get(x);
        if (t !== undefined) latencies.push(now - t);
      }
    });
    await hub.start();
    const registry = new ProcessRegistry();
    const plan = {
      campaignId: 'bench',
      name: 'bench',
      studyJson: '{}',
      studyDesignHash: null,
      llemProfile: 'head',
      gaps: { experimentGapSeconds: null, cycleGapSeconds: null },
      runs: [{ index: 0, cycle: 1, configIndex: 0, measurementConfigHash: 'h', summary: 'hang', configJson: '{}', experimentConfig: { model: 'fake/hang', n: 4 } }],
    };
    const runner = new CampaignRunner(
      {
        db,
        dataDir: dir,
        registry,
        llem: { command: process.execPath, args: [FAKE_LLEM], source: 'configured', display: 'fake llem' },
        llemVersion: null,
        writeExperimentYaml: plainYamlWriter,
        importRunResult: async () => ok({ resultId: null, notes: [] }),
        telemetry: hub,
        env: { ...process.env, FAKE_LLEM_STEP_MS: '5' },
        options: { graceMs: 1000 },
      },
      plan,
    );
    // A subscriber like the UI's (events are cheap but real).
    runner.subscribe(() => undefined);
    let guardianPid = 0;
    runner.subscribe((e) => {
      if (e.type === 'run.started') setTimeout(() => (guardianPid = registry.get(`run:${e.runId}`)?.pid ?? 0), 100);
    });
    const done = runner.run();
    // Let the run reach its steady state (llem "measuring", hanging), then measure.
    await new Promise((r) => setTimeout(r, 2000));
    const cpu0 = process.cpuUsage();
    const guard0 = childCpuSeconds(guardianPid);
    const wall0 = performance.now();
    latencies.length = 0;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - wall0) / 1000;
    const guard = childCpuSeconds(guardianPid) - guard0;
    runner.cancel();
    await done;
    await hub.stop();
    const appPct = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
    const guardPct = (guard / wall) * 100;
    results.push({
      name: `orchestrator + telemetry CPU at 10 Hz (replay, 2 GPUs, ${Math.round(wall)} s)`,
      value: `${appPct.toFixed(2)} % of one core (+ guardian process ${guardPct.toFixed(2)} %)`,
      goal: '≤ 1 %',
      met: appPct + guardPct <= 1,
    });
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    results.push({
      name: `sample-to-subscriber latency (${latencies.length} samples, ${frames} frames)`,
      value: `p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(2)} ms`,
      goal: 'p95 ≤ 100 ms',
      met: q(0.95) <= 100,
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_ONLY;
if (!only || only === 'ingest') benchIngestAndRead();
if (!only || only === 'cpu') await benchCpuAndLatency();
report('runner and telemetry store', results.map((r) => ({ ...r, met: r.goal === 'info' || r.goal === 'baseline' ? null : r.met, goal: r.goal === 'info' || r.goal === 'baseline' ? '' : r.goal })));
