import type { ProfileIdName } from '../../../../contract/api';
import type { EarlyCalls } from '../../api/earlyCalls';
import type { RanCampaign } from './ranCampaign';

export const DRAFT_KEY = 'llem-studio.design.draft';
/** The profile the Design page assumes until `app.info` says which llem is installed. */
export const INITIAL_PROFILE: ProfileIdName = 'head';

export interface Draft {
  id?: string;
  name: string;
  yaml: string;
  profile: ProfileIdName;
  /** Tells one fresh draft from the next before it has an id (its first save creates the campaign; see DesignPage). */
  localId?: string;
  /** Set when this is a campaign that has run, opened to look at: nothing is saved until the user chooses (RanCampaignBanner). */
  ranAs?: RanCampaign;
}

export function loadLocalDraft(): Draft | null {
  try {
    const raw = localStorage.getItem(DRAFT_KEY);
    if (!raw) return null;
    const draft = JSON.parse(raw) as Draft;
    return typeof draft.yaml === 'string' && typeof draft.name === 'string' ? draft : null;
  } catch {
    return null;
  }
}

/**
 * The calls the Design page makes when it first renders (its effects), made at start-up instead when it is the first
 * page (renderer/src/startup.ts), so that they go out as soon as the connection is up. Kept next to the page's own
 * logic: same methods, same params (the draft's profile, else INITIAL_PROFILE).
 */
export function callDesignPageEarly(early: Pick<EarlyCalls, 'callEarly'>): void {
  early.callEarly('app.info', {});
  early.callEarly('campaign.list', {});
  early.callEarly('campaign.templates', { profile: loadLocalDraft()?.profile ?? INITIAL_PROFILE });
}
