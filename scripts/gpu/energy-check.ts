/**
 * Energy cross-check of a GPU campaign (issue #9): for every run in a data directory, the energy of GPU 0 three
 * ways, over the same window, with the differences in %:
 *   (i)   counter    — NVML's total-energy counter from the samples the app stored (since issue 19 read at 1 Hz and
 *                        at phase boundaries: bridged at the edges by integrated power, core/telemetry/energy.ts;
 *                        the interpolated variant interpolates the counter between its readings);
 *   (ii)  integrated — trapezoidal integral of the app's stored power samples;
 *   (iii) llem       — `total_energy_j` of the imported result (llem's own NVML sampling, measurement only).
 * llem measures only its measurement window (results.start_time_ms … end_time_ms), narrower than a run's whole
 * telemetry (model load, baseline, warm-up, thermal floor, measurement), so (i) and (ii) are cut to that window
 * for the like-for-like figures, two ways: the app's own EnergyAccumulator over the samples inside the window
 * (edges fall up to one sample interval inside it), and with the counter/power linearly interpolated to the
 * window's exact edges. Whole-run figures, the app's `measuring` phase and llem's own 1 Hz timeseries (when
 * imported) are reported too, as is what the app stored in run_energy while running.
 *
 * Uses the app's code (core/telemetry/storedSampleStore.ts readRunTelemetry for both storage layouts, core/telemetry/energy.ts
 * EnergyAccumulator / integratePowerJ). Bundled by scripts/gpu/build-app.mjs to .gpu-bundle/app/energy-check.mjs.
 *
 * Usage: node energy-check.mjs DATA_DIR [--json OUT.json] [--campaign ID]
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TelemetrySample } from '../../contract/telemetry';
import type { StoredSample } from '../../core/telemetry/chunks';
import { readRunTelemetry } from '../../core/telemetry/storedSampleStore';
import { EnergyAccumulator, integratePowerJ } from '../../core/telemetry/energy';

interface Figures {
  counterJ: number | null;
  integratedJ: number | null;
  samples: number;
  startMs: number | null;
  endMs: number | null;
}

interface ResultRow {
  id: number;
  start_time: string;
  end_time: string;
  start_time_ms: number | null;
  end_time_ms: number | null;
  duration_sec: number | null;
  total_energy_j: number | null;
  energy_adjusted_j: number | null;
  baseline_power_w: number | null;
  precision: string | null;
  batch_size: number | null;
  output_tokens: number | null;
}

interface RunCheck {
  runId: number;
  runIndex: number;
  campaignId: string;
  attempt: number;
  status: string;
  failureReason: string | null;
  result: null | {
    resultId: number;
    startTime: string;
    endTime: string;
    startMs: number | null;
    endMs: number | null;
    windowSeconds: number | null;
    durationSec: number | null;
    llemTotalJ: number | null;
    llemAdjustedJ: number | null;
    llemBaselineW: number | null;
    precision: string | null;
    batchSize: number | null;
    outputTokens: number | null;
  };
  telemetry: {
    gpus: number[];
    samplesGpu0: number;
    medianIntervalMs: number | null;
    powerInstantShare: number | null;
    phases: Record<string, number>;
  };
  /** GPU 0, every sample of the attempt. */
  wholeRun: Figures;
  /** GPU 0, samples the app tagged `measuring` (from llem's log lines). */
  measuringPhase: Figures;
  /** GPU 0, samples inside llem's window (EnergyAccumulator, as the app computes). */
  llemWindow: Figures | null;
  /** GPU 0, counter and power interpolated to llem's exact window edges. */
  llemWindowInterpolated: { counterJ: number | null; integratedJ: number | null } | null;
  /** llem's window minus the app's `measuring` phase (s): start and end; large values mean a clock or time-zone mismatch. */
  windowVsMeasuringPhaseS: { start: number; end: number } | null;
  /** llem's own timeseries (imported parquet), trapezoid over its 1 Hz power. */
  llemTimeseriesIntegratedJ: number | null;
  diffsPct: {
    counterVsLlem: number | null;
    integratedVsLlem: number | null;
    counterInterpVsLlem: number | null;
    integratedInterpVsLlem: number | null;
    counterVsIntegrated: number | null;
    wholeRunCounterVsIntegrated: number | null;
  };
  /** What the runner stored in run_energy while the run went (its own windows). */
  storedRunEnergy: { gpuIndex: number; window: string; counterJ: number | null; integratedJ: number | null; llemJ: number | null; samples: number }[];
  notes: string[];
}

