import type { GridIntensity } from '../../../../contract/apiGrid';
import type { CampaignRuns } from '../../../../contract/apiRuns';
import type { RunCounts } from '../../../../contract/runEvents';

/** Runs that will not run again without being asked: succeeded, failed or cancelled. */
export function finishedCount(counts: RunCounts): number {
  return counts.succeeded + counts.failed + counts.cancelled;
}

/**
 * One line for a campaign in the queue, from its counts and whether this process runs it: "4 of 18 finished ·
 * running here", "18 of 18 finished · 2 failed · completed". Counts come from the store, so they are current
 * whenever the list is asked again (the Runs page asks on every run event).
 */
export function queueLine(counts: RunCounts, status: string, active: boolean): string {
  const parts = [`${finishedCount(counts)} of ${counts.total} finished`];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  parts.push(active ? 'running here' : status);
  return parts.join(' · ');
}

export interface CampaignTotals {
  /** First start to last end of its runs, in seconds; null before any run ended. */
  wallSeconds: number | null;
  /** Sum over succeeded runs of GPU 0 energy in the measured window (J): the energy counter, else integrated power, else llem's. */
  energyJ: number | null;
  /** Runs whose energy is counted. */
  energyRuns: number;
}

export function campaignTotals(runs: CampaignRuns['runs']): CampaignTotals {
  let first = Infinity;
  let last = -Infinity;
  let energyJ = 0;
  let energyRuns = 0;
  for (const run of runs) {
    const start = run.startedAt ? Date.parse(run.startedAt) : NaN;
    const end = run.endedAt ? Date.parse(run.endedAt) : NaN;
    if (Number.isFinite(start)) first = Math.min(first, start);
    if (Number.isFinite(end)) last = Math.max(last, end);
    const j = run.status === 'succeeded' && run.energy ? (run.energy.counterJ ?? run.energy.integratedJ ?? run.energy.llemJ) : null;
    if (j !== null) {
      energyJ += j;
      energyRuns++;
    }
  }
  return { wallSeconds: Number.isFinite(first) && Number.isFinite(last) && last >= first ? (last - first) / 1000 : null, energyJ: energyRuns ? energyJ : null, energyRuns };
}

const JOULES_PER_KWH = 3_600_000;

/** CO₂-equivalent of `energyJ` drawn from a grid of `gramsPerKwh`, in grams (null when either is unknown). */
export function co2eGrams(energyJ: number | null, intensity: GridIntensity | null): number | null {
  if (energyJ === null || intensity === null || !Number.isFinite(energyJ) || !(intensity.gramsPerKwh > 0)) return null;
  return (energyJ / JOULES_PER_KWH) * intensity.gramsPerKwh;
}

/** A CO₂e mass with its unit: "0.41 g CO₂e", "12.3 g CO₂e", "1.23 kg CO₂e", "2.50 t CO₂e". */
export function formatCo2e(grams: number): string {
  if (!Number.isFinite(grams)) return '—';
  if (grams >= 1_000_000) return `${(grams / 1_000_000).toFixed(2)} t CO₂e`;
  if (grams >= 1000) return `${(grams / 1000).toFixed(2)} kg CO₂e`;
  if (grams >= 10) return `${grams.toFixed(1)} g CO₂e`;
  return `${grams.toPrecision(2).replace(/e.*$/, '')} g CO₂e`;
}

/** The line under a CO₂e figure: which intensity it used and where that comes from. */
export function intensityLine(intensity: GridIntensity): string {
  return `at ${intensity.gramsPerKwh} gCO₂e/kWh (${intensity.source}), GPU energy only`;
}
