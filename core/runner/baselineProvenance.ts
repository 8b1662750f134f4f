import type { BaselineProvenance, CampaignTime } from '../../contract/campaignTime';
import type { BaselineEvidence } from './baselineStore';
import type { AttemptTimes } from './timeBreakdown';

/**
 * Which run measured the baseline each stored result used, and how old it was (issue 19). llem records in every
 * result when its baseline was measured (`baseline_timestamp`) and how (`baseline_method`); placing that moment on
 * the campaign's attempt windows says whether the run measured its own (llem 0.7.0 always does: one per
 * `llem run`, docs/telemetry.md) or reused one measured by an earlier run, or before the campaign.
 *
 * Returned per "runId:attempt" for the run's latest attempt (the one whose result is stored).
 */
export function baselineProvenance(attempts: readonly AttemptTimes[], evidence: ReadonlyMap<number, BaselineEvidence>, nowMs: number = Date.now()): Map<string, BaselineProvenance> {
  const latest = new Map<number, AttemptTimes>();
  for (const a of attempts) {
    const seen = latest.get(a.runId);
    if (!seen || a.attempt > seen.attempt) latest.set(a.runId, a);
  }
  const out = new Map<string, BaselineProvenance>();
  for (const [runId, a] of latest) {
    const e = evidence.get(runId);
    if (!e) continue;
    const base = { method: e.method, ageS: e.cacheAgeS, powerW: e.powerW };
    if (e.powerW === null && e.method === null && e.timestampMs === null) {
      out.set(key(a), { source: 'none', measuredByRunIndex: null, ...base });
      continue;
    }
    if (e.timestampMs === null) {
      out.set(key(a), { source: 'unknown', measuredByRunIndex: null, ...base });
      continue;
    }
    const holder = attemptHolding(attempts, e.timestampMs, nowMs);
    if (!holder) out.set(key(a), { source: 'outside_campaign', measuredByRunIndex: null, ...base });
    else if (holder.runId === a.runId && holder.attempt === a.attempt) out.set(key(a), { source: 'this_run', measuredByRunIndex: a.runIndex, ...base });
    else out.set(key(a), { source: 'earlier_run', measuredByRunIndex: holder.runIndex, ...base });
  }
  return out;
}

export function provenanceKey(runId: number, attempt: number): string {
  return `${runId}:${attempt}`;
}

const key = (a: AttemptTimes) => provenanceKey(a.runId, a.attempt);

/** The attempt whose [start, end] holds `atMs`; the later one when windows touch. */
function attemptHolding(attempts: readonly AttemptTimes[], atMs: number, nowMs: number): AttemptTimes | null {
  let found: AttemptTimes | null = null;
  for (const a of attempts) {
    const end = a.endMs ?? nowMs;
    if (atMs >= a.startMs && atMs <= end && (!found || a.startMs >= found.startMs)) found = a;
  }
  return found;
}

/** Counts for the campaign: how many results measured their own baseline, reused one, or say nothing usable. */
export function baselineCounts(runs: CampaignTime['runs']): NonNullable<CampaignTime['baselines']> {
  const counts = { measured: 0, reused: 0, unknown: 0 };
  for (const r of runs) {
    if (!r.baseline || r.baseline.source === 'none') continue;
    if (r.baseline.source === 'this_run') counts.measured++;
    else if (r.baseline.source === 'earlier_run' || r.baseline.source === 'outside_campaign') counts.reused++;
    else counts.unknown++;
  }
  return counts;
}
