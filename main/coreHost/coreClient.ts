import { apiSubscriptions, isSubscriptionName } from '../../contract/api';
import type { RecentCampaign } from '../../contract/desktop';
import { err, ok, type Result } from '../../contract/result';
import type { RunEvent } from '../../contract/runEvents';
import type { Dispatcher } from '../../core/api/dispatcher';
import type { SecretStore } from '../../core/push/secretStore';
import type { ImportReport } from '../../core/results/importTypes';
import type { CampaignActivity } from '../campaignActivity';
import type { RecentCampaignStore } from '../recentCampaigns';
import { createPortPeer, type PortLike, type PortPeer } from './portPeer';
import { ApiEndNote, ApiEventNote, CoreStarted, RunEventNote, RunningNote, SecretArgs, type CoreStartArgs } from './protocol';

/*
 * The shell's handle on the core process: it starts it (and starts it again after a crash when the user asks),
 * forwards the API (the same Dispatcher interface main/ipc.ts has always served), mirrors which campaigns run
 * (quit confirmation, taskbar progress) and answers the core's requests for secrets. When the process dies,
 * every call in flight and every open subscription ends with a `core_stopped` error instead of hanging.
 */

/** One started core process: its port and its life. (coreProcess.ts makes one with Electron's utilityProcess.) */
export interface CoreProcess {
  readonly port: PortLike;
  readonly pid: number | undefined;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export interface CoreClientOptions {
  spawn: () => CoreProcess;
  init: CoreStartArgs;
  /** The main process's SecretStore (safeStorage), which the core reaches over the port. */
  secrets: SecretStore;
  /** The process died without being asked to (the shell shows an error and offers a restart). */
  onUnexpectedExit(message: string): void;
  log?: (message: string) => void;
  /** Longest wait for a clean shutdown before the process is killed. */
  shutdownTimeoutMs?: number;
}

export type CoreStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface CoreClient {
  readonly status: CoreStatus;
  start(): Promise<Result<CoreStarted>>;
  /** After a crash: a fresh process over the same store (every write the old one committed is there). */
  restart(): Promise<Result<CoreStarted>>;
  /** Clean shutdown: the core stops its campaigns and closes the store, then the process ends. */
  stop(): Promise<void>;
  readonly dispatcher: Dispatcher;
  readonly activity: CampaignActivity;
  readonly recent: RecentCampaignStore;
  importPaths(paths: readonly string[]): Promise<ImportReport>;
}

interface Subscription {
  emit: (data: unknown) => void;
  end?: (error: { code: string; message: string }) => void;
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const log = options.log ?? ((m: string) => console.error(m));
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 15_000;
  let status: CoreStatus = 'idle';
  let current: { process: CoreProcess; peer: PortPeer; exited: Promise<number> } | null = null;
  let starting: Promise<Result<CoreStarted>> | null = null;
  let lastFailure = 'The llem Studio core is not running.';
  let nextSub = 1;
  const subscriptions = new Map<number, Subscription>();
  let running: string[] = [];
  const runListeners = new Set<(event: RunEvent) => void>();

  const stoppedError = () => ({ code: 'core_stopped', message: lastFailure });

  const endAllSubscriptions = (error: { code: string; message: string }) => {
    const all = [...subscriptions.values()];
    subscriptions.clear();
    for (const s of all) s.end?.(error);
  };

  function launch(): Promise<Result<CoreStarted>> {
    status = 'starting';
    let proc: CoreProcess;
    try {
      proc = options.spawn();
    } catch (e) {
      status = 'crashed';
      lastFailure = `The llem Studio core could not be started: ${(e as Error).message}`;
      return Promise.resolve(err('core_start_failed', lastFailure));
    }
    const peer = createPortPeer(proc.port, log);
    const exited = new Promise<number>((resolve) => proc.onExit(resolve));
    const me = { process: proc, peer, exited, startFailed: false };
    current = me;

    peer.handle('secrets.get', async (raw) => {
      const args = SecretArgs.safeParse(raw);
      return args.success ? options.secrets.get(args.data.key) : err('invalid_payload', 'secrets.get: malformed request.');
    });
    peer.handle('secrets.set', async (raw) => {
      const args = SecretArgs.safeParse(raw);
      return args.success && args.data.value !== undefined ? options.secrets.set(args.data.key, args.data.value) : err('invalid_payload', 'secrets.set: malformed request.');
    });
    peer.handle('secrets.delete', async (raw) => {
      const args = SecretArgs.safeParse(raw);
      return args.success ? options.secrets.delete(args.data.key) : err('invalid_payload', 'secrets.delete: malformed request.');
    });
    peer.onNote('api.event', (raw) => {
      const note = ApiEventNote.safeParse(raw);
      if (note.success) subscriptions.get(note.data.sub)?.emit(note.data.data);
    });
    peer.onNote('api.end', (raw) => {
      const note = ApiEndNote.safeParse(raw);
      if (!note.success) return;
      const s = subscriptions.get(note.data.sub);
      subscriptions.delete(note.data.sub);
      s?.end?.(note.data.error);
    });
    peer.onNote('campaigns.running', (raw) => {
      const note = RunningNote.safeParse(raw);
      if (note.success) running = note.data.running;
    });
    peer.onNote('campaigns.event', (raw) => {
      const note = RunEventNote.safeParse(raw);
      if (!note.success) return;
      for (const listener of runListeners) listener(note.data.event as unknown as RunEvent);
    });

    void exited.then((code) => {
      if (current !== me) return;
      current = null;
      running = [];
      const was = status;
      // A start that failed keeps its reason as the answer to later calls.
      if (was === 'stopping' || was === 'stopped') lastFailure = me.startFailed ? lastFailure : 'The llem Studio core has been stopped.';
      else if (was === 'starting') lastFailure = `The llem Studio core stopped while starting (exit code ${code}).`;
      else lastFailure = `The llem Studio core stopped unexpectedly (exit code ${code}).`;
      status = was === 'stopping' || was === 'stopped' ? 'stopped' : 'crashed';
      peer.failPending(stoppedError());
      endAllSubscriptions(stoppedError());
      // A death during start-up is reported by start() itself (the caller shows it); only a running core is "lost".
      if (was === 'running') {
        log(lastFailure);
        options.onUnexpectedExit(lastFailure);
      }
    });

    return peer.request('core.start', options.init).then((result) => {
      if (!result.ok) {
        if (status === 'crashed') return err('core_start_failed', lastFailure);
        me.startFailed = true;
        lastFailure = result.error.message;
        status = 'stopping';
        proc.kill();
        return result as Result<CoreStarted>;
      }
      const checked = CoreStarted.safeParse(result.value);
      if (!checked.success) {
        me.startFailed = true;
        lastFailure = 'The llem Studio core answered its start request with something unexpected.';
        status = 'stopping';
        proc.kill();
        return err('core_start_failed', lastFailure);
      }
      status = 'running';
      return ok(checked.data);
    });
  }

