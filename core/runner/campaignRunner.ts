import os from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { err, ok, type Result } from '../../contract/result';
import type { CampaignStatus, RunCounts, RunEvent, RunStatus } from '../../contract/runEvents';
import type { RunEnergy } from '../../contract/telemetry';
import { GUARDIAN_MARKER, type GuardianRuntime } from '../processes/guardian';
import { isProcessAlive, processCommandLine, signalProcessTree } from '../processes/processTree';
import type { ProcessRegistry } from '../processes/registry';
import type { Db } from '../store/database';
import type { RunEnergyMeasured, TelemetryHub } from '../telemetry/hub';
import { prepareRunTimelines } from '../results/telemetryRollupStore';
import { energyFromStoredSamples } from '../telemetry/storedSampleStore';
import { removeLitter, runExperimentProcess, runnerPinFor, type AttemptPaths } from './experimentProcess';
import { gapsBefore, type Gap } from './gaps';
import type { RunResultImporter } from './importResult';
import { acquireLeases, currentHolder, heartbeatLeases, HEARTBEAT_INTERVAL_MS, releaseLeases, type LeaseHolder } from './leaseStore';
import type { LlemCommand, LlemVersion } from './llemDiscovery';
import { classifyOutcome, type Outcome } from './outcome';
import { defaultTimeoutSeconds, uniqueConfigCount, type CampaignPlan, type RunPlanItem } from './runPlan';
import { findResult } from './resultFile';
import { LLEM_STARTED_MARKER, PROCESS_EXIT_MARKER } from './timeBreakdown';
import {
  beginAttempt,
  ensureCampaignRuns,
  finishAttempt,
  listRuns,
  recordAttemptPid,
  recordAttemptResult,
  recordPhase,
  requeueOrphanRuns,
  runCounts,
  runningAttempts,
  setCampaignStatus,
  type AttemptRow,
  type FinishAttempt,
  type RunRow,
} from './runStore';

export interface CampaignRunnerOptions {
  /** SIGINT → SIGKILL grace when stopping llem (default 10 s). */
  graceMs?: number;
  /** Per-run app-side timeout; default from the run's estimate (plan.ts). */
  runTimeoutSeconds?: number | null;
  /** Also run runs that failed before (default: only queued / interrupted / cancelled ones). */
  retryFailed?: boolean;
  /** XDG_CONFIG_HOME for llem (isolates it from a broken user config); default <dataDir>/llem-config. */
  xdgConfigHome?: string | null;
  /** GPUs this campaign claims (llem always measures GPU 0, §8). */
  gpuIndices?: number[];
  /** Who we are in lease messages: `app`, `CLI`, `server`. */
  role?: string;
  heartbeatMs?: number;
  leaseStaleAfterMs?: number;
}

export interface CampaignRunnerDeps {
  db: Db;
  dataDir: string;
  registry: ProcessRegistry;
  llem: LlemCommand;
  /** The process guardian's runtime for this llem (guardianRuntimeForLlem); default: the registry's. */
  guardian?: GuardianRuntime;
  llemVersion: LlemVersion | null;
  /**
   * The experiment file for the detected llem version (the campaign model's writer). A plain string is YAML;
   * `{ text, extension: 'json' }` writes a .json file, which llem also accepts (contract §1.1).
   */
  writeExperimentYaml: (config: unknown) => string | { text: string; extension: 'yaml' | 'json' };
  importRunResult: RunResultImporter;
  /** Started and stopped by the caller; null = no app-side telemetry. */
  telemetry: TelemetryHub | null;
  env?: NodeJS.ProcessEnv;
  options?: CampaignRunnerOptions;
  /**
   * Test hook for crash tests: called at every durable transition with its name. Production passes nothing.
   * Names: after-begin, after-spawn, after-exit, before-import, after-import, after-finish, after-recovery.
   */
  failpoint?: (name: string) => void;
}

export type RunnerOutcome = { status: CampaignStatus; counts: RunCounts };

type Listener = (event: RunEvent) => void;

/** A YAML writer for plain-object configs, used when no campaign-model writer is given. */
export function plainYamlWriter(config: unknown): string {
  return YAML.stringify(config, { version: '1.1' });
}

/**
 * Drives one campaign: runs its queued runs in llem's order, one llem process at a time, with llem's gaps,
 * an app-side timeout per run, pause (between runs), cancel (now), failure isolation, and crash recovery.
 * All state lives in SQLite (runStore.ts); this object only holds what is in flight.
 */
