/**
 * Pre-launch estimates: run count, per-run duration and GPU energy, campaign totals including
 * baseline, warmup, thermal floors and gaps (contract §8.1 timeline).
 *
 * Source of a per-config estimate, best first:
 *   1. `history` — runs of the same config hash (median, range = observed min..max);
 *   2. `similar-history` — runs of similar configs (same engine/model/precision), scaled by the
 *      workload (prompts × max output tokens), range ×0.7..×1.5;
 *   3. `measured-phases` — per-phase times (start, model load, baseline, warm-up, thermal wait, measuring,
 *      write-out) measured on this host in a recent campaign of the same model and engine, measuring scaled by
 *      the workload (prompts × max output tokens): "based on N runs of <campaign>";
 *   4. `heuristic` — a documented rule of thumb (docs/campaign-model.md, "Estimates"), shown as a
 *      wide range (×0.5..×3), because model size, GPU and output length dominate and are unknown:
 *      "default assumptions".
 * The history stores belong to other modules (core/runner/phaseHistoryStore.ts); they are injected as lookups.
 */
import type { PyDict } from '../../contract/llem/pyValue';
import { familyOf } from './registry';
import type { ProfileId, StudyResolution } from './types';

export interface Range {
  low: number;
  mid: number;
  high: number;
}

/** What the estimator (and a history lookup) needs to know about one config. */
export interface ConfigFacts {
  profile: ProfileId;
  hash: string;
  engine: string;
  model: string;
  precision: string;
  nPrompts: number;
  maxOutputTokens: number;
  batchSize: number;
  servingMode: 'offline' | 'server';
  baseline: { enabled: boolean; seconds: number; perRun: boolean };
  warmup: { enabled: boolean; prompts: number; thermalFloorSeconds: number };
  /** Server mode (PyPI 0.7.0): warmup + ramp + window + cooldown seconds. */
  serverSeconds?: Range;
}

export interface HistorySample {
  durationSeconds: number;
  energyJoules: number;
  nPrompts?: number;
  maxOutputTokens?: number;
}

/** Injected by the store: past runs of this exact config and of similar ones. */
export type HistoryLookup = (facts: ConfigFacts) => { exact: HistorySample[]; similar: HistorySample[] } | null;

/**
 * Per-phase seconds measured on this host for one model and engine: medians over the runs of the most recent
 * campaign that ran them (core/runner/phaseHistoryStore.ts reads them from the runner's phase records).
 */
export interface LearnedPhases {
  campaignId: string;
  campaignName: string;
  runs: number;
  start: number;
  modelLoad: number;
  baseline: number;
  warmup: number;
  thermalWait: number;
  measuring: number;
  writeOut: number;
  /** The workload `measuring` was for (medians; null when the results do not say), to scale to a config's. */
  nPrompts: number | null;
  maxOutputTokens: number | null;
  /** Shortest and longest of those runs over the median run (≤ 1 and ≥ 1): the estimate's range. */
  lowFactor: number;
  highFactor: number;
}

/** Injected by the store: learned phase times for this config's model and engine on this host, or null. */
export type LearnedPhasesLookup = (facts: ConfigFacts) => LearnedPhases | null;

/** Learned phases by `learnedKey(engine, model)`: plain data, so it crosses to the planning worker thread. */
export type LearnedPhasesTable = Record<string, LearnedPhases>;

export function learnedKey(engine: string, model: string): string {
  return `${engine}\u0000${model}`;
}

export function lookupFromTable(table: LearnedPhasesTable): LearnedPhasesLookup {
  return (f) => (Object.hasOwn(table, learnedKey(f.engine, f.model)) ? table[learnedKey(f.engine, f.model)]! : null);
}

export interface ConfigEstimate {
  configIndex: number;
  durationSeconds: Range;
  energyJoules: Range;
  source: 'history' | 'similar-history' | 'measured-phases' | 'heuristic';
  basis: string;
}

export interface CampaignEstimate {
  uniqueConfigs: number;
  runs: number;
  perConfig: ConfigEstimate[];
  /** Sum over runs in order, plus gaps. */
  totalDurationSeconds: Range;
  totalEnergyJoules: Range;
  /** Mid-estimate seconds by phase (whole campaign); `overhead` is llem's start and write-out when measured. */
  breakdown: { baseline: number; modelLoad: number; warmup: number; thermalFloor: number; measurement: number; overhead: number; gaps: number };
  /** True when any config fell back to the heuristic. */
  usesHeuristic: boolean;
  /** Where the phase times come from: "based on N runs of <campaign>" (measured on this host) or "default assumptions". */
  basis: string;
}

