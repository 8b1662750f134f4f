import type { AppInfo } from '../../contract/api';
import { ok } from '../../contract/result';
import { detectProfile } from '../llem/profiles';
import { detectLlemProfile } from '../runner/llemProfileProbe';
import { getCampaign, listCampaigns, saveCampaign } from '../campaigns/campaignDocuments';
import { templatesFor } from '../campaigns/templates';
import type { CoreContext } from '../coreContext';
import { schemaVersion, sqliteVersion } from '../store/database';
import { probeGpus, probeLlemCommand } from '../system/probe';
import { locateLlem } from '../runner/llemDiscovery';
import { llemLocateOptions } from '../settings/llemSettings';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';
import { createExportHandlers } from './exportHandlers';
import { createExplainHandlers } from './explainHandlers';
import { createPushHandlers } from './pushHandlers';
import { createResultsHandlers, createResultsSubscriptions } from './resultsHandlers';
import { createResultScopeHandlers } from './resultScopeHandlers';
import { createRunsHandlers, createRunsSubscriptions } from './runsHandlers';
import { createSettingsHandlers } from './settingsHandlers';
import { createSlurmHandlers } from './slurmHandlers';
import { createAdaptiveHandlers } from './adaptiveHandlers';
import { createQueueHandlers } from './queueHandlers';
import { createGridHandlers } from './gridHandlers';

export function createMethodHandlers(ctx: CoreContext): MethodHandlers {
  return {
    ...createResultsHandlers(ctx),
    ...createResultScopeHandlers(ctx),
    ...createExplainHandlers(ctx),
    ...createExportHandlers(ctx),
    ...createPushHandlers(ctx),
    ...createRunsHandlers(ctx),
    ...createSettingsHandlers(ctx),
    ...createSlurmHandlers(ctx),
    ...createAdaptiveHandlers(ctx),
    ...createQueueHandlers(ctx),
    ...createGridHandlers(ctx),
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
    'campaign.plan': async ({ yaml, profile, dedupe }) => ctx.planner.plan({ yaml, profile, dedupe }),
    'campaign.templates': async ({ profile }) => ok(templatesFor(profile)),
    'campaign.list': async () => listCampaigns(ctx.db),
    'campaign.get': async ({ id }) => getCampaign(ctx.db, id),
    'campaign.save': async ({ id, name, yaml, profile }) => {
      // The stored hash is the plan's when the YAML plans; a draft that does not plan yet is still saved.
      const plan = await ctx.planner.plan({ yaml, profile }, { supersedable: false });
      return saveCampaign(ctx.db, { id, name, yaml, profile, studyDesignHash: plan.ok ? plan.value.studyDesignHash || null : null });
    },
  };
}

export function createSubscriptionHandlers(ctx: CoreContext): SubscriptionHandlers {
  return {
    ...createResultsSubscriptions(ctx),
    ...createRunsSubscriptions(ctx),
    'app.heartbeat': (_params, emit) => {
      const timer = setInterval(() => {
        emit({ at: new Date().toISOString(), uptimeSeconds: (Date.now() - ctx.startedAt) / 1000 });
      }, 1000);
      return () => clearInterval(timer);
    },
  };
}
