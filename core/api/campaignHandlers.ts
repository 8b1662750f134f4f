import type { campaignApiMethods } from '../../contract/apiCampaign';
import { ok } from '../../contract/result';
import { getCampaign, listCampaigns, saveCampaign } from '../campaigns/campaignStore';
import { templatesFor } from '../campaigns/templates';
import type { CoreContext } from '../coreContext';
import type { MethodHandlers } from './dispatcher';

/** Handlers of contract/apiCampaign.ts (the study designer). */
export function createCampaignHandlers(ctx: CoreContext): Pick<MethodHandlers, keyof typeof campaignApiMethods> {
  return {
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
