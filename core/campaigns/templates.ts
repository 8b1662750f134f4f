import type { ProfileIdName } from '../../contract/api';
import type { CampaignTemplate } from '../../contract/apiCampaign';
import type { StudyTemplate } from '../llem/family';
import { allFamilies, familyOf } from '../llem/registry';
import { planCampaignYaml } from './designerPlanView';

/**
 * Starting points for the designer: the four questions people ask first. Each exists in the YAML shape of
 * each llem family (core/llem/families/<family>/templates.ts); a profile is offered the templates of its family
 * that its own schema accepts (planned on request).
 */
const cache = new Map<ProfileIdName, CampaignTemplate[]>();

export function templatesFor(profile: ProfileIdName): CampaignTemplate[] {
  const cached = cache.get(profile);
  if (cached) return cached;
  const usable = familyOf(profile)
    .templates.filter((t) => {
      const plan = planCampaignYaml(t.yaml, profile);
      return plan.ok && plan.value.configCount > 0;
    })
    .map(({ id, name, description, yaml }) => ({ id, name, description, yaml, profile }));
  cache.set(profile, usable);
  return usable;
}

/** Exposed for tests: every template source, whichever profile it is for (families in registry order). */
export const TEMPLATE_SOURCES: readonly StudyTemplate[] = allFamilies().flatMap((f) => f.templates);
