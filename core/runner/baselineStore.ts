import type { Db } from '../store/database';

/** What llem's stored result says about the idle baseline it adjusted energy with (results table, from result.json). */
export interface BaselineEvidence {
  runId: number;
  method: string | null;
  /** llem's `baseline_timestamp` as epoch ms; null when absent or unparseable. */
  timestampMs: number | null;
  cacheAgeS: number | null;
  powerW: number | null;
}

/** Baseline fields of every stored result of a campaign's runs, by run id. */
export function readCampaignBaselineEvidence(db: Db, campaignId: string): Map<number, BaselineEvidence> {
  const rows = db
    .prepare(
      `SELECT res.run_id, res.baseline_method, res.baseline_timestamp, res.baseline_cache_age_sec, res.baseline_power_w
       FROM results res JOIN runs r ON r.id = res.run_id
       WHERE r.campaign_id = ?`,
    )
    .all(campaignId) as { run_id: number; baseline_method: string | null; baseline_timestamp: string | null; baseline_cache_age_sec: number | null; baseline_power_w: number | null }[];
  const out = new Map<number, BaselineEvidence>();
  for (const r of rows) {
    out.set(r.run_id, {
      runId: r.run_id,
      method: r.baseline_method,
      timestampMs: parseLlemTimestamp(r.baseline_timestamp),
      cacheAgeS: typeof r.baseline_cache_age_sec === 'number' && Number.isFinite(r.baseline_cache_age_sec) ? Math.max(0, r.baseline_cache_age_sec) : null,
      powerW: typeof r.baseline_power_w === 'number' && Number.isFinite(r.baseline_power_w) ? r.baseline_power_w : null,
    });
  }
  return out;
}

/** llem writes ISO 8601 in UTC with a `Z` (`2026-11-26T15:52:50.190279Z`); one without a zone is UTC too. */
export function parseLlemTimestamp(text: string | null): number | null {
  if (!text) return null;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : null;
}
