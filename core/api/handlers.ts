import type { AppInfo } from '../../contract/api';
import { ok } from '../../contract/result';
import type { CoreContext } from '../coreContext';
import { schemaVersion, sqliteVersion } from '../store/database';
import { probeGpus, probeLlem } from '../system/probe';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';

export function createMethodHandlers(ctx: CoreContext): MethodHandlers {
  return {
    'app.info': async () => {
      const [llem, gpus] = await Promise.all([probeLlem(ctx.env), probeGpus(ctx.env)]);
      const info: AppInfo = {
        appVersion: ctx.appVersion,
        dataDir: ctx.dataDir,
        databaseFile: ctx.db.name,
        sqliteVersion: sqliteVersion(ctx.db),
        schemaVersion: schemaVersion(ctx.db),
        mode: ctx.mode,
        llem,
        gpus,
      };
      return ok(info);
    },
  };
}

export function createSubscriptionHandlers(ctx: CoreContext): SubscriptionHandlers {
  return {
    'app.heartbeat': (_params, emit) => {
      const timer = setInterval(() => {
        emit({ at: new Date().toISOString(), uptimeSeconds: (Date.now() - ctx.startedAt) / 1000 });
      }, 1000);
      return () => clearInterval(timer);
    },
  };
}