function parseArgs(argv: string[]): { dataDir: string; json: string | null; campaign: string | null } {
  let dataDir: string | null = null;
  let json: string | null = null;
  let campaign: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = argv[++i] ?? null;
    else if (a === '--campaign') campaign = argv[++i] ?? null;
    else if (!dataDir) dataDir = a;
  }
  if (!dataDir) {
    process.stderr.write('usage: energy-check DATA_DIR [--json OUT.json] [--campaign ID]\n');
    process.exit(2);
  }
  return { dataDir, json, campaign };
}

function figures(samples: readonly TelemetrySample[]): Figures {
  const acc = new EnergyAccumulator();
  for (const s of samples) acc.add(s);
  return { counterJ: acc.counterJ, integratedJ: acc.integrated, samples: acc.count, startMs: acc.startMs, endMs: acc.endMs };
}

/** Linear interpolation of `value` at time t from time-sorted samples (null outside the sampled range). */
function interpolateAt(samples: readonly TelemetrySample[], t: number, value: (s: TelemetrySample) => number | null): number | null {
  let prev: TelemetrySample | null = null;
  for (const s of samples) {
    const v = value(s);
    if (v === null) continue;
    if (s.tMs >= t) {
      if (s.tMs === t || prev === null) return s.tMs === t ? v : null;
      const pv = value(prev)!;
      return pv + ((v - pv) * (t - prev.tMs)) / (s.tMs - prev.tMs);
    }
    prev = s;
  }
  return null;
}

/** Counter difference and power integral over exactly [from, to], interpolating at the edges. */
function interpolatedWindow(samples: readonly TelemetrySample[], from: number, to: number): { counterJ: number | null; integratedJ: number | null } {
  const e0 = interpolateAt(samples, from, (s) => s.energyMj);
  const e1 = interpolateAt(samples, to, (s) => s.energyMj);
  const p0 = interpolateAt(samples, from, (s) => s.powerW);
  const p1 = interpolateAt(samples, to, (s) => s.powerW);
  const inside = samples.filter((s) => s.tMs > from && s.tMs < to);
  const path: Pick<TelemetrySample, 'tMs' | 'powerW'>[] = [];
  if (p0 !== null) path.push({ tMs: from, powerW: p0 });
  path.push(...inside);
  if (p1 !== null) path.push({ tMs: to, powerW: p1 });
  return {
    counterJ: e0 !== null && e1 !== null && e1 >= e0 ? (e1 - e0) / 1000 : null,
    integratedJ: p0 !== null && p1 !== null ? integratePowerJ(path) : null,
  };
}

