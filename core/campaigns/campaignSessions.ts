import { err, ok, type Result } from '../../contract/result';
import type { RunEvent } from '../../contract/runEvents';
import type { TelemetryFrame } from '../../contract/telemetry';
import { planStudyFromText } from '../llem/studyPlanner';
import { CampaignError } from '../llem/types';
import { YamlLoadError } from '../llem/yaml11';
import type { Db } from '../store/database';
import { ProcessRegistry } from '../processes/registry';
import { CampaignRunner } from '../runner/campaignRunner';
import type { LlemCommand } from '../runner/llemDiscovery';
import type { CampaignPlan } from '../runner/runPlan';
import { importIntoResultsStore } from '../runner/importResult';
import { locateLlem } from '../runner/llemDiscovery';
import { guardianRuntimeForLlem } from '../runner/llemPython';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import { writeExperimentJson } from '../llem/configWriter';
import { planFromResolution } from '../runner/studyPlan';
import { createTelemetrySource } from '../telemetry/createSource';
import { TelemetryHub } from '../telemetry/hub';
import { getCampaign } from './campaignStore';
import { enqueueCampaign, listQueue, moveInQueue, queuedEntry, removeFromQueue, takeNextQueued, type QueuedCampaign } from './campaignQueueStore';
import { currentLeaseHolder } from '../runner/leaseStore';
import { parseProfileName } from '../llem/profiles';
import { effectiveTelemetrySpec, llemLocateOptions } from '../settings/llemSettings';
import { LLEM_INSTALL_HINT } from '../llem/profiles';

/** Telemetry source for campaigns started from the UI (`auto`: NVML, else nvidia-smi, else off; `replay:<file>` for demos and tests). */
export { TELEMETRY_ENV } from '../settings/llemSettings';

type Command = 'pause' | 'resume' | 'cancel' | 'skipGap';

/** What the Runs page's buttons do to a running campaign: its runner's controls, or an adaptive search's. */
export interface CampaignControls {
  pause(): void;
  cancel(): void;
  skipGap(): void;
  shutdown(): Promise<void>;
}

interface Active {
  control: CampaignControls;
  done: Promise<void>;
}

/** A designed campaign made ready to run: llem found and probed, the study planned. */
export interface PreparedCampaign {
  plan: CampaignPlan;
  llem: LlemCommand;
  makeRunner: (plan: CampaignPlan, options?: { retryFailed?: boolean }) => CampaignRunner;
}

/** What `start` did: started now, or queued behind whatever holds the GPU. */
export interface StartOutcome {
  campaignId: string;
  runCount: number;
  queued?: { position: number; waitingFor: string } | null;
}

/** Why the queue does not start its next campaign although the GPU is free (cleared by "Start queue" or any start). */
export type QueueHold = 'restart' | 'paused';

/** The GPU the app's campaigns run on (the runner's default); the queue is kept per GPU for when that becomes a choice. */
const APP_GPU = 0;
/** How often a queue waiting for another process (e.g. `llem-studio run`) looks whether the GPU is free again. */
const FOREIGN_LEASE_POLL_MS = 5_000;

/**
 * Campaigns run by this process (the Electron app or `serve`), started from the UI. Each one gets the same
 * runner the CLI uses (leases keep two processes off the same campaign or GPU). One telemetry hub feeds live
 * subscribers: display-only while idle, stored with the runs while a campaign runs.
 */
export class CampaignSessions {
  private readonly registry = new ProcessRegistry();
  private readonly active = new Map<string, Active>();
  /** Campaigns between "start" and their runner existing (finding llem takes a moment): a second start waits its turn. */
  private readonly starting = new Set<string>();
  private readonly eventListeners = new Set<{ campaignId: string | null; listener: (event: RunEvent) => void }>();
  private readonly telemetryListeners = new Set<(frame: TelemetryFrame) => void>();
  private hub: { hub: TelemetryHub; stored: boolean; unsubscribe: () => void } | null = null;
  private hubChange: Promise<void> = Promise.resolve();
  private queueHold: QueueHold | null;
  private queuePump: Promise<void> = Promise.resolve();
  private queuePoll: NodeJS.Timeout | null = null;
  private shuttingDown = false;

