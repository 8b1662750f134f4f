import { err, ok, type Result } from '../../contract/result';
import type { RunEvent } from '../../contract/runEvents';
import type { TelemetryFrame } from '../../contract/telemetry';
import { planStudyFromText } from '../campaign/plan';
import { CampaignError } from '../campaign/types';
import { YamlLoadError } from '../campaign/yaml11';
import type { Db } from '../store/database';
import { ProcessRegistry } from '../processes/registry';
import { CampaignRunner } from '../runner/campaignRunner';
import { importIntoResultsStore } from '../runner/importResult';
import { locateLlem } from '../runner/llemDiscovery';
import { guardianRuntimeForLlem } from '../runner/llemPython';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import { planFromResolution, writeExperimentJson } from '../runner/studyPlan';
import { createTelemetrySource } from '../telemetry/createSource';
import { TelemetryHub } from '../telemetry/hub';
import { getCampaign } from './campaignStore';
import { effectiveTelemetrySpec, llemLocateOptions } from '../settings/llemSettings';
import { LLEM_INSTALL_HINT } from '../campaign/profiles';

/** Telemetry source for campaigns started from the UI (`auto`: NVML, else nvidia-smi, else off; `replay:<file>` for demos and tests). */
export { TELEMETRY_ENV } from '../settings/llemSettings';

type Command = 'pause' | 'resume' | 'cancel' | 'skipGap';

interface Active {
  runner: CampaignRunner;
  done: Promise<void>;
}

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

  constructor(
    private readonly deps: {
      db: Db;
      dataDir: string;
      env: NodeJS.ProcessEnv;
      log: (message: string) => void;
      /** The Electron shell tracks runners (quit confirmation, taskbar progress, notifications). */
      onRunnerStarted?: (runner: CampaignRunner, finished: Promise<unknown>) => void;
    },
  ) {}

  isRunning(campaignId: string): boolean {
    return this.active.has(campaignId);
  }

  get activeCampaignIds(): string[] {
    return [...this.active.keys()];
  }

  async start(campaignId: string, options: { retryFailed?: boolean } = {}): Promise<Result<{ campaignId: string; runCount: number }>> {
    if (this.active.has(campaignId) || this.starting.has(campaignId)) return err('already_running', 'This campaign is already running.');
    this.starting.add(campaignId);
    try {
      return await this.startNow(campaignId, options.retryFailed ?? false);
    } finally {
      this.starting.delete(campaignId);
    }
  }

  private async startNow(campaignId: string, retryFailed: boolean): Promise<Result<{ campaignId: string; runCount: number }>> {
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

    await this.useHub(true);
    const runner = new CampaignRunner(
      {
        db: this.deps.db,
        dataDir: this.deps.dataDir,
        registry: this.registry,
        llem: llem.value,
        guardian: guardian.value,
        llemVersion: version.value,
        writeExperimentYaml: writeExperimentJson,
        importRunResult: importIntoResultsStore,
        telemetry: this.hub?.hub ?? null,
        env: this.deps.env,
        options: { role: 'app', retryFailed },
      },
      plan,
    );
    runner.subscribe((event) => this.emit(event));
    const done = this.drive(campaignId, runner);
    this.active.set(campaignId, { runner, done });
    this.deps.onRunnerStarted?.(runner, done);
    return ok({ campaignId, runCount: plan.runs.length });
  }

  /** Runs until finished, paused or cancelled; a failure of the runner itself becomes a finished event. */
  private async drive(campaignId: string, runner: CampaignRunner): Promise<void> {
    try {
      const outcome = await runner.run();
      if (!outcome.ok) {
        this.emit({ type: 'campaign.finished', campaignId, at: new Date().toISOString(), status: 'failed', counts: emptyCounts(), message: outcome.error.message });
      }
    } catch (e) {
      this.deps.log(`campaign ${campaignId} failed: ${(e as Error).stack ?? e}`);
    } finally {
      this.active.delete(campaignId);
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
    if (command === 'pause') active.runner.pause();
    else if (command === 'cancel') active.runner.cancel();
    else active.runner.skipGap();
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
    await Promise.all([...this.active.values()].map(async ({ runner, done }) => {
      await runner.shutdown();
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