function pct(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : ((a - b) / b) * 100;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const file = args.dataDir.endsWith('.sqlite') ? args.dataDir : path.join(args.dataDir, 'llem-studio.sqlite');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const runs = db
    .prepare(
      `SELECT id, campaign_id, run_index, status, failure_reason, attempt FROM runs
        WHERE attempt > 0 AND (? IS NULL OR campaign_id = ?) ORDER BY campaign_id, run_index`,
    )
    .all(args.campaign, args.campaign) as { id: number; campaign_id: string; run_index: number; status: string; failure_reason: string | null; attempt: number }[];
  const resultStmt = db.prepare(
    `SELECT id, start_time, end_time, start_time_ms, end_time_ms, duration_sec, total_energy_j, energy_adjusted_j, baseline_power_w,
            precision, batch_size, output_tokens FROM results WHERE run_id = ?`,
  );
  const resultByTimeStmt = db.prepare(
    `SELECT id, start_time, end_time, start_time_ms, end_time_ms, duration_sec, total_energy_j, energy_adjusted_j, baseline_power_w,
            precision, batch_size, output_tokens FROM results WHERE run_id IS NULL AND start_time_ms BETWEEN ? AND ? ORDER BY start_time_ms LIMIT 1`,
  );
  const attemptStmt = db.prepare('SELECT started_at, ended_at FROM run_attempts WHERE run_id = ? AND attempt = ?');
  const energyStmt = db.prepare('SELECT gpu_index, window, counter_j, integrated_j, llem_j, sample_count FROM run_energy WHERE run_id = ? AND attempt = ? ORDER BY gpu_index, window');
  const tsStmt = db.prepare('SELECT timestamp_s, power_w FROM llem_timeseries WHERE result_id = ? AND gpu_index = 0 ORDER BY timestamp_s');

  const checks: RunCheck[] = [];
  for (const run of runs) {
    const notes: string[] = [];
    const stored: StoredSample[] = readRunTelemetry(db, { runId: run.id, attempt: run.attempt });
    const gpus = [...new Set(stored.map((s) => s.sample.gpuIndex))].sort((a, b) => a - b);
    const gpu0 = stored.filter((s) => s.sample.gpuIndex === 0);
    const samples = gpu0.map((s) => s.sample);
    const phases: Record<string, number> = {};
    for (const s of gpu0) phases[s.phase] = (phases[s.phase] ?? 0) + 1;
    const intervals: number[] = [];
    for (let i = 1; i < samples.length; i++) intervals.push(samples[i]!.tMs - samples[i - 1]!.tMs);
    const withPower = samples.filter((s) => s.powerW !== null);

    let r = resultStmt.get(run.id) as ResultRow | undefined;
    if (!r) {
      // Not linked to the run (e.g. imported afterwards with `llem-studio import`): the result whose measurement
      // started during this attempt.
      const a = attemptStmt.get(run.id, run.attempt) as { started_at: string; ended_at: string | null } | undefined;
      const from = a ? Date.parse(a.started_at) : NaN;
      const to = a?.ended_at ? Date.parse(a.ended_at) : samples.length ? samples[samples.length - 1]!.tMs : NaN;
      if (Number.isFinite(from) && Number.isFinite(to)) {
        r = resultByTimeStmt.get(from, to) as ResultRow | undefined;
        if (r) notes.push(`result ${r.id} matched by time (not linked to the run)`);
      }
    }
    const wholeRun = figures(samples);
    const measuringPhase = figures(gpu0.filter((s) => s.phase === 'measuring').map((s) => s.sample));
    let llemWindow: Figures | null = null;
    let llemWindowInterpolated: RunCheck['llemWindowInterpolated'] = null;
    let llemTimeseriesIntegratedJ: number | null = null;
    if (!r) notes.push('no imported result for this run');
    else {
      if (r.start_time_ms === null || r.end_time_ms === null) notes.push('result has no start_time_ms/end_time_ms');
      else {
        const from = r.start_time_ms;
        const to = r.end_time_ms;
        if (samples.length > 0 && (to < samples[0]!.tMs || from > samples[samples.length - 1]!.tMs)) {
          notes.push(
            `llem's window ${new Date(from).toISOString()}…${new Date(to).toISOString()} lies outside the run's telemetry ${new Date(samples[0]!.tMs).toISOString()}…${new Date(samples[samples.length - 1]!.tMs).toISOString()} (time-zone shift?)`,
          );
        }
        llemWindow = figures(samples.filter((s) => s.tMs >= from && s.tMs <= to));
        llemWindowInterpolated = interpolatedWindow(samples, from, to);
        const naive = !/(Z|[+-]\d\d:?\d\d)$/.test(r.start_time);
        const ph = measuringPhase.startMs;
        if (naive && (ph === null || Math.abs(from - ph) > 5000)) {
          notes.push(`llem's start_time "${r.start_time}" has no time zone; the importer read it as ${new Date(from).toISOString()}, which does not match the app's measuring phase`);
        }
        if (samples.length > 0 && llemWindow.samples < 10) notes.push(`only ${llemWindow.samples} app sample(s) in llem's ${((to - from) / 1000).toFixed(2)} s window: edge effects dominate`);
      }
      const ts = tsStmt.all(r.id) as { timestamp_s: number; power_w: number | null }[];
      if (ts.length > 1) llemTimeseriesIntegratedJ = integratePowerJ(ts.map((x) => ({ tMs: x.timestamp_s * 1000, powerW: x.power_w })));
    }
    if (samples.length === 0) notes.push('no app telemetry stored for GPU 0 (telemetry off?)');
    else if (samples.every((s) => s.energyMj === null)) notes.push('no energy-counter readings (nvidia-smi source, or a GPU before Volta)');
    const llemJ = r?.total_energy_j ?? null;
    checks.push({
      runId: run.id,
      runIndex: run.run_index,
      campaignId: run.campaign_id,
      attempt: run.attempt,
      status: run.status,
      failureReason: run.failure_reason,
      result: r
        ? {
            resultId: r.id,
            startTime: r.start_time,
            endTime: r.end_time,
            startMs: r.start_time_ms,
            endMs: r.end_time_ms,
            windowSeconds: r.start_time_ms !== null && r.end_time_ms !== null ? (r.end_time_ms - r.start_time_ms) / 1000 : null,
            durationSec: r.duration_sec,
            llemTotalJ: r.total_energy_j,
            llemAdjustedJ: r.energy_adjusted_j,
            llemBaselineW: r.baseline_power_w,
            precision: r.precision,
            batchSize: r.batch_size,
            outputTokens: r.output_tokens,
          }
        : null,
      telemetry: {
        gpus,
        samplesGpu0: samples.length,
        medianIntervalMs: median(intervals),
        powerInstantShare: withPower.length ? withPower.filter((s) => s.powerInstant).length / withPower.length : null,
        phases,
      },
      wholeRun,
      measuringPhase,
      llemWindow,
      llemWindowInterpolated,
      windowVsMeasuringPhaseS:
        r && r.start_time_ms !== null && r.end_time_ms !== null && measuringPhase.startMs !== null && measuringPhase.endMs !== null
          ? { start: (r.start_time_ms - measuringPhase.startMs) / 1000, end: (r.end_time_ms - measuringPhase.endMs) / 1000 }
          : null,
      llemTimeseriesIntegratedJ,
      diffsPct: {
        counterVsLlem: pct(llemWindow?.counterJ ?? null, llemJ),
        integratedVsLlem: pct(llemWindow?.integratedJ ?? null, llemJ),
        counterInterpVsLlem: pct(llemWindowInterpolated?.counterJ ?? null, llemJ),
        integratedInterpVsLlem: pct(llemWindowInterpolated?.integratedJ ?? null, llemJ),
        counterVsIntegrated: pct(llemWindow?.counterJ ?? null, llemWindow?.integratedJ ?? null),
        wholeRunCounterVsIntegrated: pct(wholeRun.counterJ, wholeRun.integratedJ),
      },
      storedRunEnergy: (
        energyStmt.all(run.id, run.attempt) as { gpu_index: number; window: string; counter_j: number | null; integrated_j: number | null; llem_j: number | null; sample_count: number }[]
      ).map((e) => ({ gpuIndex: e.gpu_index, window: e.window, counterJ: e.counter_j, integratedJ: e.integrated_j, llemJ: e.llem_j, samples: e.sample_count })),
      notes,
    });
  }
  db.close();

  const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '–' : v.toFixed(d));
  const lines: string[] = [];
  lines.push(`energy check: ${file}: ${checks.length} run(s); GPU 0; J unless noted; % = (app − llem) / llem`);
  lines.push(
    [
      'run', 'status', 'prec', 'batch', 'win s', 'llem J', 'ctr J', 'int J', 'ctr %', 'int %', 'ctr≈ J', 'int≈ J', 'ctr≈ %', 'int≈ %', 'n win', 'whole ctr', 'whole int', 'meas ctr', 'llem ts J',
    ].join('\t'),
  );
  for (const c of checks) {
    lines.push(
      [
        `${c.runIndex + 1}`,
        c.status,
        c.result?.precision ?? '–',
        `${c.result?.batchSize ?? '–'}`,
        f(c.result?.windowSeconds),
        f(c.result?.llemTotalJ),
        f(c.llemWindow?.counterJ),
        f(c.llemWindow?.integratedJ),
        f(c.diffsPct.counterVsLlem, 1),
        f(c.diffsPct.integratedVsLlem, 1),
        f(c.llemWindowInterpolated?.counterJ),
        f(c.llemWindowInterpolated?.integratedJ),
        f(c.diffsPct.counterInterpVsLlem, 1),
        f(c.diffsPct.integratedInterpVsLlem, 1),
        `${c.llemWindow?.samples ?? '–'}`,
        f(c.wholeRun.counterJ, 1),
        f(c.wholeRun.integratedJ, 1),
        f(c.measuringPhase.counterJ),
        f(c.llemTimeseriesIntegratedJ),
      ].join('\t'),
    );
    const off = c.windowVsMeasuringPhaseS;
    if (off) lines.push(`    llem window vs the app's measuring phase: start ${off.start >= 0 ? '+' : ''}${off.start.toFixed(2)} s, end ${off.end >= 0 ? '+' : ''}${off.end.toFixed(2)} s`);
    for (const n of c.notes) lines.push(`    note: ${n}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (args.json) writeFileSync(args.json, JSON.stringify({ database: file, generatedAt: new Date().toISOString(), runs: checks }, null, 2) + '\n');
}

main();
