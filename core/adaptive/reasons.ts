import { front2, type Direction } from './hypervolume';
import { METRICS, type Constraint, type MetricName } from './metrics';
import type { TrialOutcome } from './protocol';

/**
 * What an adaptive campaign keeps about each proposal and each result, as plain data (stored by
 * adaptiveStore.ts, shown by the Runs and Results pages): the outcome as the search saw it, the front, and the
 * words that explain both. Pure: tested in tests/unit/adaptive/reasons.test.ts.
 */
export type OutcomeKind = 'feasible' | 'violates' | 'failed';

export interface ConstraintStatus {
  metric: MetricName;
  max: number;
  /** The run's value (null: not measured). */
  value: number | null;
  satisfied: boolean;
}

export interface OutcomeDetail {
  /** The objectives' values, in the campaign's objective order (null for a failed run). */
  values: number[] | null;
  constraints: ConstraintStatus[];
  /** llem's failure reason, or "not measured: …" (null for a run that succeeded). */
  reason: string | null;
}

/** A run as the search has been told it: its position in the campaign and what it gave. */
export interface ToldPoint {
  runIndex: number;
  outcome: OutcomeKind;
  values: number[] | null;
}

/** A trial outcome (what the optimizer is told) as the outcome the app stores and shows. */
export function outcomeOf(told: TrialOutcome, constraints: readonly Constraint[]): { kind: OutcomeKind; detail: OutcomeDetail } {
  if (told.status === 'failed') {
    return { kind: 'failed', detail: { values: null, constraints: [], reason: told.reason ?? 'failed' } };
  }
  const violations = told.violations ?? [];
  const statuses = constraints.map((c, i) => {
    const v = violations[i];
    return { metric: c.metric, max: c.max, value: v === undefined ? null : v + c.max, satisfied: v !== undefined && v <= 0 };
  });
  return { kind: statuses.every((s) => s.satisfied) ? 'feasible' : 'violates', detail: { values: [...told.values], constraints: statuses, reason: null } };
}

const unitOf = (m: MetricName): string => METRICS[m].unit;

/** A number with its unit, short enough for a table cell ("0.412 J/token", "1234 tok/s"). */
export function formatMetric(metric: MetricName, value: number): string {
  const text = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
  return `${text} ${unitOf(metric)}`;
}

/** One sentence on a stored outcome: the values, or which constraint it broke and by how much, or why it failed. */
export function outcomeWords(kind: OutcomeKind, detail: OutcomeDetail, objectives: readonly MetricName[]): string {
  if (kind === 'failed') return `failed (${detail.reason ?? 'no reason given'}): told to the optimizer as infeasible`;
  const values = (detail.values ?? []).map((v, i) => `${METRICS[objectives[i]!].label} ${formatMetric(objectives[i]!, v)}`).join(', ');
  if (kind === 'feasible') return values;
  const broken = detail.constraints
    .filter((c) => !c.satisfied)
    .map((c) => `${METRICS[c.metric].label} ${c.value === null ? 'not measured' : formatMetric(c.metric, c.value)} > ${formatMetric(c.metric, c.max)}`);
  return `${values}; infeasible: ${broken.join(', ')}`;
}

/**
 * The front of what has been told: feasible runs only (a failed run or one over a constraint is never on it).
 * One objective: the best run. Two: the non-dominated runs, in order of the first objective.
 */
export function frontOf(points: readonly ToldPoint[], objectives: readonly MetricName[]): number[] {
  const feasible = points.filter((p): p is ToldPoint & { values: number[] } => p.outcome === 'feasible' && p.values !== null);
  if (objectives.length === 1) {
    const sgn = METRICS[objectives[0]!].direction === 'minimize' ? 1 : -1;
    let best: (typeof feasible)[number] | null = null;
    for (const p of feasible) if (Number.isFinite(p.values[0]) && (best === null || sgn * p.values[0]! < sgn * best.values[0]!)) best = p;
    return best ? [best.runIndex] : [];
  }
  const dirs = objectives.map((m) => METRICS[m].direction) as [Direction, Direction];
  return front2(
    feasible.map((p) => ({ runIndex: p.runIndex, values: [p.values[0]!, p.values[1]!] as const })),
    dirs,
  ).map((p) => p.runIndex);
}

/** Words for a proposal's mode, as the Runs page prints them. */
export const MODE_WORDS = {
  startup: 'random start-up trial (the sampler explores before it models)',
  model: 'chosen by the sampler from the results told so far',
  random: 'random search',
  nearest: 'nearest unmeasured configuration (the sampler kept proposing measured or invalid ones)',
} as const;
