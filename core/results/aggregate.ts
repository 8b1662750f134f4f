import { ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { DERIVED_METRIC_NAMES, deriveMetrics, type DerivedMetricName, type RunFigures } from './derivedMetrics';
import { summariseBy, type Summary } from './stats';
import { positive } from './figureDefinitions';
import { configQuality, type ConfigQuality } from './quality/configQuality';
import { type StoredQuality } from './quality/qualityStore';
import { loadRunRecords, type RunRecordFilter } from './runRecordStore';

/** One stored result as aggregation sees it (a cycle of a config). */
export interface RunRecord extends RunFigures {
  result_id: number;
  run_id: number | null;
  campaign_id: string | null;
  /** App identity hash (cycles with different --output share it), else llem's hash. */
  group_key: string;
  source: 'measured' | 'imported';
  model: string;
  backend: string;
  precision: string | null;
  batch_size: number | null;
  gpu_name: string | null;
  hash_verified: number | null;
  throttle_detected: number | null;
  throttle_thermal: number | null;
  throttle_power: number | null;
  /** measurement_warnings codes, comma-joined (SQL group_concat), or null. */
  warning_codes: string | null;
  /** The stored quality checks (migration 007); null only when they could not be computed. */
  quality: StoredQuality | null;
  /** Where it was measured (core/results/placement.ts); absent or null when not recorded. */
  host?: string | null;
  gpu_uuid?: string | null;
}

export interface AggregateOptions {
  /** A metric whose coefficient of variation exceeds this is flagged "high variance" (default 0.10). */
  cvThreshold?: number;
  /** Metrics checked for high variance (default: raw and adjusted energy per output token, tokens/s). */
  varianceMetrics?: readonly DerivedMetricName[];
}

export interface ConfigAggregate {
  groupKey: string;
  model: string;
  backend: string;
  precision: string | null;
  batchSize: number | null;
  gpuName: string | null;
  campaignIds: string[];
  cycles: number;
  resultIds: number[];
  metrics: Record<DerivedMetricName, Summary>;
  /** Grade, caveats and checks across the cycles (core/results/quality). */
  quality: ConfigQuality;
  /** llem's own energy per output token (avg_energy_per_token_j, its token count unbounded), for "raw figure". */
  llemJPerOutputToken: Summary;
  flags: {
    /** Metrics whose CV exceeds the threshold. */
    highVariance: DerivedMetricName[];
    /** Cycles in which llem saw thermal throttling (thermal_throttle.detected or a thermal reason bit). */
    thermalThrottledCycles: number;
    /** Cycles with a power-cap throttle reason (informational: common under sustained load). */
    powerThrottledCycles: number;
    /** llem measurement_warnings codes → in how many cycles they occurred. */
    llemWarnings: Record<string, number>;
    /** Cycles whose measurement_config_hash did not re-verify. */
    hashMismatches: number;
    /** Cycles without an energy figure (energy measurement disabled or unavailable). */
    cyclesWithoutEnergy: number;
    singleCycle: boolean;
  };
}

const DEFAULT_VARIANCE_METRICS: readonly DerivedMetricName[] = ['jPerOutputToken', 'jPerOutputTokenAdjusted', 'tokensPerSecond'];

/** Groups results by unique config and summarises every derived metric across its cycles. */
export function aggregateRuns(runs: readonly RunRecord[], options: AggregateOptions = {}): ConfigAggregate[] {
  const threshold = options.cvThreshold ?? 0.1;
  const varianceMetrics = options.varianceMetrics ?? DEFAULT_VARIANCE_METRICS;
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const g = groups.get(r.group_key);
    if (g) g.push(r);
    else groups.set(r.group_key, [r]);
  }
  const out: ConfigAggregate[] = [];
  for (const [groupKey, members] of groups) {
    const first = members[0]!;
    const derived = members.map(deriveMetrics);
    const metrics = {} as Record<DerivedMetricName, Summary>;
    for (const name of DERIVED_METRIC_NAMES) metrics[name] = summariseBy(derived, (d) => d[name]);
    const llemWarnings: Record<string, number> = {};
    for (const m of members) {
      if (!m.warning_codes) continue;
      for (const code of new Set(m.warning_codes.split(','))) {
        // Own-property writes only: a code named `__proto__` must stay a plain count.
        const prev = Object.prototype.hasOwnProperty.call(llemWarnings, code) ? llemWarnings[code]! : 0;
        Object.defineProperty(llemWarnings, code, { value: prev + 1, enumerable: true, writable: true, configurable: true });
      }
    }
    out.push({
      groupKey,
      model: first.model,
      backend: first.backend,
      precision: first.precision,
      batchSize: first.batch_size,
      gpuName: first.gpu_name,
      campaignIds: [...new Set(members.map((m) => m.campaign_id).filter((c): c is string => c !== null))],
      cycles: members.length,
      resultIds: members.map((m) => m.result_id),
      metrics,
      quality: configQuality(members, metrics.jPerOutputToken.cv),
      llemJPerOutputToken: summariseBy(members, (m) => positive(m.avg_energy_per_token_j)),
      flags: {
        highVariance: varianceMetrics.filter((name) => (metrics[name].cv ?? 0) > threshold),
        thermalThrottledCycles: members.filter((m) => m.throttle_detected === 1 || m.throttle_thermal === 1).length,
        powerThrottledCycles: members.filter((m) => m.throttle_power === 1).length,
        llemWarnings,
        hashMismatches: members.filter((m) => m.hash_verified === 0).length,
        cyclesWithoutEnergy: derived.filter((d) => d.totalEnergyJ === null).length,
        singleCycle: members.length < 2,
      },
    });
  }
  return out;
}

/** loadRunRecords + aggregateRuns. */
export function aggregateStored(db: Db, filter: RunRecordFilter = {}, options: AggregateOptions = {}): Result<ConfigAggregate[]> {
  const rows = loadRunRecords(db, filter);
  return rows.ok ? ok(aggregateRuns(rows.value, options)) : rows;
}
