import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunCounts, RunEvent } from '../../contract/runEvents';
import type { TelemetryFrame, TelemetrySample } from '../../contract/telemetry';
import { runAdaptiveFromCli, type AdaptiveCliFlags } from '../adaptive/cliAdaptive';
import { ProcessRegistry } from '../processes/registry';
import { CampaignRunner, type CampaignRunnerDeps } from '../runner/campaignRunner';
import { importIntoResultsStore, type RunResultImporter } from '../runner/importResult';
import { locateLlem } from '../runner/llemDiscovery';
import { guardianRuntimeForLlem } from '../runner/llemPython';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import type { CampaignPlan } from '../runner/runPlan';
import { writeExperimentJson } from '../llem/configWriter';
import { planStudyFile } from '../runner/studyPlan';
import { listFailedRuns } from '../runner/runStore';
import { formatCampaignTime, readCampaignTime } from '../runner/timeBreakdown';
import { openDatabase, type Db } from '../store/database';
import { createTelemetrySource, parseTelemetrySpec } from '../telemetry/createSource';
import { sumAcrossGpus } from '../telemetry/energyTotals';
import { TelemetryHub } from '../telemetry/hub';
import type { LlemProfile } from '../../contract/doctor';
import type { Result } from '../../contract/result';
import { terminalField, terminalText } from './terminalText';

export interface RunCommandOptions {
  studyFile: string;
  dataDir: string;
  /** Path of the llem executable (else LLEM_STUDIO_LLEM, else PATH). */
  llem?: string;
  /** A Python interpreter that has llenergymeasure (used when no llem path is given). */
  python?: string;
  /** `nvml` | `nvidia-smi` | `off` | `replay:<file>` | `auto` (default: NVML, else nvidia-smi, else off). */
  telemetry?: string;
  sampleIntervalMs?: number;
  runTimeoutSeconds?: number;
  graceMs?: number;
  /** Start the study as a new campaign instead of resuming the one made from the same file earlier. */
  newCampaign?: boolean;
  retryFailed?: boolean;
  /** `--adaptive` and its flags: search the grid instead of running all of it (core/adaptive). */
  adaptive?: AdaptiveCliFlags;
}

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Registers a Ctrl-C handler; returns the unregister function. */
  onInterrupt: (handler: () => void) => () => void;
}

/** Seams for tests and for wiring the campaign model's planner/writer when they change. */
export interface RunCommandDeps {
  planStudy?: (file: string, profile: LlemProfile, options: { newCampaign?: boolean }) => Result<CampaignPlan>;
  writeExperiment?: CampaignRunnerDeps['writeExperimentYaml'];
  importRunResult?: RunResultImporter;
  /** Crash-test hook, passed to the runner (see CampaignRunnerDeps.failpoint). */
  failpoint?: (name: string) => void;
}

/** Exit codes of `llem-studio run`. */
export const RUN_EXIT = { ok: 0, someFailed: 1, invalidInput: 2, busy: 75, interrupted: 130 } as const;

export function processIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/**
 * `llem-studio run <study.yaml> [--data-dir DIR] [--llem PATH] [--telemetry …]`: plans the study with the
 * campaign model for the installed llem, runs it (or resumes it: the same file maps to the same campaign),
 * shows a progress bar and a live power line on a terminal (plain lines otherwise), and cancels cleanly on
 * Ctrl-C (a second Ctrl-C stops llem without the grace period).
 */
