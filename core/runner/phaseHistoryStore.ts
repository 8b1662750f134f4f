import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { learnedKey, type ConfigFacts, type LearnedPhases, type LearnedPhasesLookup, type LearnedPhasesTable } from '../llem/estimate';
import { DATABASE_FILE_NAME, openDatabase, type Db } from '../store/database';
import { runTimeBreakdown, type AttemptTimes } from './timeBreakdown';

/**
 * What the plan estimate learns from campaigns that ran (issue 17 point 8): per-phase times of the most recent
 * campaign on this host that ran the same model with the same engine, from the runner's own records (attempt start
 * and end, the phases it parsed from llem's log: timeBreakdown.ts) and the stored result (model, engine, workload).
 * Only attempts that succeeded and reached llem's measuring phase count: a failed run's phases say little about
 * a whole one.
 */

/** Campaigns older than this do not teach the estimate (drivers, llem and the machine change). */
export const LEARNING_MAX_AGE_DAYS = 90;
/** At most this many runs of that campaign are read. */
export const LEARNING_MAX_RUNS = 50;

interface Row {
  run_id: number;
  run_index: number;
  attempt: number;
  status: string;
  started_at: string;
  ended_at: string;
  campaign_id: string;
  campaign_name: string;
  n_prompts: number | null;
  max_output_tokens: number | null;
}

export function readLearnedPhases(db: Db, q: { host: string; model: string; engine: string; nowMs?: number }): LearnedPhases | null {
  const since = new Date((q.nowMs ?? Date.now()) - LEARNING_MAX_AGE_DAYS * 86_400_000).toISOString();
  const latest = db
    .prepare(
      `SELECT r.campaign_id
       FROM run_attempts a JOIN runs r ON r.id = a.run_id JOIN results res ON res.run_id = r.id
       WHERE a.host = ? AND a.status = 'succeeded' AND a.ended_at IS NOT NULL AND a.started_at >= ?
         AND res.model = ? AND res.backend = ?
       ORDER BY a.started_at DESC LIMIT 1`,
    )
    .get(q.host, since, q.model, q.engine) as { campaign_id: string } | undefined;
  if (!latest) return null;
  const rows = db
    .prepare(
      `SELECT a.run_id, r.run_index, a.attempt, a.status, a.started_at, a.ended_at, c.id AS campaign_id, c.name AS campaign_name,
              res.n_prompts, res.max_output_tokens
       FROM run_attempts a JOIN runs r ON r.id = a.run_id JOIN campaigns c ON c.id = r.campaign_id JOIN results res ON res.run_id = r.id
       WHERE r.campaign_id = ? AND a.host = ? AND a.status = 'succeeded' AND a.ended_at IS NOT NULL
         AND res.model = ? AND res.backend = ?
       ORDER BY a.started_at DESC LIMIT ?`,
    )
    .all(latest.campaign_id, q.host, q.model, q.engine, LEARNING_MAX_RUNS) as Row[];
  const phases = db.prepare('SELECT phase, at_ms FROM run_phases WHERE run_id = ? AND attempt = ? ORDER BY seq');
  const runs = rows
    .map((r) => {
      const startMs = Date.parse(r.started_at);
      const endMs = Date.parse(r.ended_at);
      if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return null;
      const attempt: AttemptTimes = {
        runId: r.run_id,
        runIndex: r.run_index,
        attempt: r.attempt,
        status: r.status,
        startMs,
        endMs,
        phases: (phases.all(r.run_id, r.attempt) as { phase: string; at_ms: number }[]).map((p) => ({ phase: p.phase, atMs: p.at_ms })),
      };
      return { row: r, time: runTimeBreakdown(attempt, endMs) };
    })
    .filter((x): x is NonNullable<typeof x> => x !== null && x.time.parts.measuring > 0);
  if (runs.length === 0) return null;
  const med = (pick: (t: (typeof runs)[number]) => number) => median(runs.map(pick));
  const totals = runs.map((r) => llemSeconds(r.time.parts));
  const midTotal = median(totals);
  const workload = (pick: (r: Row) => number | null) => {
    const xs = runs.map((r) => pick(r.row)).filter((x): x is number => typeof x === 'number' && x > 0);
    return xs.length > 0 ? median(xs) : null;
  };
  return {
    campaignId: latest.campaign_id,
    campaignName: runs[0]!.row.campaign_name,
    runs: runs.length,
    start: med((r) => r.time.parts.start),
    modelLoad: med((r) => r.time.parts.model_load),
    baseline: med((r) => r.time.parts.baseline),
    warmup: med((r) => r.time.parts.warmup),
    thermalWait: med((r) => r.time.parts.thermal_wait),
    measuring: med((r) => r.time.parts.measuring),
    writeOut: med((r) => r.time.parts.write_out),
    nPrompts: workload((r) => r.n_prompts),
    maxOutputTokens: workload((r) => r.max_output_tokens),
    lowFactor: midTotal > 0 ? Math.min(1, Math.min(...totals) / midTotal) : 1,
    highFactor: midTotal > 0 ? Math.max(1, Math.max(...totals) / midTotal) : 1,
  };
}

