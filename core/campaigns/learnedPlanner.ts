import type { LearnedPhasesTable } from '../llem/estimate';
import type { CampaignPlanner } from './campaignPlanner';

/** The designer plans on every edit: the learned table is read again at most this often. */
export const LEARNED_TABLE_MAX_AGE_MS = 30_000;

/**
 * A planner whose every plan carries the phase times learned on this host (core/runner/phaseHistoryStore.ts), so
 * the designer's estimate says "based on N runs of <campaign>" where it can. A table that cannot be read (store
 * busy, closed) plans with the default assumptions rather than failing the plan.
 */
export function withLearnedPhases(planner: CampaignPlanner, readTable: () => LearnedPhasesTable, nowMs: () => number = Date.now): CampaignPlanner {
  let cached: { table: LearnedPhasesTable; at: number } | null = null;
  const table = (): LearnedPhasesTable | undefined => {
    const now = nowMs();
    if (!cached || now - cached.at > LEARNED_TABLE_MAX_AGE_MS) {
      try {
        cached = { table: readTable(), at: now };
      } catch {
        return undefined;
      }
    }
    return cached.table;
  };
  return {
    plan: (input, options) => {
      const learned = table();
      return planner.plan(learned && Object.keys(learned).length > 0 ? { ...input, learned } : input, options);
    },
    close: () => planner.close(),
  };
}