export async function runRunCommand(opts: RunCommandOptions, io: CommandIo = processIo(), deps: RunCommandDeps = {}): Promise<{ exitCode: number }> {
  const say = (line: string) => io.stderr.write(`${terminalText(line)}\n`);
  const telemetrySpec = opts.telemetry ?? 'auto';
  const spec = parseTelemetrySpec(telemetrySpec);
  if (!spec.ok) {
    say(`llem-studio run: ${spec.error.message}`);
    return { exitCode: RUN_EXIT.invalidInput };
  }
  const llem = await locateLlem({ configuredPath: opts.llem ?? null, pythonInterpreter: opts.python ?? null, env: io.env });
  if (!llem.ok) {
    say(`llem-studio run: ${llem.error.message}`);
    return { exitCode: RUN_EXIT.invalidInput };
  }
  const guardian = guardianRuntimeForLlem(llem.value, io.env);
  if (!guardian.ok) {
    say(`llem-studio run: ${guardian.error.message}`);
    return { exitCode: RUN_EXIT.invalidInput };
  }
  // The profile comes from what this llem accepts (dry-run probes), not from its version string alone.
  const version = await detectLlemProfile(llem.value, io.env);
  if (!version.ok) {
    say(`llem-studio run: ${version.error.message}`);
    return { exitCode: RUN_EXIT.invalidInput };
  }
  if (version.value.guessed) say(`note: llem ${version.value.version}: ${version.value.reason}; writing configs for the "${version.value.profile}" schema.`);
  const planned = (deps.planStudy ?? planStudyFile)(opts.studyFile, version.value.profile, { newCampaign: opts.newCampaign });
  if (!planned.ok) {
    say(`llem-studio run: ${planned.error.message}`);
    for (const issue of planned.error.issues ?? []) say(`  ${issue.path}: ${issue.message}`);
    return { exitCode: RUN_EXIT.invalidInput };
  }
  const plan = planned.value;

  const opened = openDatabase(opts.dataDir);
  if (!opened.ok) {
    say(`llem-studio run: ${opened.error.message}`);
    return { exitCode: RUN_EXIT.someFailed };
  }
  const db = opened.value;
  const source = createTelemetrySource(telemetrySpec, { intervalMs: opts.sampleIntervalMs, env: io.env });
  if (!source.ok) {
    say(`llem-studio run: telemetry: ${source.error.message}`);
    db.close();
    return { exitCode: RUN_EXIT.invalidInput };
  }
  if (source.value.note) say(`note: ${source.value.note}`);
  const hub = new TelemetryHub({ source: source.value.source, db, onError: (m) => say(`telemetry: ${m}`) });
  const hubStarted = await hub.start();
  if (!hubStarted.ok) {
    say(`llem-studio run: telemetry: ${hubStarted.error.message}`);
    db.close();
    return { exitCode: RUN_EXIT.invalidInput };
  }

  const registry = new ProcessRegistry();
  const runnerDeps: CampaignRunnerDeps = {
      db,
      dataDir: opts.dataDir,
      registry,
      llem: llem.value,
      guardian: guardian.value,
      llemVersion: version.value,
      writeExperimentYaml: deps.writeExperiment ?? writeExperimentJson,
      importRunResult: deps.importRunResult ?? importIntoResultsStore,
      telemetry: hub,
      env: io.env,
      failpoint: deps.failpoint,
      options: {
        role: 'CLI',
        graceMs: opts.graceMs,
        runTimeoutSeconds: opts.runTimeoutSeconds ?? null,
        retryFailed: opts.retryFailed,
      },
    };
  if (opts.adaptive) {
    try {
      return await runAdaptiveFromCli(plan, opts.adaptive, {
        db,
        io,
        llemCommand: llem.value.command,
        makeRunner: (p) => new CampaignRunner({ ...runnerDeps, db }, p),
        onInterrupt: io.onInterrupt,
      });
    } finally {
      await hub.stop();
      if (db.open) db.close();
    }
  }
  const runner = new CampaignRunner(runnerDeps, plan);
  const view = new ProgressView(io, plan);
  const unsubscribeRunner = runner.subscribe((e) => view.onEvent(e));
  const unsubscribeHub = hub.subscribe((f) => view.onTelemetry(f));
  let interrupts = 0;
  const removeInterrupt = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      view.note('Cancelling: stopping the current run (Ctrl-C again to stop it at once)…');
      runner.cancel();
    } else {
      void registry.stopAll('cancel', 0);
    }
  });

  say(`llem ${version.value.version} (${llem.value.display}) · campaign ${plan.campaignId} · ${plan.runs.length} run(s) · telemetry ${hub.kind}`);
  try {
    const result = await runner.run();
    view.finish();
    if (!result.ok) {
      say(`llem-studio run: ${result.error.message}`);
      return { exitCode: result.error.code === 'lease_held' ? RUN_EXIT.busy : result.error.code === 'plan_changed' ? RUN_EXIT.invalidInput : RUN_EXIT.someFailed };
    }
    const { status, counts } = result.value;
    say(summaryLine(plan.campaignId, status, counts));
    say(campaignTimeSummary(db, opts.dataDir, plan.campaignId));
    for (const row of failedRuns(db, plan.campaignId)) say(`  [${row.run_index + 1}] ${row.failure_reason}: ${firstLine(row.error_message)}`);
    if (status === 'cancelled' || status === 'paused') {
      say(`Run the same command again to resume.`);
      return { exitCode: RUN_EXIT.interrupted };
    }
    return { exitCode: counts.failed + counts.interrupted + counts.cancelled > 0 ? RUN_EXIT.someFailed : RUN_EXIT.ok };
  } finally {
    removeInterrupt();
    unsubscribeRunner();
    unsubscribeHub();
    await hub.stop();
    if (db.open) db.close();
  }
}

