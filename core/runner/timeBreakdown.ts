import { RUN_TIME_PARTS, type CampaignTime, type RunTimeBreakdown, type RunTimePart, type RunTimeParts } from '../../contract/campaignTime';
import type { Db } from '../store/database';
import { baselineCounts, baselineProvenance, provenanceKey } from './baselineProvenance';
import { readCampaignBaselineEvidence, type BaselineEvidence } from './baselineStore';
import { listAttemptPhases, listCampaignAttempts } from './runStore';

/**
 * Per-run time breakdown and campaign efficiency from what the runner already stores: the attempt's start and
 * end (run_attempts), and the phases it parsed from llem's log with their times (run_phases, logPhases.ts), plus
 * the markers the runner writes when llem has started (`llem_started`, reported by the guardian) and when it
 * exits (`process_exit`) (campaignRunner.ts).
 *
 *   attempt start ─ app ─▶ llem started ─ start ─▶ first phase line ─ (loading → model_load, baseline, warmup, thermal_wait,
 *   measuring) … ─▶ `done` ─ write_out ─▶ llem exits ─ app ─▶ result imported and stored (attempt end)
 *
 * Lines before any phase are `start` (Python start, imports, CUDA init, config checks). A run that never reached
 * `done` (failed, cancelled) counts up to its exit in whatever phase it was in.
 */

/** The run_phases values the runner writes when llem has started and when it exits (not llem phases: not in RunPhase). */
export const LLEM_STARTED_MARKER = 'llem_started';
export const PROCESS_EXIT_MARKER = 'process_exit';

/** A break between runs longer than this is a pause (or the app was closed), not campaign time. */
export const PAUSE_THRESHOLD_S = 600;

const PHASE_PART: Record<string, RunTimePart> = {
  starting: 'start',
  loading: 'model_load',
  baseline: 'baseline',
  warmup: 'warmup',
  thermal_wait: 'thermal_wait',
  measuring: 'measuring',
  done: 'write_out',
};

export interface AttemptTimes {
  runId: number;
  runIndex: number;
  attempt: number;
  status: string;
  startMs: number;
  /** When the app was done with the attempt; null while it runs (then `nowMs` is used). */
  endMs: number | null;
  /** In the order recorded. */
  phases: { phase: string; atMs: number }[];
}

export const emptyParts = (): RunTimeParts => Object.fromEntries(RUN_TIME_PARTS.map((p) => [p, 0])) as RunTimeParts;

export function runTimeBreakdown(a: AttemptTimes, nowMs: number = Date.now()): RunTimeBreakdown {
  const end = a.endMs ?? nowMs;
  const parts = emptyParts();
  // Until the guardian reports llem started, the time is the app's (spawning the guardian); attempts stored
  // before the marker existed count it as llem's start.
  let part: RunTimePart = a.phases.some((p) => p.phase === LLEM_STARTED_MARKER) ? 'app' : 'start';
  let from = a.startMs;
  let exitRecorded = false;
  const close = (to: number) => {
    // Clock steps and out-of-order rows must not make negative time; what is lost is lost, not invented.
    const t = Math.min(Math.max(to, from), end);
    parts[part] += (t - from) / 1000;
    from = t;
  };
  for (const p of a.phases) {
    if (p.phase === PROCESS_EXIT_MARKER) {
      close(p.atMs);
      part = 'app';
      exitRecorded = true;
      continue;
    }
    if (exitRecorded) continue;
    if (p.phase === LLEM_STARTED_MARKER) {
      if (part === 'app') {
        close(p.atMs);
        part = 'start';
      }
      continue;
    }
    const next = PHASE_PART[p.phase];
    if (!next || next === part) continue;
    close(p.atMs);
    part = next;
  }
  close(end);
  return {
    runId: a.runId,
    runIndex: a.runIndex,
    attempt: a.attempt,
    status: a.status,
    totalS: Math.max(0, end - a.startMs) / 1000,
    parts,
    exitRecorded,
  };
}

