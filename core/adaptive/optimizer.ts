import {
  AskResultSchema,
  HelloResultSchema,
  InitResultSchema,
  ReplayResultSchema,
  SIDECAR_PROTOCOL_VERSION,
  TellResultSchema,
  type InitRequest,
  type ProposalMode,
  type TrialOutcome,
} from './protocol';
import { SidecarClient, SidecarCrashedError, type SidecarClientOptions } from './sidecarClient';

export type StudySetup = Omit<InitRequest, 'op' | 'protocol'>;

/** A trial as the optimizer learnt it; a list of these rebuilds the study after a crash or on resume. */
export type TrialRecord = { key: string } & TrialOutcome;

export type Proposal = { key: string; why: string; trial: number; mode: ProposalMode } | { exhausted: true };

export interface OptimizerOptions extends SidecarClientOptions {
  /** Restarts in a row before giving up (a sidecar that dies at every start is broken, not unlucky). */
  maxRestarts?: number;
  /** Told after each restart (for logs): the crash that caused it. */
  onRestart?: (cause: Error, restartNumber: number) => void;
}

/**
 * The optimizer as the campaign sees it: ask for the next configuration, tell what the run gave. Owns one
 * sidecar at a time; when it crashes, starts a new one and rebuilds the study from the trials told so far
 * (the same trials a resumed campaign rebuilds from SQLite), then repeats the request.
 */
export class AdaptiveOptimizer {
  private client: SidecarClient | null = null;
  private readonly history: TrialRecord[] = [];
  private restartsInARow = 0;
  private restarts = 0;
  /** The sampler Optuna reports, and its version (from the last init). */
  info: { optuna: string; sampler: string } | null = null;
  /** Of the replayed trials, how many the seeded sampler proposed again exactly (all of them, normally). */
  lastReplay: { replayed: number; matched: number } | null = null;

  constructor(
    private readonly setup: StudySetup,
    private readonly options: OptimizerOptions,
  ) {}

  /** Starts the sidecar and rebuilds the study from `told` (trials stored before, in the order they ran). */
  async start(told: TrialRecord[] = []): Promise<void> {
    this.history.push(...told);
    await this.withRestart(async (c) => c);
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** The trials told so far, in order. */
  get trials(): readonly TrialRecord[] {
    return this.history;
  }

  get pid(): number | undefined {
    return this.client?.pid;
  }

  async ask(): Promise<Proposal> {
    return this.withRestart(async (c) => {
      const r = await c.request('ask', {}, AskResultSchema);
      return 'exhausted' in r ? { exhausted: true as const } : r;
    });
  }

  /** Records the outcome; after a crash the new sidecar learns it through the replay. */
  async tell(trial: number, record: TrialRecord): Promise<{ feasible: boolean }> {
    const client = this.client;
    this.history.push(record);
    const feasible = record.status === 'ok' && (record.violations ?? []).every((v) => v <= 0);
    if (client && client.alive) {
      try {
        const { key, ...outcome } = record;
        const r = await client.request('tell', { trial, ...outcome }, TellResultSchema);
        if (r.key !== key) throw new SidecarCrashedError(`the optimizer sidecar took trial ${trial} as ${r.key}, expected ${key}`);
        this.restartsInARow = 0;
        return { feasible: r.feasible };
      } catch (e) {
        if (!(e instanceof SidecarCrashedError)) {
          this.history.pop();
          throw e;
        }
        this.client = null;
        this.noteCrash(e);
      }
    }
    await this.withRestart(async (c) => c); // the replay includes this trial
    return { feasible };
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }

  /** For tests: kill the current sidecar as the OOM killer would. */
  killSidecarForTest(): void {
    this.client?.killForTest();
  }

  private async withRestart<T>(op: (c: SidecarClient) => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const c = this.client && this.client.alive ? this.client : await this.fresh();
        const out = await op(c);
        this.restartsInARow = 0;
        return out;
      } catch (e) {
        if (!(e instanceof SidecarCrashedError)) throw e;
        this.client = null;
        this.noteCrash(e);
      }
    }
  }

  /** Counts a crash; throws once there were more than maxRestarts in a row. */
  private noteCrash(e: SidecarCrashedError): void {
    this.restartsInARow++;
    this.restarts++;
    if (this.restartsInARow > (this.options.maxRestarts ?? 3)) {
      throw new SidecarCrashedError(`the optimizer sidecar failed ${this.restartsInARow} times in a row; giving up: ${e.message}`);
    }
    this.options.onRestart?.(e, this.restarts);
  }

  /** A new sidecar with the study rebuilt from the history. */
  private async fresh(): Promise<SidecarClient> {
    const c = new SidecarClient(this.options);
    this.client = c;
    c.start();
    const hello = await c.request('hello', {}, HelloResultSchema);
    if (hello.protocol !== SIDECAR_PROTOCOL_VERSION) {
      await c.close();
      throw new Error(`the optimizer sidecar speaks protocol ${hello.protocol}, llem Studio ${SIDECAR_PROTOCOL_VERSION}`);
    }
    if (hello.optuna === null) {
      await c.close();
      throw new Error(
        `Optuna is not installed in ${this.options.python} (${hello.optunaError ?? 'import failed'}); run scripts/setup-adaptive-sidecar.sh`,
      );
    }
    this.info = await c.request('init', { ...this.setup, protocol: SIDECAR_PROTOCOL_VERSION }, InitResultSchema);
    if (this.history.length > 0) {
      const { replayed, matched } = await c.request('replay', { trials: this.history }, ReplayResultSchema);
      this.lastReplay = { replayed, matched };
    }
    return c;
  }
}
