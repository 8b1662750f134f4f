import type { CoreContext } from '../coreContext';
import { createAppHandlers, createAppSubscriptions } from './appHandlers';
import { createCampaignHandlers } from './campaignHandlers';
import type { MethodHandlers, SubscriptionHandlers } from './dispatcher';
import { createExplainHandlers } from './explainHandlers';
import { createExportHandlers } from './exportHandlers';
import { createPushHandlers } from './pushHandlers';
import { createResultsHandlers, createResultsSubscriptions } from './resultsHandlers';
import { createResultScopeHandlers } from './resultScopeHandlers';
import { createRunsHandlers, createRunsSubscriptions } from './runsHandlers';
import { createSettingsHandlers } from './settingsHandlers';
import { createSlurmHandlers } from './slurmHandlers';
import { createAdaptiveHandlers } from './adaptiveHandlers';
import { createQueueHandlers } from './queueHandlers';
import { createGridHandlers } from './gridHandlers';

/**
 * The one place the areas' handlers are combined. Each area's file answers its own contract file
 * (`contract/api<Area>.ts`) and is typed by it; the `MethodHandlers` type makes a missing method a type error here.
 */
export function createMethodHandlers(ctx: CoreContext): MethodHandlers {
  return {
    ...createAppHandlers(ctx),
    ...createCampaignHandlers(ctx),
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
  };
}

export function createSubscriptionHandlers(ctx: CoreContext): SubscriptionHandlers {
  return {
    ...createAppSubscriptions(ctx),
    ...createResultsSubscriptions(ctx),
    ...createRunsSubscriptions(ctx),
  };
}
