import type { adaptiveApiMethods } from '../../contract/apiAdaptive';
import { ok } from '../../contract/result';
import { adaptiveView } from '../adaptive/adaptiveView';
import { resumeAdaptiveCampaign, startAdaptiveCampaign, type AdaptiveSessionDeps } from '../campaigns/adaptiveSessions';
import type { CoreContext } from '../coreContext';
import type { MethodHandlers } from './dispatcher';

export function createAdaptiveHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof adaptiveApiMethods> {
  const deps: AdaptiveSessionDeps = { db: ctx.db, env: ctx.env, sessions: ctx.sessions, log: (m) => process.stderr.write(`${m}\n`) };
  // Resume (runs.start, the Runs page's Resume) of an adaptive campaign continues its search.
  ctx.sessions.adaptiveResume = (campaignId) => resumeAdaptiveCampaign(deps, campaignId);
  return {
    'adaptive.start': async ({ campaignId, settings }) => startAdaptiveCampaign(deps, campaignId, settings),
    'adaptive.view': async ({ campaignId }) => ok(adaptiveView(ctx.db, campaignId)),
  };
}
