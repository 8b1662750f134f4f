import { deriveMetrics } from '../results/derivedMetrics';
import { FIGURE_DEFINITIONS } from '../results/figureDefinitions';
import type { Db } from '../store/database';
import { campaignRunFigures, type StoredRunResult } from './adaptiveStore';
import type { Objective, TrialOutcome } from './protocol';

/** A stored llem column read as it is: a finite number, else "not measured". */
const column = (name: 'ttft_mean_ms' | 'ttft_p95_ms' | 'itl_p99_ms' | 'peak_memory_mb') => (r: StoredRunResult): number | null => {
  const v = r[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/**
 * The quantities an adaptive campaign can optimise or constrain, read from a stored run's results row. Energy per
 * output token, throughput and latency are the Results page's figures (deriveMetrics, core/results/
 * figureDefinitions.ts: the same definition, the same unit, so the optimizer, the Runs front, the Results panel and
 * the CLI show what the Results grid shows); the others are llem's columns as stored. A run that succeeded but
 * lacks one is told to the optimizer as failed ("not measured"), never as a zero that would look like the best
 * configuration ever, and never as a different quantity.
 */
export const METRICS = {
  energy: {
    label: 'energy per output token', unit: FIGURE_DEFINITIONS.jPerOutputToken.unit, direction: 'minimize',
    value: (r: StoredRunResult) => deriveMetrics(r).jPerOutputToken,
  },
  throughput: {
    label: 'output throughput', unit: FIGURE_DEFINITIONS.outputTokensPerSecond.unit, direction: 'maximize',
    value: (r: StoredRunResult) => deriveMetrics(r).outputTokensPerSecond,
  },
  latency: {
    label: 'latency per request', unit: FIGURE_DEFINITIONS.latencyPerRequestS.unit, direction: 'minimize',
    value: (r: StoredRunResult) => deriveMetrics(r).latencyPerRequestS,
  },
  ttft: { label: 'mean time to first token', unit: 'ms', direction: 'minimize', value: column('ttft_mean_ms') },
  ttft_p95: { label: 'p95 time to first token', unit: 'ms', direction: 'minimize', value: column('ttft_p95_ms') },
  itl_p99: { label: 'p99 inter-token latency', unit: 'ms', direction: 'minimize', value: column('itl_p99_ms') },
  // "Memory fits": a limit on llem's peak GPU memory (e.g. the card's memory less a margin).
  peak_memory: { label: 'peak GPU memory', unit: 'MB', direction: 'minimize', value: column('peak_memory_mb') },
} as const satisfies Record<string, { label: string; unit: string; direction: Objective['direction']; value: (r: StoredRunResult) => number | null }>;
export type MetricName = keyof typeof METRICS;

export const isMetricName = (s: string): s is MetricName => Object.prototype.hasOwnProperty.call(METRICS, s);

/** `<metric> <= <limit>` (limit in the metric's unit). */
export interface Constraint {
  metric: MetricName;
  max: number;
}

/** Parses `ttft_p95<=250`; the error names the problem. */
export function parseConstraint(text: string): Constraint {
  const m = /^\s*([a-z_0-9]+)\s*<=\s*([0-9.eE+-]+)\s*$/.exec(text);
  if (!m) throw new Error(`constraint "${text}": expected <metric><=<number>, e.g. ttft_p95<=250`);
  const [, name, limit] = m as unknown as [string, string, string];
  if (!isMetricName(name)) throw new Error(`constraint "${text}": unknown metric ${name} (one of ${Object.keys(METRICS).join(', ')})`);
  const max = Number(limit);
  if (!Number.isFinite(max)) throw new Error(`constraint "${text}": ${limit} is not a number`);
  return { metric: name, max };
}

export interface StoredTrial {
  runIndex: number;
  key: string;
  status: string;
  outcome: TrialOutcome | null;
}

/**
 * The campaign's runs in the order they ran, each with what the optimizer is told about it: values of the
 * objectives and constraint violations for a success, `failed` (with llem's failure reason) for a failed run,
 * null for a run not finished yet.
 */
export function storedTrials(db: Db, campaignId: string, objectives: MetricName[], constraints: Constraint[]): StoredTrial[] {
  const wanted = [...objectives, ...constraints.map((c) => c.metric)];
  return campaignRunFigures(db, campaignId).map((run) => {
    const base = { runIndex: run.runIndex, key: run.key, status: run.status };
    if (base.status === 'failed') return { ...base, outcome: { status: 'failed', reason: run.failureReason ?? 'failed' } };
    if (base.status !== 'succeeded') return { ...base, outcome: null };
    const result = run.result;
    const vals = wanted.map((m) => (result === null ? null : METRICS[m].value(result)));
    const missing = wanted.filter((_, i) => vals[i] === null);
    if (missing.length > 0) return { ...base, outcome: { status: 'failed', reason: `not measured: ${missing.join(', ')}` } };
    const nums = vals as number[];
    return {
      ...base,
      outcome: {
        status: 'ok',
        values: nums.slice(0, objectives.length),
        violations: constraints.map((c, i) => nums[objectives.length + i]! - c.max),
      },
    };
  });
}