  constructor(
    private readonly deps: {
      db: Db;
      dataDir: string;
      env: NodeJS.ProcessEnv;
      log: (message: string) => void;
      /** The Electron shell tracks runners (quit confirmation, taskbar progress, notifications). */
      onRunnerStarted?: (runner: CampaignRunner, finished: Promise<unknown>) => void;
      /** Tests shorten the wait for a GPU held by another process. */
      foreignLeasePollMs?: number;
    },
  ) {
    // A queue stored by an earlier run of the app waits for the user: nothing starts on the GPU by itself at launch.
    this.queueHold = listQueue(deps.db, APP_GPU).length > 0 ? 'restart' : null;
  }

  isRunning(campaignId: string): boolean {
    return this.active.has(campaignId);
  }

  get activeCampaignIds(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Starts a campaign now when the GPU is free, else puts it at the end of the GPU's queue (stored): it starts when
   * the campaigns before it have ended. An explicit start also releases a held queue.
   */
  async start(campaignId: string, options: { retryFailed?: boolean } = {}): Promise<Result<StartOutcome>> {
    // An adaptive campaign resumes its search (core/campaigns/adaptiveSessions.ts), not a fixed plan.
    if (this.adaptiveResume) {
      const resumed = await this.adaptiveResume(campaignId);
      if (resumed) return resumed;
    }
    if (this.active.has(campaignId) || this.starting.has(campaignId)) return err('already_running', 'This campaign is already running.');
    this.queueHold = null;
    const waitingFor = this.gpuBusyWith(campaignId);
    if (waitingFor !== null) {
      const design = this.checkDesign(campaignId);
      if (!design.ok) return design;
      const existing = queuedEntry(this.deps.db, campaignId);
      const queued = existing ? ok(existing) : enqueueCampaign(this.deps.db, campaignId, { gpuIndex: APP_GPU, retryFailed: options.retryFailed ?? false });
      if (!queued.ok) return queued;
      // Held by another process: the pump looks again every few seconds (here, an ending starts it anyway).
      this.pumpQueue();
      return ok({ campaignId, runCount: design.value, queued: { position: queued.value.position, waitingFor } });
    }
    // Started by hand while queued (e.g. "Start" on a held queue's second entry): it leaves the queue and runs now.
    removeFromQueue(this.deps.db, campaignId);
    return this.startTracked(campaignId, options.retryFailed ?? false);
  }

  private async startTracked(campaignId: string, retryFailed: boolean): Promise<Result<StartOutcome>> {
    this.starting.add(campaignId);
    try {
      return await this.startNow(campaignId, retryFailed);
    } finally {
      this.starting.delete(campaignId);
    }
  }

  /** The stored design plans (with the profile it was designed for): its run count, or why it cannot run. */
  private checkDesign(campaignId: string): Result<number> {
    const document = getCampaign(this.deps.db, campaignId);
    if (!document.ok) return document;
    if (!document.value.yaml) return err('no_design', 'This campaign has no study YAML stored (it was started from the command line); run it again with llem-studio run.');
    try {
      const profile = document.value.profile ? (parseProfileName(document.value.profile) ?? undefined) : undefined;
      return ok(planStudyFromText(document.value.yaml, { profile }).resolution.runs.length);
    } catch (e) {
      if (e instanceof CampaignError || e instanceof YamlLoadError) return err('invalid_campaign', e.message);
      throw e;
    }
  }

  /** What keeps `campaignId` from starting on the app's GPU now (in words), or null when the GPU is free. */
  private gpuBusyWith(campaignId: string): string | null {
    const here = [...this.active.keys(), ...this.starting].find((id) => id !== campaignId);
    if (here !== undefined) {
      const name = getCampaign(this.deps.db, here);
      return `“${name.ok ? name.value.name : here}” running here`;
    }
    const holder = currentLeaseHolder(this.deps.db, `gpu:${APP_GPU}`);
    return holder ? holder.holder : null;
  }

  /** The stored queue of the app's GPU, why it waits, and whether it is held. */
  queue(): { entries: QueuedCampaign[]; waitingFor: string | null; hold: QueueHold | null } {
    const entries = listQueue(this.deps.db, APP_GPU);
    return { entries, waitingFor: entries.length > 0 ? this.gpuBusyWith('') : null, hold: entries.length > 0 ? this.queueHold : null };
  }

  moveQueued(campaignId: string, position: number): Result<QueuedCampaign[]> {
    return moveInQueue(this.deps.db, campaignId, position);
  }

  dequeue(campaignId: string): Result<{ removed: boolean }> {
    return ok({ removed: removeFromQueue(this.deps.db, campaignId) });
  }

  /** "Start queue": releases a hold (after a restart or a pause) and starts the next campaign if the GPU is free. */
  resumeQueue(): void {
    this.queueHold = null;
    this.pumpQueue();
  }

  /** Resolves when the queue has done what it can now (tests). */
  queueSettled(): Promise<void> {
    return this.queuePump;
  }

  /**
   * Starts the next queued campaign when nothing holds the GPU. Serialised, so two endings never start two
   * campaigns; a GPU held by another process is looked at again every few seconds.
   */
  private pumpQueue(): void {
    this.queuePump = this.queuePump.then(async () => {
      if (this.queuePoll) clearTimeout(this.queuePoll);
      this.queuePoll = null;
      if (this.shuttingDown || this.queueHold !== null) return;
      while (this.gpuBusyWith('') === null) {
        const next = takeNextQueued(this.deps.db, APP_GPU);
        if (!next) return;
        const started = await this.startTracked(next.campaignId, next.retryFailed);
        if (started.ok) return;
        // Lost the GPU to another process in between: back to the head, and wait.
        if (started.error.code === 'lease_held') {
          enqueueCampaign(this.deps.db, next.campaignId, { gpuIndex: APP_GPU, retryFailed: next.retryFailed, atHead: true });
          break;
        }
        // It cannot run (llem missing, design invalid now…): say so like any other ending, then try the next one.
        this.deps.log(`queued campaign ${next.campaignId} could not start: ${started.error.message}`);
        this.emit({ type: 'campaign.finished', campaignId: next.campaignId, at: new Date().toISOString(), status: 'failed', counts: emptyCounts(), message: `It could not start from the queue: ${started.error.message}` });
      }
      if (listQueue(this.deps.db, APP_GPU).length > 0 && this.active.size === 0 && this.starting.size === 0) {
        this.queuePoll = setTimeout(() => this.pumpQueue(), this.deps.foreignLeasePollMs ?? FOREIGN_LEASE_POLL_MS);
        this.queuePoll.unref();
      }
    }).catch((e: unknown) => this.deps.log(`campaign queue: ${(e as Error).stack ?? e}`));
  }

  /** Set by core/campaigns/adaptiveSessions.ts: resumes `campaignId` when it is an adaptive campaign (null when it is not). */
  adaptiveResume: ((campaignId: string) => Promise<Result<{ campaignId: string; runCount: number }> | null>) | null = null;

  /**
   * Runs `drive` as campaign `campaignId` of this process (adaptive searches): one at a time per campaign, its
   * events reach the Runs page's subscribers, the telemetry hub stores while it runs, and shutdown stops it.
   */
  async runDriven(
    campaignId: string,
    prepare: () => Promise<Result<PreparedCampaign>>,
    drive: (prepared: PreparedCampaign, emit: (event: RunEvent) => void, setControl: (c: CampaignControls) => void) => Promise<void>,
  ): Promise<Result<PreparedCampaign>> {
    if (this.active.has(campaignId) || this.starting.has(campaignId)) return err('already_running', 'This campaign is already running.');
    this.starting.add(campaignId);
    try {
      const prepared = await prepare();
      if (!prepared.ok) return prepared;
      await this.useHub(true);
      const entry: Active = { control: { pause() {}, cancel() {}, skipGap() {}, shutdown: async () => {} }, done: Promise.resolve() };
      entry.done = (async () => {
        try {
          await drive(prepared.value, (event) => this.emit(event), (c) => (entry.control = c));
        } catch (e) {
          this.deps.log(`campaign ${campaignId} failed: ${(e as Error).stack ?? e}`);
          this.emit({ type: 'campaign.finished', campaignId, at: new Date().toISOString(), status: 'failed', counts: emptyCounts(), message: (e as Error).message });
        } finally {
          this.active.delete(campaignId);
          // Whatever ended the search, the queue moves on.
          this.pumpQueue();
          await this.queuePump;
          if (this.active.size === 0) await this.useHub(false);
        }
      })();
      this.active.set(campaignId, entry);
      return prepared;
    } finally {
      this.starting.delete(campaignId);
    }
  }

  /** Finds llem, checks its profile against the design, and plans the designed campaign (its id and name kept). */
  async prepareCampaign(campaignId: string): Promise<Result<PreparedCampaign>> {
    const document = getCampaign(this.deps.db, campaignId);
    if (!document.ok) return document;
    if (!document.value.yaml) return err('no_design', 'This campaign has no study YAML stored (it was started from the command line); run it again with llem-studio run.');

    const llem = await locateLlem(llemLocateOptions(this.deps.db, this.deps.env));
    if (!llem.ok) return err(llem.error.code, `${llem.error.message} ${LLEM_INSTALL_HINT} (Settings → llem).`);
    // Before anything runs: in the desktop app a missing Python for the guardian is a clear error, never an unguarded llem.
    const guardian = guardianRuntimeForLlem(llem.value, this.deps.env);
    if (!guardian.ok) return guardian;
    const version = await detectLlemProfile(llem.value, this.deps.env);
    if (!version.ok) return version;
    const profile = version.value.profile;
    if (document.value.profile && document.value.profile !== profile) {
      return err(
        'profile_mismatch',
        `This campaign was designed for the "${document.value.profile}" llem schema, but the installed llem (${version.value.version}) uses "${profile}". ` +
          'Switch the llem version in Design and check the plan again.',
      );
    }
    let plan;
    try {
      const planned = planStudyFromText(document.value.yaml, { profile });
      plan = planFromResolution(planned.resolution, `campaign:${campaignId}`);
    } catch (e) {
      if (e instanceof CampaignError || e instanceof YamlLoadError) return err('invalid_campaign', e.message);
      throw e;
    }
    // The designer's campaign keeps its id and name; the runner creates its experiments and runs.
    plan = { ...plan, campaignId, name: document.value.name };
    const makeRunner = (runPlan: CampaignPlan, options: { retryFailed?: boolean } = {}): CampaignRunner =>
      new CampaignRunner(
        {
          db: this.deps.db,
          dataDir: this.deps.dataDir,
          registry: this.registry,
          llem: llem.value,
          guardian: guardian.value,
          llemVersion: version.value,
          writeExperimentYaml: writeExperimentJson,
          importRunResult: importIntoResultsStore,
          telemetry: this.telemetryHub,
          env: this.deps.env,
          options: { role: 'app', retryFailed: options.retryFailed ?? false },
        },
        runPlan,
      );
    return ok({ plan, llem: llem.value, makeRunner });
  }

  /** The telemetry hub's stored source for a runner made by `prepareCampaign` (null while none is open). */
  get telemetryHub(): TelemetryHub | null {
    return this.hub?.hub ?? null;
  }

  /** Tells the Electron shell about a runner (quit confirmation, taskbar progress, notifications). */
  noteRunner(runner: CampaignRunner, finished: Promise<unknown>): void {
    this.deps.onRunnerStarted?.(runner, finished);
  }

  private async startNow(campaignId: string, retryFailed: boolean): Promise<Result<StartOutcome>> {
    const prepared = await this.prepareCampaign(campaignId);
    if (!prepared.ok) return prepared;
    const { plan } = prepared.value;
    await this.useHub(true);
    const runner = prepared.value.makeRunner(plan, { retryFailed });
    runner.subscribe((event) => this.emit(event));
    const done = this.drive(campaignId, runner);
    this.active.set(campaignId, { control: runner, done });
    this.deps.onRunnerStarted?.(runner, done);
    return ok({ campaignId, runCount: plan.runs.length });
  }

  /** Runs until finished, paused or cancelled; a failure of the runner itself becomes a finished event. Then the queue moves on. */
  private async drive(campaignId: string, runner: CampaignRunner): Promise<void> {
    try {
      const outcome = await runner.run();
      if (!outcome.ok) {
        if (outcome.error.code === 'lease_held' && outcome.error.path?.startsWith('gpu:')) {
          // Another process took the GPU between our look and the runner's claim: wait in the queue, first in line.
          enqueueCampaign(this.deps.db, campaignId, { gpuIndex: APP_GPU, retryFailed: false, atHead: true });
        } else {
          this.emit({ type: 'campaign.finished', campaignId, at: new Date().toISOString(), status: 'failed', counts: emptyCounts(), message: outcome.error.message });
        }
      } else if (outcome.value.status === 'paused' && !this.shuttingDown) {
        // A pause means "I want the GPU for now": the queue waits until the user starts it again.
        this.queueHold = 'paused';
      }
    } catch (e) {
      this.deps.log(`campaign ${campaignId} failed: ${(e as Error).stack ?? e}`);
    } finally {
      this.active.delete(campaignId);
      this.pumpQueue();
      await this.queuePump;
      if (this.active.size === 0) await this.useHub(false);
    }
  }

  async command(campaignId: string, command: Command): Promise<Result<{ accepted: boolean }>> {
    const active = this.active.get(campaignId);
    if (command === 'resume') {
      if (active) return ok({ accepted: false });
      const started = await this.start(campaignId);
      return started.ok ? ok({ accepted: true }) : started;
    }
    if (!active) return err('not_running', 'This campaign is not running.');
    if (command === 'pause') active.control.pause();
    else if (command === 'cancel') active.control.cancel();
    else active.control.skipGap();
    return ok({ accepted: true });
  }

  subscribeEvents(campaignId: string | null, listener: (event: RunEvent) => void): () => void {
    const entry = { campaignId, listener };
    this.eventListeners.add(entry);
    return () => this.eventListeners.delete(entry);
  }

  subscribeTelemetry(listener: (frame: TelemetryFrame) => void): () => void {
    this.telemetryListeners.add(listener);
    if (!this.hub) void this.useHub(this.active.size > 0);
    return () => {
      this.telemetryListeners.delete(listener);
      if (this.telemetryListeners.size === 0 && this.active.size === 0) void this.useHub(null);
    };
  }

  /** App exit: runs in flight are stopped and queued again for the next start (no orphans). */
  async shutdown(): Promise<void> {
    // The stored queue stays for the next start (held until the user starts it); nothing new starts now.
    this.shuttingDown = true;
    if (this.queuePoll) clearTimeout(this.queuePoll);
    await Promise.all([...this.active.values()].map(async ({ control, done }) => {
      await control.shutdown();
      await done;
    }));
    await this.registry.stopAll('shutdown', 0);
    await this.useHub(null);
  }

  private emit(event: RunEvent): void {
    // The runner's last word: the campaign is no longer running here, whatever run() still has to unwind,
    // so a listener that reloads on this event already sees it stopped.
    if (event.type === 'campaign.finished' || event.type === 'campaign.paused') this.active.delete(event.campaignId);
    for (const { campaignId, listener } of this.eventListeners) {
      if (campaignId === null || campaignId === event.campaignId) listener(event);
    }
  }

  /**
   * Switches the hub: `true` = stored (a campaign runs), `false` = display-only if anyone watches, `null` = off.
   * Serialised, so a quick start/stop never leaves two sources open.
   */
  private useHub(stored: boolean | null): Promise<void> {
    this.hubChange = this.hubChange.then(async () => {
      const want = stored === null ? null : stored ? 'stored' : this.telemetryListeners.size > 0 ? 'display' : null;
      const have = this.hub ? (this.hub.stored ? 'stored' : 'display') : null;
      if (want === have) return;
      if (this.hub) {
        this.hub.unsubscribe();
        await this.hub.hub.stop();
        this.hub = null;
      }
      if (want === null) return;
      const source = createTelemetrySource(effectiveTelemetrySpec(this.deps.db, this.deps.env), { env: this.deps.env });
      if (!source.ok) {
        this.deps.log(`telemetry: ${source.error.message}`);
        return;
      }
      const hub = new TelemetryHub({ source: source.value.source, db: want === 'stored' ? this.deps.db : null, onError: (m) => this.deps.log(`telemetry: ${m}`) });
      const started = await hub.start();
      if (!started.ok) {
        this.deps.log(`telemetry: ${started.error.message}`);
        return;
      }
      const unsubscribe = hub.subscribe((frame) => {
        for (const listener of this.telemetryListeners) listener(frame);
      });
      this.hub = { hub, stored: want === 'stored', unsubscribe };
    });
    return this.hubChange;
  }
}

function emptyCounts() {
  return { total: 0, queued: 0, running: 0, succeeded: 0, failed: 0, interrupted: 0, cancelled: 0 };
}
