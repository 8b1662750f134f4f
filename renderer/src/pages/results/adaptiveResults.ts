import type { AdaptiveView } from '../../../../contract/apiAdaptive';

/**
 * What Results says about an adaptive campaign, as plain data (tested in tests/unit/renderer/adaptiveResults.test.ts):
 * its front members with their values, the runs the search counted as infeasible, and the grid's configurations it
 * never ran (the price of the saving: their values are unknown, not bad).
 */
export interface AdaptiveResultsSummary {
  campaignId: string;
  gridSize: number;
  measured: number;
  front: { run: number; label: string; words: string; resultId: number | null }[];
  infeasible: { run: number; label: string; words: string }[];
  neverRun: string[];
}

/** Adaptive campaign ids among the results shown (or the one the page was opened for), each once, in order. */
export function adaptiveCampaignIdsOf(opened: string | null, rowCampaignIds: readonly (string | null)[]): string[] {
  const ids = opened ? [opened] : [];
  for (const id of rowCampaignIds) if (id && id.startsWith('adaptive-') && !ids.includes(id)) ids.push(id);
  return ids;
}

export function adaptiveResultsSummary(view: AdaptiveView): AdaptiveResultsSummary {
  return {
    campaignId: view.campaignId,
    gridSize: view.gridSize,
    measured: view.points.length,
    front: view.points
      .filter((p) => p.onFront)
      .sort((a, b) => (a.values?.[0] ?? 0) - (b.values?.[0] ?? 0))
      .map((p) => ({ run: p.runIndex + 1, label: p.label, words: p.outcomeWords ?? '', resultId: p.resultId })),
    infeasible: view.points
      .filter((p) => p.outcome === 'failed' || p.outcome === 'violates')
      .map((p) => ({ run: p.runIndex + 1, label: p.label, words: p.outcomeWords ?? '' })),
    neverRun: view.neverRun.map((c) => c.label).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
  };
}