export function campaignTime(
  campaignId: string,
  attempts: readonly AttemptTimes[],
  nowMs: number = Date.now(),
  baselineEvidence: ReadonlyMap<number, BaselineEvidence> = new Map(),
): CampaignTime {
  const ordered = [...attempts].sort((x, y) => x.startMs - y.startMs);
  const provenance = baselineProvenance(ordered, baselineEvidence, nowMs);
  const runs = ordered.map((a) => {
    const r = runTimeBreakdown(a, nowMs);
    const baseline = provenance.get(provenanceKey(a.runId, a.attempt));
    return baseline ? { ...r, baseline } : r;
  });
  const parts = emptyParts();
  for (const r of runs) for (const p of RUN_TIME_PARTS) parts[p] += r.parts[p];
  let betweenRunsS = 0;
  let pausedS = 0;
  for (let i = 1; i < ordered.length; i++) {
    const gap = Math.max(0, ordered[i]!.startMs - (ordered[i - 1]!.endMs ?? nowMs)) / 1000;
    if (gap > PAUSE_THRESHOLD_S) pausedS += gap;
    else betweenRunsS += gap;
  }
  const runS = runs.reduce((s, r) => s + r.totalS, 0);
  const wallS = runS + betweenRunsS;
  return {
    campaignId,
    wallS,
    measuringS: parts.measuring,
    efficiency: wallS > 0 ? Math.min(1, parts.measuring / wallS) : null,
    parts,
    betweenRunsS,
    pausedS,
    pauseThresholdS: PAUSE_THRESHOLD_S,
    runs,
    ...(provenance.size > 0 ? { baselines: baselineCounts(runs) } : {}),
  };
}

/** Every attempt of a campaign that started, with its phases, from the store. */
export function readCampaignAttemptTimes(db: Db, campaignId: string): AttemptTimes[] {
  const out: AttemptTimes[] = [];
  for (const a of listCampaignAttempts(db, campaignId)) {
    const startMs = Date.parse(a.started_at);
    if (!Number.isFinite(startMs)) continue;
    const endMs = a.ended_at === null ? null : Date.parse(a.ended_at);
    out.push({
      runId: a.run_id,
      runIndex: a.run_index,
      attempt: a.attempt,
      status: a.status,
      startMs,
      endMs: endMs !== null && Number.isFinite(endMs) ? endMs : null,
      phases: listAttemptPhases(db, a.run_id, a.attempt).map((p) => ({ phase: p.phase, atMs: p.at_ms })),
    });
  }
  return out;
}

export function readCampaignTime(db: Db, campaignId: string, nowMs: number = Date.now()): CampaignTime {
  return campaignTime(campaignId, readCampaignAttemptTimes(db, campaignId), nowMs, readCampaignBaselineEvidence(db, campaignId));
}

/** One line for the CLI: efficiency first, then where the rest went, largest first. */
export function formatCampaignTime(t: CampaignTime): string {
  if (t.efficiency === null) return 'Campaign time: no run has started yet.';
  const labels: Record<RunTimePart, string> = {
    start: 'start',
    model_load: 'model load',
    baseline: 'baseline',
    warmup: 'warm-up',
    thermal_wait: 'thermal wait',
    measuring: 'measuring',
    write_out: 'write-out',
    app: 'app',
  };
  const rest = RUN_TIME_PARTS.filter((p) => p !== 'measuring')
    .map((p) => [labels[p], t.parts[p]] as const)
    .concat(t.betweenRunsS > 0 ? [['between runs', t.betweenRunsS] as const] : [])
    .filter(([, s]) => s >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([label, s]) => `${label} ${s.toFixed(1)} s`);
  const paused = t.pausedS > 0 ? `; ${t.pausedS.toFixed(0)} s paused, not counted` : '';
  const b = t.baselines;
  const baselines =
    b && b.measured + b.reused + b.unknown > 0
      ? `. Baseline: measured by ${b.measured} run${b.measured === 1 ? '' : 's'}, reused by ${b.reused}${b.unknown > 0 ? `, ${b.unknown} not known` : ''}`
      : '';
  return (
    `Campaign efficiency: ${(t.efficiency * 100).toFixed(1)} % of ${t.wallS.toFixed(1)} s wall time inside llem's measurement windows ` +
    `(measuring ${t.measuringS.toFixed(1)} s; ${rest.join(', ')}${paused})${baselines}`
  );
}