export class CampaignRunner {
  private readonly listeners = new Set<Listener>();
  private readonly holder: LeaseHolder;
  private readonly leases: string[];
  private readonly opts: Required<Omit<CampaignRunnerOptions, 'runTimeoutSeconds' | 'xdgConfigHome'>> &
    Pick<CampaignRunnerOptions, 'runTimeoutSeconds' | 'xdgConfigHome'>;
  private running = false;
  private pauseRequested = false;
  private cancelRequested = false;
  private shutdownRequested = false;
  private currentRegistryId: string | null = null;
  private gapWake: (() => void) | null = null;

  constructor(
    private readonly deps: CampaignRunnerDeps,
    private readonly plan: CampaignPlan,
  ) {
    const o = deps.options ?? {};
    this.opts = {
      graceMs: o.graceMs ?? 10_000,
      runTimeoutSeconds: o.runTimeoutSeconds ?? null,
      retryFailed: o.retryFailed ?? false,
      xdgConfigHome: o.xdgConfigHome === undefined ? path.join(deps.dataDir, 'llem-config') : o.xdgConfigHome,
      gpuIndices: o.gpuIndices ?? [0],
      role: o.role ?? 'app',
      heartbeatMs: o.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
      leaseStaleAfterMs: o.leaseStaleAfterMs ?? 60_000,
    };
    this.holder = currentHolder(this.opts.role);
    this.leases = [`campaign:${plan.campaignId}`, ...this.opts.gpuIndices.map((g) => `gpu:${g}`)];
  }

  get campaignId(): string {
    return this.plan.campaignId;
  }