const IDLE_POWER_W = 60;

/** Extract estimator facts from a validated dump (the profile's family reads its own schema). */
export function configFacts(profile: ProfileId, dump: PyDict, hash: string): ConfigFacts {
  return familyOf(profile).configFacts(profile, dump, hash);
}

const paramsCache = new Map<string, { value: number; known: boolean }>();

/** Parameter count in billions guessed from the model id (`Qwen2.5-0.5B` → 0.5); 1 if unknown. */
export function guessParamsBillions(model: string): { value: number; known: boolean } {
  let hit = paramsCache.get(model);
  if (!hit) {
    hit = guessUncached(model);
    if (paramsCache.size < 10_000) paramsCache.set(model, hit);
  }
  return hit;
}

function guessUncached(model: string): { value: number; known: boolean } {
  const m = /(\d+(?:\.\d+)?)\s*([bBmM])(?![a-zA-Z])/.exec(model.split('/').pop() ?? model);
  if (m) {
    const v = Number(m[1]);
    return { value: (m[2] as string).toLowerCase() === 'm' ? v / 1000 : v, known: true };
  }
  if (/gpt2/i.test(model)) return { value: 0.124, known: true };
  return { value: 1, known: false };
}

interface PhaseSeconds {
  baseline: number;
  modelLoad: number;
  warmup: number;
  thermalFloor: number;
  measurement: number;
  /** llem's start (process, imports) and write-out: only known from measured runs (0 in the heuristic). */
  overhead?: number;
}

type Phases = PhaseSeconds & { activePowerW: number };

/**
 * A config's phases from times measured on this host: the measured medians, measuring scaled by the workload.
 * A phase the config turns off is 0; one it turns on that the measured runs did not have (0 s there) keeps the
 * heuristic's value, so a learned campaign without a baseline does not make this one's free.
 */
export function learnedPhases(f: ConfigFacts, l: LearnedPhases): Phases {
  const h = heuristicPhases(f, false);
  // Each factor of the workload the learned runs state scales measuring; one they do not state counts as equal.
  const ratio = (mine: number, learned: number | null) => (learned !== null && learned > 0 && mine > 0 ? mine / learned : 1);
  const scale = ratio(f.nPrompts, l.nPrompts) * ratio(f.maxOutputTokens, l.maxOutputTokens);
  const orHeuristic = (measured: number, fallback: number) => (measured > 0 ? measured : fallback);
  return {
    baseline: f.baseline.enabled ? orHeuristic(l.baseline, h.baseline) : 0,
    modelLoad: l.modelLoad,
    warmup: f.warmup.enabled ? orHeuristic(l.warmup, h.warmup) : 0,
    thermalFloor: f.warmup.enabled ? orHeuristic(l.thermalWait, h.thermalFloor) : 0,
    measurement: l.measuring * scale,
    overhead: l.start + l.writeOut,
    activePowerW: h.activePowerW,
  };
}

const phaseTotal = (ph: PhaseSeconds) => ph.baseline + ph.modelLoad + ph.warmup + ph.thermalFloor + ph.measurement + (ph.overhead ?? 0);

