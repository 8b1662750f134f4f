import { err, ok, type Result } from '../contract/result';
import { createDispatcher, type Dispatcher } from './api/dispatcher';
import { createMethodHandlers, createSubscriptionHandlers } from './api/handlers';
import { openDatabase, type Db } from './store/database';
import { APP_VERSION } from './version';

/** Everything a handler may use. One per process: the Electron main process, `serve`, or a CLI command. */
export interface CoreContext {
  appVersion: string;
  dataDir: string;
  db: Db;
  mode: 'electron' | 'browser';
  env: NodeJS.ProcessEnv;
  startedAt: number;
}

export interface Core {
  context: CoreContext;
  dispatcher: Dispatcher;
  close(): void;
}

export function startCore(options: { dataDir: string; mode: 'electron' | 'browser'; env?: NodeJS.ProcessEnv }): Result<Core> {
  const opened = openDatabase(options.dataDir);
  if (!opened.ok) return opened;
  const context: CoreContext = {
    appVersion: APP_VERSION,
    dataDir: options.dataDir,
    db: opened.value,
    mode: options.mode,
    env: options.env ?? process.env,
    startedAt: Date.now(),
  };
  try {
    const dispatcher = createDispatcher(createMethodHandlers(context), createSubscriptionHandlers(context));
    return ok({
      context,
      dispatcher,
      close: () => {
        if (context.db.open) context.db.close();
      },
    });
  } catch (e) {
    opened.value.close();
    return err('start_failed', `The core could not start: ${(e as Error).message}`);
  }
}
