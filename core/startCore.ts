import { err, ok, type Result } from '../contract/result';
import { createDispatcher, type Dispatcher } from './api/dispatcher';
import { createMethodHandlers, createSubscriptionHandlers } from './api/handlers';
import { inProcessPlanner, type CampaignPlanner } from './campaigns/campaignPlanner';
import { withLearnedPhases } from './campaigns/learnedPlanner';
import { CampaignSessions } from './campaigns/campaignSessions';
import { readLearnedPhasesTable } from './runner/phaseHistoryStore';
import type { CoreContext } from './coreContext';
import { FileSecretStore, type SecretStore } from './push/secretStore';
import type { CampaignRunner } from './runner/campaignRunner';
import { openDatabase } from './store/database';
import { APP_VERSION } from './version';

export type { CoreContext };

/** A started core: its context, the dispatcher both transports call, and how to stop it. */
export interface Core {
  context: CoreContext;
  dispatcher: Dispatcher;
  /** Stops running campaigns (their runs are queued again for next time) and closes the store. */
  shutdown(): Promise<void>;
  /** Closes the store at once (tests, and failures before anything ran). */
  close(): void;
}

export function startCore(options: {
  dataDir: string;
  mode: 'electron' | 'browser';
  env?: NodeJS.ProcessEnv;
  onRunnerStarted?: (runner: CampaignRunner, finished: Promise<unknown>) => void;
  secrets?: SecretStore;
  /** The better-sqlite3 build to load (the Electron build in the desktop app's core process); see openDatabase. */
  nativeBinding?: string;
  planner?: CampaignPlanner;
}): Result<Core> {
  const opened = openDatabase(options.dataDir, { nativeBinding: options.nativeBinding });
  if (!opened.ok) return opened;
  const env = options.env ?? process.env;
  const log = (message: string) => console.error(message);
  const context: CoreContext = {
    appVersion: APP_VERSION,
    dataDir: options.dataDir,
    db: opened.value,
    mode: options.mode,
    env,
    startedAt: Date.now(),
    sessions: new CampaignSessions({ db: opened.value, dataDir: options.dataDir, env, log, onRunnerStarted: options.onRunnerStarted }),
    secrets: options.secrets ?? new FileSecretStore(options.dataDir),
    planner: withLearnedPhases(options.planner ?? inProcessPlanner(), () => readLearnedPhasesTable(opened.value)),
  };
  try {
    const dispatcher = createDispatcher(createMethodHandlers(context), createSubscriptionHandlers(context));
    return ok({
      context,
      dispatcher,
      shutdown: async () => {
        await context.sessions.shutdown();
        await context.planner.close();
        if (context.db.open) context.db.close();
      },
      close: () => {
        void context.planner.close();
        if (context.db.open) context.db.close();
      },
    });
  } catch (e) {
    opened.value.close();
    void context.planner.close();
    return err('start_failed', `The core could not start: ${(e as Error).message}`);
  }
}