  const ensureStarted = (): Promise<Result<CoreStarted>> => {
    if (!starting) {
      starting = launch();
      void starting.then((r) => {
        if (!r.ok) starting = null;
      });
    }
    return starting;
  };

  /** The peer to talk to, or the reason there is none. */
  const peerNow = async (): Promise<Result<PortPeer>> => {
    if (status === 'starting' && starting) await starting;
    if (status !== 'running' || !current) return err('core_stopped', lastFailure);
    return ok(current.peer);
  };

  const request = async (op: string, args?: unknown): Promise<Result<unknown>> => {
    const peer = await peerNow();
    return peer.ok ? peer.value.request(op, args) : peer;
  };

  const dispatcher: Dispatcher = {
    call: (method, params) => request('api.call', { method, params }),
    subscribe(topic, params, emit, end) {
      // The same checks as the core's dispatcher, here too: a bad topic is refused at once, not after a round trip.
      if (!isSubscriptionName(topic)) return err('unknown_subscription', `Unknown subscription "${topic}".`);
      const checked = apiSubscriptions[topic].params.safeParse(params ?? {});
      if (!checked.success) return err('invalid_params', `Invalid parameters for ${topic}.`);
      if (status !== 'running' && status !== 'starting') return err('core_stopped', lastFailure);
      const sub = nextSub++;
      subscriptions.set(sub, { emit, end });
      void request('api.subscribe', { sub, topic, params }).then((result) => {
        if (result.ok || !subscriptions.has(sub)) return;
        subscriptions.delete(sub);
        end?.(result.error);
      });
      return ok(() => {
        if (!subscriptions.delete(sub)) return;
        if (status === 'running' && current) void current.peer.request('api.unsubscribe', { sub });
      });
    },
  };

  const activity: CampaignActivity = {
    running: () => [...running],
    onEvent(listener) {
      runListeners.add(listener);
      return () => runListeners.delete(listener);
    },
    async stopAll() {
      const result = await request('campaigns.stopAll');
      if (!result.ok && result.error.code !== 'core_stopped') throw new Error(result.error.message);
    },
  };

  const recentOp = (op: string, args?: unknown) => request(op, args) as Promise<Result<RecentCampaign[]>>;

  return {
    get status() {
      return status;
    },
    start: ensureStarted,
    restart() {
      if (status === 'running' || status === 'starting') return ensureStarted();
      starting = null;
      return ensureStarted();
    },
    async stop() {
      const me = current;
      if (!me) {
        status = 'stopped';
        return;
      }
      if (status === 'running') {
        status = 'stopping';
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), shutdownTimeoutMs);
        });
        const outcome = await Promise.race([me.peer.request('core.shutdown'), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') log(`The llem Studio core did not shut down within ${shutdownTimeoutMs} ms; ending it.`);
      }
      status = 'stopping';
      me.process.kill();
      await me.exited;
      status = 'stopped';
    },
    dispatcher,
    activity,
    recent: {
      list: () => recentOp('recent.list'),
      add: (file) => recentOp('recent.add', { file }),
      remove: (file) => recentOp('recent.remove', { file }),
      clear: () => recentOp('recent.clear'),
    },
    async importPaths(paths) {
      const result = await request('results.import', { paths: [...paths] });
      if (!result.ok) throw new Error(result.error.message);
      return result.value as ImportReport;
    },
  };
}
