import path from 'node:path';
import { z } from 'zod';
import type { Db } from '../store/database';
import { deleteSetting, readSetting, writeSetting } from './appSettingsStore';

/**
 * The "Open Recent" list: campaign (llem study) files the user opened or saved, newest first. Kept in the
 * store so the desktop app's list survives restarts and lives with the rest of the user's data.
 */
export const RECENT_CAMPAIGNS_KEY = 'recent_campaigns';
export const MAX_RECENT_CAMPAIGNS = 10;

const RecentCampaignSchema = z.object({ path: z.string().min(1), openedAt: z.string() });
export type RecentCampaign = z.infer<typeof RecentCampaignSchema>;
const RecentListSchema = z.array(RecentCampaignSchema);

export function listRecentCampaigns(db: Db): RecentCampaign[] {
  return (readSetting(db, RECENT_CAMPAIGNS_KEY, RecentListSchema) ?? []).slice(0, MAX_RECENT_CAMPAIGNS);
}

/** Puts `file` (made absolute) at the top, drops an older entry for the same file, keeps the newest ten. */
export function addRecentCampaign(db: Db, file: string, now: Date = new Date()): RecentCampaign[] {
  const absolute = path.resolve(file);
  const list = [{ path: absolute, openedAt: now.toISOString() }, ...listRecentCampaigns(db).filter((r) => r.path !== absolute)].slice(
    0,
    MAX_RECENT_CAMPAIGNS,
  );
  writeSetting(db, RECENT_CAMPAIGNS_KEY, list, now);
  return list;
}

export function removeRecentCampaign(db: Db, file: string): RecentCampaign[] {
  const absolute = path.resolve(file);
  const list = listRecentCampaigns(db).filter((r) => r.path !== absolute);
  writeSetting(db, RECENT_CAMPAIGNS_KEY, list);
  return list;
}

export function clearRecentCampaigns(db: Db): void {
  deleteSetting(db, RECENT_CAMPAIGNS_KEY);
}
