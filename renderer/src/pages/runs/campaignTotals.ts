import type { GridIntensity } from '../../../../contract/apiGrid';
import type { CampaignRuns } from '../../../../contract/apiRuns';
import type { RunCounts, RunStatus } from '../../../../contract/runEvents';

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
  /**
   * Sum over every run with a measured energy, whatever its status (a failed run drew that energy too), of GPU 0
   * energy in the measured window (J): the energy counter, else integrated power, else llem's.
   */
  energyJ: number | null;
  /** Runs whose energy is counted. */
  energyRuns: number;
  /** Of those, the ones that did not succeed, by status: their run numbers as the Runs table shows them (1-based). */
  energyUnsucceeded: Partial<Record<RunStatus, number[]>>;
}

export function campaignTotals(runs: CampaignRuns['runs']): CampaignTotals {
  let first = Infinity;
  let last = -Infinity;
  let energyJ = 0;
  let energyRuns = 0;
  const energyUnsucceeded: Partial<Record<RunStatus, number[]>> = {};
  for (const run of runs) {
    const start = run.startedAt ? Date.parse(run.startedAt) : NaN;
    const end = run.endedAt ? Date.parse(run.endedAt) : NaN;
    if (Number.isFinite(start)) first = Math.min(first, start);
    if (Number.isFinite(end)) last = Math.max(last, end);
    const j = run.energy ? (run.energy.counterJ ?? run.energy.integratedJ ?? run.energy.llemJ) : null;
    if (j !== null) {
      energyJ += j;
      energyRuns++;
      if (run.status !== 'succeeded') (energyUnsucceeded[run.status] ??= []).push(run.runIndex + 1);
    }
  }
  return {
    wallSeconds: Number.isFinite(first) && Number.isFinite(last) && last >= first ? (last - first) / 1000 : null,
    energyJ: energyRuns ? energyJ : null,
    energyRuns,
    energyUnsucceeded,
  };
}

/**
 * What the energy total covers: "GPU 0, measured windows of 18 succeeded runs", or with runs that did not succeed
 * named: "GPU 0, measured windows of 3 runs; failed: runs 1, 3".
 */
export function energyCoverage(totals: CampaignTotals): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const others = Object.entries(totals.energyUnsucceeded).filter(([, runs]) => runs.length > 0);
  if (others.length === 0) return `GPU 0, measured windows of ${plural(totals.energyRuns, 'succeeded run')}`;
  const named = others.map(([status, runs]) => `${status}: ${runs.length === 1 ? 'run' : 'runs'} ${runs.join(', ')}`);
  return `GPU 0, measured windows of ${plural(totals.energyRuns, 'run')}; ${named.join('; ')}`;
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