/**
 * Where the campaign's wall time went (core/runner/timeBreakdown.ts), one line, and the same as JSON next to the
 * campaign's runs (`<data dir>/runs/<campaign>/campaign-time.json`). A failure here never fails the run command.
 */
function campaignTimeSummary(db: Db, dataDir: string, campaignId: string): string {
  try {
    const time = readCampaignTime(db, campaignId);
    const dir = path.join(path.resolve(dataDir), 'runs', campaignId.replace(/[^A-Za-z0-9._-]/g, '_'));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'campaign-time.json');
    writeFileSync(file, `${JSON.stringify(time, null, 2)}\n`);
    return `${formatCampaignTime(time)}\nPer-run time breakdown: ${file}`;
  } catch (e) {
    return `Campaign time: not available (${(e as Error).message})`;
  }
}

function summaryLine(id: string, status: string, c: RunCounts): string {
  return `Campaign ${id} ${status}: ${c.succeeded}/${c.total} succeeded, ${c.failed} failed, ${c.cancelled + c.interrupted} stopped, ${c.queued} queued.`;
}

function failedRuns(db: Db, campaignId: string) {
  return listFailedRuns(db, campaignId);
}

function firstLine(s: string | null): string {
  return (s ?? '').split('\n')[0] ?? '';
}

/** Terminal rendering: one redrawn status line on a TTY, plain event lines otherwise. */
class ProgressView {
  private readonly tty: boolean;
  private counts: RunCounts | null = null;
  private current: { index: number; summary: string; phase: string; done?: number; total?: number } | null = null;
  private gpus = new Map<number, TelemetrySample>();
  private lastDraw = 0;
  private lineShown = false;
  private lastPlainPower = 0;

  constructor(
    private readonly io: CommandIo,
    private readonly plan: CampaignPlan,
  ) {
    this.tty = io.stdout.isTTY === true;
  }

  note(text: string): void {
    this.clear();
    this.io.stderr.write(`${terminalText(text)}\n`);
    this.draw(true);
  }

