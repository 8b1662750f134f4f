/**
 * llem's gap semantics (contract §2.8, runner path): before run i (0-based, i > 0) wait
 * `experiment_gap_seconds`; additionally, when i % n_unique == 0, wait `cycle_gap_seconds`. null = no gap.
 * (With `sequential` order the "cycle gap" does not fall on cycle boundaries — that is llem's behaviour, kept
 * so a campaign run by the app has the same thermal history as one run by llem.)
 */
export interface GapSettings {
  experimentGapSeconds: number | null;
  cycleGapSeconds: number | null;
}

export interface Gap {
  kind: 'experiment' | 'cycle';
  seconds: number;
}

export function gapsBefore(index: number, nUnique: number, settings: GapSettings): Gap[] {
  if (index <= 0) return [];
  const gaps: Gap[] = [];
  if (settings.experimentGapSeconds !== null && settings.experimentGapSeconds > 0) gaps.push({ kind: 'experiment', seconds: settings.experimentGapSeconds });
  if (nUnique > 0 && index % nUnique === 0 && settings.cycleGapSeconds !== null && settings.cycleGapSeconds > 0) {
    gaps.push({ kind: 'cycle', seconds: settings.cycleGapSeconds });
  }
  return gaps;
}
