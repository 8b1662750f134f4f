import type { AdaptivePoint, AdaptiveView } from '../../contract/apiAdaptive';
import type { Db } from '../store/database';
import { adaptiveRuns, readAdaptiveCampaign, readProposals } from './adaptiveStore';
import { METRICS, storedTrials } from './metrics';
import { frontOf, MODE_WORDS, outcomeOf, outcomeWords, type ToldPoint } from './reasons';

/**
 * What the Runs and Results pages show of an adaptive campaign: every run as a point (its objectives' values, its
 * outcome for the search, whether it is on the front now, why the optimizer chose it), and the grid's
 * configurations no run measured. Null for a campaign that is not adaptive.
 */
export function adaptiveView(db: Db, campaignId: string): AdaptiveView | null {
  const record = readAdaptiveCampaign(db, campaignId);
  if (!record) return null;
  const s = record.settings;
  const trials = storedTrials(db, campaignId, s.objectives, s.constraints);
  const runs = new Map(adaptiveRuns(db, campaignId).map((r) => [r.runIndex, r]));
  const reasons = new Map(readProposals(db, campaignId).map((p) => [p.runIndex, p]));
  const labels = new Map(record.grid.map((g) => [g.key, g.label]));

  const told: (ToldPoint & { words: string | null })[] = trials.map((t) => {
    if (!t.outcome) return { runIndex: t.runIndex, outcome: 'failed', values: null, words: null };
    const o = outcomeOf(t.outcome, s.constraints);
    return { runIndex: t.runIndex, outcome: o.kind, values: o.detail.values, words: outcomeWords(o.kind, o.detail, s.objectives) };
  });
  const front = new Set(frontOf(told.filter((p, i) => trials[i]!.outcome !== null), s.objectives));

  const points: AdaptivePoint[] = trials.map((t, i) => {
    const run = runs.get(t.runIndex);
    const reason = reasons.get(t.runIndex);
    return {
      runIndex: t.runIndex,
      runId: run?.runId ?? null,
      resultId: run?.resultId ?? null,
      configKey: t.key,
      label: labels.get(t.key) ?? t.key,
      status: t.status,
      outcome: t.outcome ? told[i]!.outcome : null,
      values: t.outcome ? told[i]!.values : null,
      onFront: front.has(t.runIndex),
      outcomeWords: told[i]!.words,
      reason: reason
        ? {
            trial: reason.trial,
            sampler: reason.sampler,
            mode: reason.mode,
            modeWords: MODE_WORDS[reason.mode],
            why: reason.why,
            toldCount: reason.told.length,
            frontSize: reason.front.length,
            frontRuns: reason.front.map((r) => r + 1),
          }
        : null,
    };
  });
  const measured = new Set(trials.map((t) => t.key));
  const info = (name: keyof typeof METRICS) => ({ name, label: METRICS[name].label, unit: METRICS[name].unit, direction: METRICS[name].direction });
  return {
    campaignId,
    gridCampaignId: record.gridCampaignId,
    objectives: s.objectives.map(info),
    constraints: s.constraints.map((c) => ({ ...info(c.metric), max: c.max })),
    budget: s.budget,
    patience: s.patience,
    seed: s.seed,
    sampler: s.sampler,
    gridSize: record.gridSize,
    stoppedBecause: record.stoppedBecause,
    points,
    neverRun: record.grid.filter((g) => !measured.has(g.key)),
  };
}
