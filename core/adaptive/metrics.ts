import type { Db } from '../store/database';
import { readTrialRows } from './adaptiveStore';
import type { Objective, TrialOutcome } from './protocol';

/**
 * The quantities an adaptive campaign can optimise or constrain, read from a stored run's results row. Each
 * names its unit; a run that succeeded but lacks one is told to the optimizer as failed ("not measured"), never
 * as a zero that would look like the best configuration ever.
 */
export const METRICS = {
  energy: { label: 'energy per output token', unit: 'J/token', direction: 'minimize', sql: 'COALESCE(total_energy_j / NULLIF(output_tokens, 0), avg_energy_per_token_j)' },
  throughput: { label: 'throughput', unit: 'tokens/s', direction: 'maximize', sql: 'avg_tokens_per_second' },
  latency: { label: 'mean end-to-end latency', unit: 'ms', direction: 'minimize', sql: 'e2e_latency_mean_ms' },
  ttft: { label: 'mean time to first token', unit: 'ms', direction: 'minimize', sql: 'ttft_mean_ms' },
  ttft_p95: { label: 'p95 time to first token', unit: 'ms', direction: 'minimize', sql: 'ttft_p95_ms' },
  itl_p99: { label: 'p99 inter-token latency', unit: 'ms', direction: 'minimize', sql: 'itl_p99_ms' },
} as const satisfies Record<string, { label: string; unit: string; direction: Objective['direction']; sql: string }>;
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
  const rows = readTrialRows(
    db,
    campaignId,
    wanted.map((m) => METRICS[m].sql),
  );
  return rows.map((row) => {
    const base = { runIndex: Number(row.runIndex), key: String(row.key), status: String(row.status) };
    if (base.status === 'failed') return { ...base, outcome: { status: 'failed', reason: String(row.failure ?? 'failed') } };
    if (base.status !== 'succeeded') return { ...base, outcome: null };
    const vals = wanted.map((_, i) => row[`m${i}`]);
    const missing = wanted.filter((_, i) => typeof vals[i] !== 'number' || !Number.isFinite(vals[i]));
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