/** The estimate's lookup for this host, one query per model and engine however many configs share them. */
export function learnedPhasesLookup(db: Db, host: string = os.hostname(), nowMs: number = Date.now()): LearnedPhasesLookup {
  const memo = new Map<string, LearnedPhases | null>();
  return (f: ConfigFacts) => {
    const key = learnedKey(f.engine, f.model);
    if (!memo.has(key)) memo.set(key, readLearnedPhases(db, { host, model: f.model, engine: f.engine, nowMs }));
    return memo.get(key) ?? null;
  };
}

/** llem's own phases of a run (the app's part is not llem's and not in the estimate's phases). */
function llemSeconds(p: Record<string, number>): number {
  return (p.start ?? 0) + (p.model_load ?? 0) + (p.baseline ?? 0) + (p.warmup ?? 0) + (p.thermal_wait ?? 0) + (p.measuring ?? 0) + (p.write_out ?? 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** At most this many model/engine pairs go to the designer's planner (the most recently run first). */
export const LEARNING_MAX_PAIRS = 200;

/** Every model/engine pair run on this host within the window, with its learned phases (for the designer). */
export function readLearnedPhasesTable(db: Db, host: string = os.hostname(), nowMs: number = Date.now()): LearnedPhasesTable {
  const since = new Date(nowMs - LEARNING_MAX_AGE_DAYS * 86_400_000).toISOString();
  const pairs = db
    .prepare(
      `SELECT res.model, res.backend, MAX(a.started_at) AS last
       FROM run_attempts a JOIN runs r ON r.id = a.run_id JOIN results res ON res.run_id = r.id
       WHERE a.host = ? AND a.status = 'succeeded' AND a.ended_at IS NOT NULL AND a.started_at >= ?
       GROUP BY res.model, res.backend ORDER BY last DESC LIMIT ?`,
    )
    .all(host, since, LEARNING_MAX_PAIRS) as { model: string; backend: string }[];
  const table: LearnedPhasesTable = {};
  for (const p of pairs) {
    const learned = readLearnedPhases(db, { host, model: p.model, engine: p.backend, nowMs });
    if (learned) table[learnedKey(p.backend, p.model)] = learned;
  }
  return table;
}

/**
 * For `llem-studio plan`: the lookup over the data folder's store when there is one (planning never creates a
 * store), and its close. A store that cannot be opened teaches nothing; the plan says "default assumptions".
 */
export function openLearnedPhases(dataDir: string): { lookup: LearnedPhasesLookup; close: () => void } | null {
  if (!existsSync(path.join(dataDir, DATABASE_FILE_NAME))) return null;
  const opened = openDatabase(dataDir);
  if (!opened.ok) return null;
  const db = opened.value;
  return { lookup: learnedPhasesLookup(db), close: () => db.close() };
}