  get isRunning(): boolean {
    return this.running;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop after the current run (it is not interrupted); run() resolves with status `paused`. */
  pause(): void {
    this.pauseRequested = true;
    this.gapWake?.();
  }

  /** Stop now: the current run is stopped (SIGINT, grace, SIGKILL) and recorded `cancelled`. */
  cancel(): void {
    this.cancelRequested = true;
    this.gapWake?.();
    if (this.currentRegistryId) void this.deps.registry.get(this.currentRegistryId)?.stop('cancel', this.opts.graceMs);
  }

  /** App exit: like cancel, but the run in flight is queued again for the next start (status `interrupted`). */
  async shutdown(): Promise<void> {
    this.shutdownRequested = true;
    this.gapWake?.();
    if (this.currentRegistryId) await this.deps.registry.get(this.currentRegistryId)?.stop('shutdown', this.opts.graceMs);
  }

  skipGap(): void {
    this.gapWake?.();
  }

  /** Runs (or resumes) the campaign until every runnable run is done, or pause/cancel/shutdown. */
  async run(): Promise<Result<RunnerOutcome>> {
    if (this.running) return err('already_running', `Campaign ${this.plan.campaignId} is already running in this process.`);
    this.running = true;
    this.pauseRequested = false;
    this.cancelRequested = false;
    this.shutdownRequested = false;
    const { db } = this.deps;
    try {
      const ensured = ensureCampaignRuns(db, this.plan);
      if (!ensured.ok) return ensured;
      const claimed = acquireLeases(db, this.leases, this.holder, { staleAfterMs: this.opts.leaseStaleAfterMs });
      if (!claimed.ok) return claimed;
      const heartbeat = setInterval(() => {
        try {
          heartbeatLeases(db, this.leases, this.holder);
        } catch {
          // a busy database delays one heartbeat; the next one will do
        }
      }, this.opts.heartbeatMs);
      heartbeat.unref();
      try {
        return ok(await this.drive(!ensured.value.created));
      } finally {
        clearInterval(heartbeat);
        try {
          releaseLeases(db, this.leases, this.holder);
        } catch {
          // stale leases are taken over by the next claimant anyway
        }
      }
    } catch (e) {
      return err('runner_failed', `The campaign runner stopped unexpectedly: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async drive(resumed: boolean): Promise<RunnerOutcome> {
    const { db } = this.deps;
    const campaignId = this.plan.campaignId;
    await this.recover();
    this.deps.failpoint?.('after-recovery');
    setCampaignStatus(db, campaignId, 'running');
    this.emit({ type: 'campaign.started', campaignId, at: now(), counts: runCounts(db, campaignId), resumed });
    const nUnique = uniqueConfigCount(this.plan);
    const runnable: RunStatus[] = ['queued', 'interrupted', 'cancelled', ...(this.opts.retryFailed ? (['failed'] as RunStatus[]) : [])];

    for (const run of listRuns(db, campaignId)) {
      if (!runnable.includes(run.status)) continue;
      if (this.stopRequested()) break;
      const item = this.plan.runs[run.run_index];
      if (!item) continue;
      for (const gap of gapsBefore(run.run_index, nUnique, this.plan.gaps)) {
        if (this.stopRequested()) break;
        await this.waitGap(gap, run.run_index);
      }
      if (this.stopRequested()) break;
      await this.executeRun(run, item);
    }

    const counts = runCounts(db, campaignId);
    let status: CampaignStatus;
    if (this.cancelRequested) status = 'cancelled';
    else if (this.pauseRequested || this.shutdownRequested) status = 'paused';
    else status = 'completed';
    setCampaignStatus(db, campaignId, status);
    if (status === 'paused') this.emit({ type: 'campaign.paused', campaignId, at: now(), counts });
    else this.emit({ type: 'campaign.finished', campaignId, at: now(), status, counts, message: null });
    return { status, counts };
  }

  private stopRequested(): boolean {
    return this.cancelRequested || this.pauseRequested || this.shutdownRequested;
  }

  private waitGap(gap: Gap, beforeRunIndex: number): Promise<void> {
    const endsAt = new Date(Date.now() + gap.seconds * 1000).toISOString();
    this.emit({ type: 'campaign.gap', campaignId: this.plan.campaignId, at: now(), kind: gap.kind, seconds: gap.seconds, endsAt, beforeRunIndex });
    this.deps.telemetry?.setPhase('gap');
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.gapWake = null;
        this.deps.telemetry?.setPhase('idle');
        resolve();
      };
      const timer = setTimeout(done, gap.seconds * 1000);
      this.gapWake = done;
    });
  }

  private attemptPaths(runIndex: number, attempt: number, extension: 'yaml' | 'json'): AttemptPaths {
    return attemptPathsFor(this.deps.dataDir, this.plan.campaignId, runIndex, attempt, extension);
  }

  private async executeRun(run: RunRow, item: RunPlanItem): Promise<void> {
    const { db, telemetry } = this.deps;
    const campaignId = this.plan.campaignId;
    const timeoutSeconds = defaultTimeoutSeconds(item, this.opts.runTimeoutSeconds);
    let file: { text: string; extension: 'yaml' | 'json' } | null = null;
    let writeError: string | null = null;
    try {
      const written = this.deps.writeExperimentYaml(item.experimentConfig);
      file = typeof written === 'string' ? { text: written, extension: 'yaml' } : written;
    } catch (e) {
      writeError = `Could not write the experiment file: ${(e as Error).message}`;
    }
    let paths: AttemptPaths | null = null;
    const begun = beginAttempt(db, {
      runId: run.id,
      host: os.hostname(),
      timeoutSeconds,
      llemVersion: this.deps.llemVersion?.version ?? null,
      telemetrySource: telemetry?.kind ?? 'off',
      attemptDirFor: (attempt) => {
        paths = this.attemptPaths(run.run_index, attempt, file?.extension ?? 'yaml');
        return paths;
      },
    });
    // The database refused the transition (locked for longer than busy_timeout, disk full…): stop the campaign
    // rather than run llem without a record of it.
    if (!begun.ok) throw new Error(begun.error.message);
    if (!paths) throw new Error(`run ${run.id}: no attempt paths`);
    const attempt = begun.value.attempt;
    const p: AttemptPaths = paths;
    this.deps.failpoint?.('after-begin');
    const started = performance.now();
    try {
      if (!file) throw new Error(writeError ?? 'no experiment file');
      mkdirSync(p.attemptDir, { recursive: true });
      writeFileSync(p.configPath, file.text);
    } catch (e) {
      this.finish(run, item, attempt, started, { status: 'failed', failureReason: 'config_error', message: writeError ?? `Could not write ${p.configPath}: ${(e as Error).message}` }, null, null, []);
      return;
    }

    telemetry?.beginRun(run.id, attempt);
    this.emit({ type: 'run.started', campaignId, at: now(), runId: run.id, runIndex: run.run_index, cycle: run.cycle, attempt, summary: item.summary, timeoutSeconds });
    const registryId = `run:${run.id}`;
    this.currentRegistryId = registryId;
    let seq = 0;
    const proc = await runExperimentProcess({
      registry: this.deps.registry,
      registryId,
      llem: this.deps.llem,
      guardian: this.deps.guardian,
      paths: p,
      env: this.deps.env ?? process.env,
      xdgConfigHome: this.opts.xdgConfigHome,
      runnerPin: runnerPinFor(item.experimentConfig),
      timeoutSeconds,
      graceMs: this.opts.graceMs,
      onSpawned: (pid) => {
        recordAttemptPid(db, run.id, attempt, pid);
        this.deps.failpoint?.('after-spawn');
        // A cancel that arrived while the process was starting must still reach it.
        if (this.cancelRequested) void this.deps.registry.get(registryId)?.stop('cancel', this.opts.graceMs);
        else if (this.shutdownRequested) void this.deps.registry.get(registryId)?.stop('shutdown', this.opts.graceMs);
      },
      onLlemStarted: () => {
        try {
          recordPhase(db, run.id, attempt, seq++, LLEM_STARTED_MARKER, Date.now(), 'llem started');
        } catch {
          // a lost marker only counts the app's spawn as llem's start in the breakdown
        }
      },
      onPhase: (u) => {
        telemetry?.setPhase(u.phase);
        recordPhase(db, run.id, attempt, seq++, u.phase, Date.now(), u.message);
        this.emit({ type: 'run.phase', campaignId, at: now(), runId: run.id, phase: u.phase, message: u.message, ...(u.total ? { done: u.done ?? 0, total: u.total } : {}) });
      },
      onOutput: (stream, line) => {
        if (this.listeners.size > 0) this.emit({ type: 'run.output', campaignId, at: now(), runId: run.id, stream, line });
      },
    });
    this.currentRegistryId = null;
    try {
      // Where llem's own work ended and the app's began: the time breakdown's write-out / app split.
      recordPhase(db, run.id, attempt, seq++, PROCESS_EXIT_MARKER, Date.now(), `llem exited (${proc.exit.code ?? proc.exit.signal ?? 'unknown'})`);
    } catch {
      // a lost marker only merges the app's part into write-out in the breakdown
    }
    this.deps.failpoint?.('after-exit');
    const measured = telemetry?.endRun('idle') ?? [];

    let outcome = classifyOutcome(proc.exit, proc.stderrTail, proc.lookup, timeoutSeconds);
    if (outcome.status === 'succeeded' && proc.found) {
      recordAttemptResult(db, run.id, attempt, proc.found.resultPath, proc.found.llemMeasurementConfigHash);
      this.deps.failpoint?.('before-import');
      const imported = await this.deps.importRunResult(db, { runId: run.id, resultPath: proc.found.resultPath });
      this.deps.failpoint?.('after-import');
      if (!imported.ok) outcome = { status: 'failed', failureReason: 'import_error', message: imported.error.message };
    }
    this.finish(run, item, attempt, started, outcome, proc.exit.code, proc.exit.signal, measured, proc.found?.llemTotalEnergyJ ?? null, proc.exit.stoppedBy === 'shutdown');
    // Between runs, never while llem measures: the first look at this run's power timeline is then fast.
    if (telemetry) prepareRunTimelines(db, run.id);
  }

  private finish(
    run: RunRow,
    item: RunPlanItem,
    attempt: number,
    startedPerf: number,
    outcome: Outcome,
    exitCode: number | null,
    signal: string | null,
    measured: RunEnergyMeasured[],
    llemJ: number | null = null,
    requeue = false,
  ): void {
    const energy = withLlemEnergy(measured, run.id, attempt, llemJ, this.deps.telemetry?.llemGpuIndex ?? 0);
    const record: FinishAttempt = {
      runId: run.id,
      attempt,
      status: outcome.status,
      requeue: requeue && outcome.status === 'interrupted',
      failureReason: outcome.failureReason,
      message: outcome.message,
      exitCode,
      signal,
      energy,
      telemetrySource: this.deps.telemetry?.kind ?? 'off',
    };
    finishAttempt(this.deps.db, record);
    this.deps.failpoint?.('after-finish');
    this.emit({
      type: 'run.finished',
      campaignId: this.plan.campaignId,
      at: now(),
      runId: run.id,
      runIndex: item.index,
      attempt,
      status: outcome.status,
      failureReason: outcome.failureReason,
      message: outcome.message,
      exitCode,
      signal,
      durationSeconds: Math.max(0, (performance.now() - startedPerf) / 1000),
      energy,
    });
  }

  /**
   * Settles runs left `running` by a process that died (the app, the CLI): any leftover llem process group is
   * killed; if llem had finished and left a readable result, it is imported (idempotently) and the run
   * succeeds — a finished measurement is never thrown away; otherwise the attempt is `interrupted` and the run
   * queued again with a fresh attempt (new output dir).
   */
  private async recover(): Promise<void> {
    const { db } = this.deps;
    const campaignId = this.plan.campaignId;
    const requeued: number[] = [];
    const imported: number[] = [];
    for (const a of runningAttempts(db, campaignId)) {
      killLeftover(a);
      removeLitter(path.join(a.attempt_dir, 'scratch'));
      const { found } = findResult(a.output_dir);
      const measured = energyFromStoredSamples(db, a.run_id, a.attempt);
      const base = { runId: a.run_id, attempt: a.attempt, exitCode: null, signal: null, telemetrySource: 'stored samples' };
      if (found) {
        recordAttemptResult(db, a.run_id, a.attempt, found.resultPath, found.llemMeasurementConfigHash);
        const result = await this.deps.importRunResult(db, { runId: a.run_id, resultPath: found.resultPath });
        const energy = withLlemEnergy(measured, a.run_id, a.attempt, found.llemTotalEnergyJ, this.deps.telemetry?.llemGpuIndex ?? 0);
        if (result.ok) {
          finishAttempt(db, { ...base, status: 'succeeded', failureReason: null, message: 'Recovered after the app stopped: llem had finished.', energy });
          prepareRunTimelines(db, a.run_id);
          imported.push(a.run_id);
        } else {
          finishAttempt(db, { ...base, status: 'failed', failureReason: 'import_error', message: result.error.message, energy });
        }
        continue;
      }
      finishAttempt(db, {
        ...base,
        status: 'interrupted',
        requeue: true,
        failureReason: 'interrupted',
        message: 'The app stopped while this run was in progress; queued again.',
        energy: withLlemEnergy(measured, a.run_id, a.attempt, null),
      });
      requeued.push(a.run_id);
    }
    requeueOrphanRuns(db, campaignId);
    if (requeued.length > 0 || imported.length > 0) {
      this.emit({ type: 'campaign.recovered', campaignId, at: now(), requeued, imported });
    }
  }

  private emit(event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a failing subscriber must never stop a campaign
      }
    }
  }
}

function now(): string {
  return new Date().toISOString();
}

/**
 * Where one attempt of one run lives: `<data>/runs/<campaign>/<run index>-a<attempt>/`, with llem's `--output`
 * folder, the experiment file, the logs and llem's scratch working folder inside. Exported so tests can drive
 * the real llem with exactly the layout the runner gives it (tests/llem-baseline).
 */
export function attemptPathsFor(dataDir: string, campaignId: string, runIndex: number, attempt: number, extension: 'yaml' | 'json'): AttemptPaths {
  const dir = path.join(path.resolve(dataDir), 'runs', safeSegment(campaignId), `${String(runIndex).padStart(4, '0')}-a${attempt}`);
  return {
    attemptDir: dir,
    outputDir: path.join(dir, 'output'),
    configPath: path.join(dir, `experiment.${extension}`),
    stdoutPath: path.join(dir, 'stdout.log'),
    stderrPath: path.join(dir, 'stderr.log'),
    scratchDir: path.join(dir, 'scratch'),
  };
}

function safeSegment(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Adds llem's reported energy to the `measuring` row of the GPU llem calls GPU 0 (the first CUDA-visible one;
 * NVML index `llemGpu`), creating the row when the app had no telemetry.
 */
function withLlemEnergy(measured: RunEnergyMeasured[], runId: number, attempt: number, llemJ: number | null, llemGpu = 0): RunEnergy[] {
  const rows: RunEnergy[] = measured.map((m) => ({ ...m, llemJ: m.gpuIndex === llemGpu && m.window === 'measuring' ? llemJ : null }));
  if (llemJ !== null && !rows.some((r) => r.gpuIndex === llemGpu && r.window === 'measuring')) {
    rows.push({ runId, attempt, gpuIndex: llemGpu, window: 'measuring', counterJ: null, integratedJ: null, llemJ, sampleCount: 0, startMs: null, endMs: null });
  }
  return rows;
}

/**
 * Kills what is left of a dead runner's llem process group — only when the recorded pid, on this host, is
 * still our guardian (its command line carries the marker), never a process that merely reuses the number.
 */
function killLeftover(a: AttemptRow): void {
  if (a.pid === null || a.host !== os.hostname() || !isProcessAlive(a.pid)) return;
  const cmd = processCommandLine(a.pid);
  if (cmd !== null && cmd.includes(GUARDIAN_MARKER)) signalProcessTree(a.pid, 'SIGKILL');
}
