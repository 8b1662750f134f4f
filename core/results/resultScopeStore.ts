import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';

export interface ScopeCampaign {
  id: string;
  name: string;
  status: string;
  results: number;
  lastResultAt: string | null;
}

export interface ResultScopes {
  campaigns: ScopeCampaign[];
  withoutCampaign: { results: number; lastResultAt: string | null };
}

/** Campaigns that hold results, most recent result first, and the count of own results that belong to none. */
export function listResultScopes(db: Db): Result<ResultScopes> {
  try {
    const campaigns = db
      .prepare(
        `SELECT c.id, c.name, c.status, COUNT(r.id) AS results, MAX(COALESCE(r.start_time, r.imported_at)) AS lastResultAt
         FROM results r JOIN runs ru ON ru.id = r.run_id JOIN campaigns c ON c.id = ru.campaign_id
         GROUP BY c.id
         ORDER BY lastResultAt DESC, c.created_at DESC`,
      )
      .all() as ScopeCampaign[];
    const loose = db
      .prepare(
        `SELECT COUNT(r.id) AS results, MAX(COALESCE(r.start_time, r.imported_at)) AS lastResultAt
         FROM results r LEFT JOIN runs ru ON ru.id = r.run_id WHERE ru.campaign_id IS NULL`,
      )
      .get() as { results: number; lastResultAt: string | null };
    return ok({ campaigns, withoutCampaign: loose });
  } catch (e) {
    return err('db_error', `Could not list the campaigns that hold results: ${(e as Error).message}`);
  }
}
