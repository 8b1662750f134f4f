import type { AppInfo } from '../../contract/api';
import { ok } from '../../contract/result';
import { detectProfile } from '../llem/profiles';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import type { CoreContext } from '../coreContext';
import { schemaVersion, sqliteVersion } from '../store/database';
import { probeGpus, probeLlemCommand } from '../system/probe';
import { locateLlem } from '../runner/llemDiscovery';
import { llemLocateOptions } from '../settings/llemSettings';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';

/** Handlers of the `app.*` entries of contract/api.ts. */
export function createAppHandlers(ctx: CoreContext): Pick<MethodHandlers, 'app.info'> {
  return {
    'app.info': async () => {
      // The llem Settings chose (path or Python interpreter), else LLEM_STUDIO_LLEM, else PATH: the one runs use.
      const located = await locateLlem(llemLocateOptions(ctx.db, ctx.env));
      const [llem, gpus] = await Promise.all([probeLlemCommand(located, ctx.env), probeGpus(ctx.env)]);
      // Behaviour probes (cached per llem install) decide the profile; the version string alone is the fallback.
      const probed = llem.found && located.ok ? await detectLlemProfile(located.value, ctx.env) : null;
      const detection =
        probed?.ok === true
          ? { profile: probed.value.profile, reason: probed.value.reason }
          : detectProfile({ versionOutput: llem.found ? llem.versionOutput : null });
      const info: AppInfo = {
        appVersion: ctx.appVersion,
        dataDir: ctx.dataDir,
        databaseFile: ctx.db.name,
        sqliteVersion: sqliteVersion(ctx.db),
        schemaVersion: schemaVersion(ctx.db),
        mode: ctx.mode,
        llem,
        llemProfile: { id: detection.profile, detected: llem.found, reason: detection.reason },
        gpus,
      };
      return ok(info);
    },
  };
}

export function createAppSubscriptions(ctx: CoreContext): Pick<SubscriptionHandlers, 'app.heartbeat'> {
  return {
    'app.heartbeat': (_params, emit) => {
      const timer = setInterval(() => {
        emit({ at: new Date().toISOString(), uptimeSeconds: (Date.now() - ctx.startedAt) / 1000 });
      }, 1000);
      return () => clearInterval(timer);
    },
  };
}