  onEvent(e: RunEvent): void {
    const n = this.plan.runs.length;
    switch (e.type) {
      case 'campaign.started':
      case 'campaign.paused':
        this.counts = e.counts;
        if (e.type === 'campaign.started' && e.resumed) this.line(`Resuming: ${e.counts.succeeded}/${e.counts.total} already done.`);
        break;
      case 'campaign.recovered':
        this.line(`Recovered after an interruption: ${e.requeued.length} run(s) queued again, ${e.imported.length} finished result(s) imported.`);
        break;
      case 'campaign.gap':
        this.current = null;
        this.line(`${e.kind === 'cycle' ? 'Cycle' : 'Experiment'} gap: ${e.seconds} s before run ${e.beforeRunIndex + 1}`);
        break;
      case 'run.started':
        this.current = { index: e.runIndex, summary: e.summary, phase: 'starting' };
        this.line(`[${e.runIndex + 1}/${n}] ${e.summary} (cycle ${e.cycle}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`);
        break;
      case 'run.phase':
        if (this.current) {
          this.current.phase = e.phase;
          this.current.done = e.done;
          this.current.total = e.total;
        }
        if (!this.tty && e.done === undefined) this.line(`  ${e.phase}${this.powerText() ? ` · ${this.powerText()}` : ''}`);
        break;
      case 'run.finished': {
        if (this.counts) {
          if (e.status in this.counts) (this.counts as Record<string, number>)[e.status]!++;
          if (this.counts.queued > 0) this.counts.queued--;
        }
        // llem's figure sits on the GPU llem calls GPU 0 (the first CUDA-visible one), else the lowest index.
        const llemGpu = e.energy.find((x) => x.window === 'measuring' && x.llemJ !== null)?.gpuIndex ?? (e.energy.length > 0 ? Math.min(...e.energy.map((x) => x.gpuIndex)) : 0);
        const m = e.energy.find((x) => x.gpuIndex === llemGpu && x.window === 'measuring');
        const whole = e.energy.find((x) => x.gpuIndex === llemGpu && x.window === 'run');
        // The measured window can be shorter than one sample interval; then show the whole run's energy.
        const app = m && (m.counterJ !== null || m.integratedJ !== null) ? { ...m, label: '' } : whole ? { ...whole, label: ' (whole run)' } : null;
        const energy =
          m || app
            ? ` · energy: llem ${fmt(m?.llemJ ?? null)} J${app ? `, counter ${fmt(app.counterJ)} J, integrated ${fmt(app.integratedJ)} J${app.label}` : ''}`
            : '';
        const verdict = e.status === 'succeeded' ? 'OK' : `${e.status.toUpperCase()}${e.failureReason ? ` (${e.failureReason})` : ''}`;
        this.current = null;
        this.line(`[${e.runIndex + 1}/${n}] ${verdict} in ${e.durationSeconds.toFixed(1)} s${energy}${e.message && e.status !== 'succeeded' ? ` — ${firstLine(e.message)}` : ''}`);
        const all = sumAcrossGpus(e.energy, 'measuring');
        if (all.gpus.length > 1) {
          const each = all.gpus.map((g) => `GPU ${g.gpuIndex}${g.gpuUuid ? ` ${g.gpuUuid.slice(0, 12)}` : ''} ${fmt(g.counterJ)} J`).join(', ');
          this.line(`  ${all.gpus.length} GPUs, measuring: counter ${fmt(all.counterJ)} J, integrated ${fmt(all.integratedJ)} J in total (${each})`);
        }
        break;
      }
      case 'campaign.finished':
        this.counts = e.counts;
        break;
      case 'run.output':
        break;
    }
    this.draw(true);
  }

  onTelemetry(frame: TelemetryFrame): void {
    for (const s of frame.samples) this.gpus.set(s.gpuIndex, s);
    if (this.tty) this.draw(false);
    else if (Date.now() - this.lastPlainPower > 30_000 && this.current) {
      this.lastPlainPower = Date.now();
      this.line(`  power: ${this.powerText()}`);
    }
  }

  finish(): void {
    this.clear();
  }

  private powerText(): string {
    return [...this.gpus.values()]
      .map((s) => `GPU${s.gpuIndex} ${s.powerW === null ? '?' : s.powerW.toFixed(0)} W${s.temperatureC === null ? '' : ` ${s.temperatureC.toFixed(0)}°C`}${s.smUtilPct === null ? '' : ` ${s.smUtilPct.toFixed(0)}%`}`)
      .join('  ');
  }

  private line(text: string): void {
    this.clear();
    this.io.stdout.write(`${terminalText(text)}\n`);
  }

  private clear(): void {
    if (this.tty && this.lineShown) {
      this.io.stdout.write('\r\x1b[2K');
      this.lineShown = false;
    }
  }

  private draw(force: boolean): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const c = this.counts;
    const total = c?.total ?? this.plan.runs.length;
    const finished = c ? c.succeeded + c.failed + c.cancelled + c.interrupted : 0;
    const width = 20;
    const filled = total > 0 ? Math.round((finished / total) * width) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const cur = this.current;
    const phase = cur ? ` · run ${cur.index + 1}: ${cur.phase}${cur.total ? ` ${cur.done ?? 0}/${cur.total}` : ''}` : '';
    const power = this.powerText();
    let text = terminalField(`${bar} ${finished}/${total}${phase}${power ? ` · ${power}` : ''}`);
    const cols = this.io.stdout.columns ?? 120;
    if (text.length > cols - 1) text = text.slice(0, cols - 1);
    this.io.stdout.write(`\r\x1b[2K${text}`);
    this.lineShown = true;
  }
}

function fmt(v: number | null): string {
  return v === null ? '–' : v.toPrecision(4);
}
