import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { DERIVED_METRIC_NAMES, deriveMetrics, type DerivedMetricName, type RunFigures } from './derivedMetrics';
import { summariseBy, type Summary } from './stats';
import { positive } from './figureDefinitions';
import { PLACEMENT_SQL } from './placement';
import { configQuality, type ConfigQuality } from './quality/configQuality';
import { ensureQualityChecks, readQuality, type StoredQuality } from './quality/qualityStore';

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

export interface RunRecordFilter {
  campaignId?: string;
  /** Restrict to these group keys (identity hashes). */
  groupKeys?: readonly string[];
}

/** Loads the per-cycle records for aggregation in one query. */
export function loadRunRecords(db: Db, filter: RunRecordFilter = {}): Result<RunRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.campaignId !== undefined) {
    where.push('ru.campaign_id = ?');
    params.push(filter.campaignId);
  }
  if (filter.groupKeys && filter.groupKeys.length > 0) {
    where.push(`COALESCE(r.identity_hash, r.measurement_config_hash) IN (${filter.groupKeys.map(() => '?').join(', ')})`);
    params.push(...filter.groupKeys);
  }
  const checked = ensureQualityChecks(db);
  if (!checked.ok) return checked;
  try {
    // Raw arrays + one grouped warnings query: building row objects in better-sqlite3 costs far more
    // than the query itself at 10k rows.
    const rows = db
      .prepare(
        `SELECT r.id, r.run_id, ru.campaign_id, COALESCE(r.identity_hash, r.measurement_config_hash),
                r.source, r.model, r.backend, r.precision, r.batch_size, r.gpu_name, r.hash_verified,
                r.throttle_detected, r.throttle_thermal, r.throttle_power,
                r.total_energy_j, r.energy_adjusted_j, r.avg_energy_per_token_j, r.output_tokens, r.total_tokens,
                r.n_prompts, r.total_inference_time_sec, r.avg_tokens_per_second, r.duration_sec, r.e2e_latency_mean_ms,
                r.max_output_tokens, ${PLACEMENT_SQL.host}, ${PLACEMENT_SQL.gpuUuid}
         FROM results r LEFT JOIN runs ru ON ru.id = r.run_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.id`,
      )
      .raw()
      .all(...params) as unknown[][];
    const codes = new Map(
      db.prepare('SELECT result_id, group_concat(code) FROM result_warnings GROUP BY result_id').raw().all() as [number, string][],
    );
    const quality = readQuality(db, rows.length > 500 ? undefined : rows.map((r) => r[0] as number));
    const out: RunRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const c = rows[i] as [
        number, number | null, string | null, string, 'measured' | 'imported', string, string, string | null, number | null,
        string | null, number | null, number | null, number | null, number | null, number | null, number | null, number | null,
        number | null, number, number | null, number | null, number | null, number | null, number | null, number | null,
        string | null, string | null,
      ];
      out[i] = {
        result_id: c[0], run_id: c[1], campaign_id: c[2], group_key: c[3], source: c[4], model: c[5], backend: c[6],
        precision: c[7], batch_size: c[8], gpu_name: c[9], hash_verified: c[10], throttle_detected: c[11],
        throttle_thermal: c[12], throttle_power: c[13], total_energy_j: c[14], energy_adjusted_j: c[15],
        avg_energy_per_token_j: c[16], output_tokens: c[17], total_tokens: c[18], n_prompts: c[19],
        total_inference_time_sec: c[20], avg_tokens_per_second: c[21], duration_sec: c[22], e2e_latency_mean_ms: c[23],
        max_output_tokens: c[24], warning_codes: codes.get(c[0]) ?? null, quality: quality.get(c[0]) ?? null,
        host: c[25], gpu_uuid: c[26],
      };
    }
    return ok(out);
  } catch (e) {
    return err('db_error', `Could not load results for aggregation: ${(e as Error).message}`);
  }
}

/** loadRunRecords + aggregateRuns. */
export function aggregateStored(db: Db, filter: RunRecordFilter = {}, options: AggregateOptions = {}): Result<ConfigAggregate[]> {
  const rows = loadRunRecords(db, filter);
  return rows.ok ? ok(aggregateRuns(rows.value, options)) : rows;
}