/** The heuristic (mid values; see docs/campaign-model.md "Estimates"). */
export function heuristicPhases(f: ConfigFacts, firstRun: boolean): PhaseSeconds & { activePowerW: number } {
  const p = guessParamsBillions(f.model).value;
  const precisionFactor = /32|float$/.test(f.precision) ? 2 : 1;
  const activePowerW = Math.min(700, 100 + 25 * p);
  const modelLoad = 5 + 3 * p * precisionFactor;
  const baseline = f.baseline.enabled && (f.baseline.perRun || firstRun) ? f.baseline.seconds : 0;
  if (f.servingMode === 'server' && f.serverSeconds) {
    return { baseline, modelLoad: modelLoad + 30, warmup: 0, thermalFloor: 0, measurement: f.serverSeconds.mid, activePowerW };
  }
  let measurement: number;
  let warmup: number;
  if (f.engine === 'vllm' || f.engine === 'tensorrt') {
    const throughput = 3000 / (1 + p / 4); // aggregate tokens/s with continuous batching
    measurement = (f.nPrompts * f.maxOutputTokens) / throughput + 2;
    warmup = f.warmup.enabled ? 2 : 0;
  } else {
    const perTokenMs = (8 + 6 * p) * precisionFactor;
    const batch = Math.max(1, f.batchSize);
    const batches = Math.ceil(f.nPrompts / batch);
    measurement = (batches * f.maxOutputTokens * perTokenMs * (1 + 0.1 * (batch - 1))) / 1000;
    warmup = f.warmup.enabled ? (f.warmup.prompts * f.maxOutputTokens * perTokenMs) / 1000 : 0;
  }
  return { baseline, modelLoad, warmup, thermalFloor: f.warmup.enabled ? f.warmup.thermalFloorSeconds : 0, measurement, activePowerW };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function scaleRange(r: Range, k: number): Range {
  return { low: r.low * k, mid: r.mid * k, high: r.high * k };
}

function addRange(a: Range, b: Range): Range {
  return { low: a.low + b.low, mid: a.mid + b.mid, high: a.high + b.high };
}

function fromSamples(samples: HistorySample[], pick: (s: HistorySample) => number): Range {
  const xs = samples.map(pick);
  // reduce, not Math.min(...xs): spreading a long history as call arguments overflows the stack (issue #15).
  return { low: xs.reduce((a, b) => Math.min(a, b), Infinity), mid: median(xs), high: xs.reduce((a, b) => Math.max(a, b), -Infinity) };
}

function estimateConfig(configIndex: number, f: ConfigFacts, lookup: HistoryLookup | undefined, phases: Phases, learned: LearnedPhases | null): ConfigEstimate {
  const hist = lookup?.(f) ?? null;
  if (hist && hist.exact.length > 0) {
    return {
      configIndex,
      durationSeconds: fromSamples(hist.exact, (s) => s.durationSeconds),
      energyJoules: fromSamples(hist.exact, (s) => s.energyJoules),
      source: 'history',
      basis: `${hist.exact.length} earlier run(s) of this exact config`,
    };
  }
  if (hist && hist.similar.length > 0) {
    const work = f.nPrompts * f.maxOutputTokens;
    const scaled = hist.similar.map((s) => {
      const w = (s.nPrompts ?? f.nPrompts) * (s.maxOutputTokens ?? f.maxOutputTokens);
      const k = w > 0 ? work / w : 1;
      return { durationSeconds: s.durationSeconds * k, energyJoules: s.energyJoules * k };
    });
    const d = median(scaled.map((s) => s.durationSeconds));
    const e = median(scaled.map((s) => s.energyJoules));
    return {
      configIndex,
      durationSeconds: { low: d * 0.7, mid: d, high: d * 1.5 },
      energyJoules: { low: e * 0.7, mid: e, high: e * 1.5 },
      source: 'similar-history',
      basis: `${hist.similar.length} run(s) of similar configs, scaled by prompts × output tokens`,
    };
  }
  const ph = phases;
  const idle = ph.baseline + ph.thermalFloor;
  const active = ph.modelLoad + ph.warmup + ph.measurement + (ph.overhead ?? 0);
  const seconds = idle + active;
  const joules = idle * IDLE_POWER_W + active * ph.activePowerW;
  if (learned) {
    return {
      configIndex,
      durationSeconds: { low: seconds * learned.lowFactor, mid: seconds, high: seconds * learned.highFactor },
      energyJoules: { low: joules * learned.lowFactor, mid: joules, high: joules * learned.highFactor },
      source: 'measured-phases',
      basis: learnedBasis([learned]),
    };
  }
  const p = guessParamsBillions(f.model);
  return {
    configIndex,
    durationSeconds: { low: seconds * 0.5, mid: seconds, high: seconds * 3 },
    energyJoules: { low: joules * 0.5, mid: joules, high: joules * 3 },
    source: 'heuristic',
    basis: `rule of thumb for a ~${p.value}B-parameter model${p.known ? '' : ' (size unknown)'}, ${f.nPrompts} prompts × ≤${f.maxOutputTokens} tokens`,
  };
}

/** Gap seconds llem inserts before each run (contract §2.8; PyPI cycle boundaries): the family decides. */
export function gapSecondsBefore(res: StudyResolution): number[] {
  return familyOf(res.profile).gapSecondsBefore(res);
}

/** "based on 4 runs of H100 sweep" (several campaigns: each with its count, most runs first). */
export function learnedBasis(used: readonly LearnedPhases[]): string {
  const byCampaign = new Map<string, LearnedPhases>();
  for (const l of used) byCampaign.set(l.campaignId, l);
  const parts = [...byCampaign.values()].sort((a, b) => b.runs - a.runs).map((l) => `${l.runs} run${l.runs === 1 ? '' : 's'} of ${l.campaignName}`);
  return `based on ${parts.join(', ')}`;
}

export const DEFAULT_ASSUMPTIONS = 'default assumptions';

function campaignBasis(perConfig: readonly ConfigEstimate[], used: readonly LearnedPhases[]): string {
  const heuristic = perConfig.some((p) => p.source === 'heuristic');
  if (used.length > 0) return heuristic ? `${learnedBasis(used)}; ${DEFAULT_ASSUMPTIONS} for the other configs` : learnedBasis(used);
  if (heuristic || perConfig.length === 0) return DEFAULT_ASSUMPTIONS;
  return perConfig.every((p) => p.source === 'history') ? 'earlier runs of the same configs' : 'earlier runs of these and similar configs';
}

/** Estimate a resolved campaign. */
export function estimateCampaign(res: StudyResolution, lookup?: HistoryLookup, learnedLookup?: LearnedPhasesLookup): CampaignEstimate {
  // Facts collected while planning avoid rebuilding every config (RegeneratedValidPoint) just to estimate it.
  const facts = res.valid.map((v) => v.facts ?? configFacts(res.profile, v.dump, v.hash));
  const learned = facts.map((f) => learnedLookup?.(f) ?? null);
  const phases: Phases[] = facts.map((f, i) => {
    const l = learned[i];
    return l ? learnedPhases(f, l) : heuristicPhases(f, false);
  });
  const perConfig = facts.map((f, i) => estimateConfig(i, f, lookup, phases[i] as Phases, learned[i] ?? null));
  const gaps = gapSecondsBefore(res);
  let duration: Range = { low: 0, mid: 0, high: 0 };
  let energy: Range = { low: 0, mid: 0, high: 0 };
  const breakdown = { baseline: 0, modelLoad: 0, warmup: 0, thermalFloor: 0, measurement: 0, overhead: 0, gaps: 0 };
  res.runs.forEach((run, i) => {
    const est = perConfig[run.configIndex] as ConfigEstimate;
    const f = facts[run.configIndex] as ConfigFacts;
    duration = addRange(duration, est.durationSeconds);
    energy = addRange(energy, est.energyJoules);
    const g = gaps[i] ?? 0;
    duration = addRange(duration, { low: g, mid: g, high: g });
    energy = addRange(energy, { low: g * IDLE_POWER_W, mid: g * IDLE_POWER_W, high: g * IDLE_POWER_W });
    breakdown.gaps += g;
    const ph = i === 0 && !learned[run.configIndex] ? heuristicPhases(f, true) : (phases[run.configIndex] as Phases);
    const scale = est.source === 'heuristic' || est.source === 'measured-phases' ? 1 : est.durationSeconds.mid / Math.max(1, phaseTotal(ph));
    breakdown.baseline += ph.baseline * scale;
    breakdown.modelLoad += ph.modelLoad * scale;
    breakdown.warmup += ph.warmup * scale;
    breakdown.thermalFloor += ph.thermalFloor * scale;
    breakdown.measurement += ph.measurement * scale;
    breakdown.overhead += (ph.overhead ?? 0) * scale;
  });
  const used = learned.filter((l, i): l is LearnedPhases => l !== null && perConfig[i]?.source === 'measured-phases');
  return {
    uniqueConfigs: res.valid.length,
    runs: res.runs.length,
    perConfig,
    totalDurationSeconds: duration,
    totalEnergyJoules: energy,
    breakdown,
    usesHeuristic: perConfig.some((p) => p.source === 'heuristic'),
    basis: campaignBasis(perConfig, used),
  };
}

export { scaleRange };
