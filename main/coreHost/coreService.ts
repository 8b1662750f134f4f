import { createRequire } from 'node:module';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import type { RunEvent } from '../../contract/runEvents';
import { startCore, type Core } from '../../core/startCore';
import type { SecretStore } from '../../core/push/secretStore';
import { importPaths } from '../../core/results/importPaths';
import { addRecentCampaign, clearRecentCampaigns, listRecentCampaigns, removeRecentCampaign } from '../../core/settings/recentCampaigns';
import { sqliteVersion } from '../../core/store/database';
import { createRunnerActivity } from '../campaignActivity';
import type { PortPeer } from './portPeer';
import { ApiCallArgs, ApiSubscribeArgs, ApiUnsubscribeArgs, CoreStartArgs, ImportArgs, RecentFileArgs, type CoreStarted } from './protocol';

/*
 * The core's side of the port, run in the Electron utility process (utilityEntry.ts): the dispatcher, SQLite,
 * the runner, NVML sampling and imports all live here, so nothing they do can freeze the window. The shell
 * reaches them only through the ops below.
 */

const require = createRequire(import.meta.url);

/** better-sqlite3 native files in Node's module cache: what this process really loaded, for the start-up log. */
export function loadedSqliteBindings(): string[] {
  return Object.keys(require.cache).filter((file) => file.endsWith('better_sqlite3.node'));
}

function parsed<T>(schema: z.ZodType<T>, args: unknown, op: string): Result<T> {
  const result = schema.safeParse(args);
  if (result.success) return ok(result.data);
  const first = result.error.issues[0];
  return err('invalid_payload', `${op}: malformed request${first ? ` (${first.path.join('.') || '(root)'}: ${first.message})` : ''}.`);
}

/** Secrets stay in the main process (Electron's safeStorage); the core asks for them over the port. */
class RemoteSecretStore implements SecretStore {
  constructor(
    private readonly peer: PortPeer,
    readonly description: string,
  ) {}
  async get(key: string): Promise<Result<string | null>> {
    return (await this.peer.request('secrets.get', { key })) as Result<string | null>;
  }
  async set(key: string, value: string): Promise<Result<void>> {
    return (await this.peer.request('secrets.set', { key, value })) as Result<void>;
  }
  async delete(key: string): Promise<Result<void>> {
    return (await this.peer.request('secrets.delete', { key })) as Result<void>;
  }
}

export function serveCore(peer: PortPeer, log: (message: string) => void = (m) => console.error(m)): void {
  let core: Core | null = null;
  const activity = createRunnerActivity();
  const subscriptions = new Map<number, () => void>();
  let lastRunning = '[]';

  const reportRunning = () => {
    const running = activity.running();
    const key = JSON.stringify(running);
    if (key === lastRunning) return;
    lastRunning = key;
    peer.notify('campaigns.running', { running });
  };
  activity.onEvent((event: RunEvent) => {
    peer.notify('campaigns.event', { event });
    reportRunning();
  });

  const withCore = <T>(op: string, schema: z.ZodType<T>, run: (core: Core, args: T) => Promise<Result<unknown>> | Result<unknown>) => {
    peer.handle(op, (raw) => {
      if (!core) return err('core_not_started', `${op}: the core has not started.`);
      const args = parsed(schema, raw, op);
      return args.ok ? run(core, args.value) : args;
    });
  };

  peer.handle('core.start', (raw): Result<CoreStarted> => {
    if (core) return err('already_started', 'The core is already running in this process.');
    const args = parsed(CoreStartArgs, raw, 'core.start');
    if (!args.ok) return args;
    // Under Electron the Node build in node_modules can never load; refuse rather than fail obscurely.
    if (typeof process.versions.electron === 'string' && !args.value.nativeBinding) {
      return err('sqlite_binding_missing', 'The core runs in Electron but was given no Electron build of better-sqlite3.');
    }
    const started = startCore({
      dataDir: args.value.dataDir,
      mode: 'electron',
      secrets: new RemoteSecretStore(peer, args.value.secretsDescription),
      nativeBinding: args.value.nativeBinding ?? undefined,
      onRunnerStarted: (runner, finished) => {
        activity.attach(runner, finished);
        reportRunning();
        void finished.finally(() => setTimeout(reportRunning, 0));
      },
    });
    if (!started.ok) return started;
    core = started.value;
    return ok({ pid: process.pid, sqliteVersion: sqliteVersion(core.context.db), loadedSqliteBindings: loadedSqliteBindings() });
  });

  withCore('api.call', ApiCallArgs, (c, { method, params }) => c.dispatcher.call(method, params));
  withCore('api.subscribe', ApiSubscribeArgs, (c, { sub, topic, params }) => {
    if (subscriptions.has(sub)) return err('duplicate_id', `Subscription ${sub} is already in use.`);
    const started = c.dispatcher.subscribe(topic, params, (data) => peer.notify('api.event', { sub, data }));
    if (!started.ok) return started;
    subscriptions.set(sub, started.value);
    return ok(null);
  });
  withCore('api.unsubscribe', ApiUnsubscribeArgs, (_c, { sub }) => {
    subscriptions.get(sub)?.();
    subscriptions.delete(sub);
    return ok(null);
  });
  withCore('recent.list', z.unknown(), (c) => ok(listRecentCampaigns(c.context.db)));
  withCore('recent.add', RecentFileArgs, (c, { file }) => ok(addRecentCampaign(c.context.db, file)));
  withCore('recent.remove', RecentFileArgs, (c, { file }) => ok(removeRecentCampaign(c.context.db, file)));
  withCore('recent.clear', z.unknown(), (c) => {
    clearRecentCampaigns(c.context.db);
    return ok([]);
  });
  withCore('results.import', ImportArgs, async (c, { paths }) => ok(await importPaths(c.context.db, paths)));
  withCore('campaigns.stopAll', z.unknown(), async () => {
    await activity.stopAll();
    reportRunning();
    return ok(null);
  });
  // Stops what still runs (runs in flight are queued again) and closes the store; the shell then ends the process.
  peer.handle('core.shutdown', async () => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
    if (core) await core.shutdown();
    core = null;
    log('llem Studio core: store closed, ready to exit.');
    return ok(null);
  });
}
