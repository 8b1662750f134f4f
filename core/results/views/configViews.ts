import type { ConfigView, ParamValue, ResultMetricName, SweepParameter } from '../../../contract/apiResults';
import { err, ok, type Result } from '../../../contract/result';
import { aggregateRuns, deriveMetrics, loadRunRecords, type DerivedMetricName, type RunRecord } from '..';
import type { Db } from '../../store/database';
import { configurationWords, shownParameters } from './shownParameters';
import { compareValues, flattenConfig, GPU_PARAMETER_PATH, varyingParameters } from './sweepParameters';
import { loadEffectiveConfigs } from '../resultViewStore';

/** The contract's metric list and the core's must be the same set (compile-time check). */
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const metricNamesAgree: SameSet<DerivedMetricName, ResultMetricName> = true;
void metricNamesAgree;

export interface ConfigFilter {
  campaignId?: string;
  /** The campaign scope: only these campaigns (and, with withoutCampaign, results of no campaign). */
  campaignIds?: readonly string[];
  withoutCampaign?: boolean;
  sources?: readonly ('measured' | 'imported')[];
  /** Case-insensitive substring. */
  model?: string;
  backend?: string;
  precision?: string;
  /** Case-insensitive substring. */
  gpuName?: string;
  groupKeys?: readonly string[];
}

export interface ConfigViews {
  configs: ConfigView[];
  /** The settings worth showing (core/api/results/shownParameters.ts). */
  parameters: SweepParameter[];
  /** Every setting that differs, set-or-absent ones included: what "only X differs" must check against. */
  differing: SweepParameter[];
  totalResults: number;
}

/**
 * Own results grouped by configuration, summarised across cycles (core/results/aggregate.ts), with
 * the parameters that differ between the configurations and each configuration's values of them.
 * Reference rows never enter here: they are published figures, not cycles of a measurement.
 */
export function buildConfigViews(db: Db, filter: ConfigFilter, cvThreshold?: number): Result<ConfigViews> {
  const loaded = loadRunRecords(db, {
    ...(filter.campaignId !== undefined ? { campaignId: filter.campaignId } : {}),
    ...(filter.groupKeys ? { groupKeys: filter.groupKeys } : {}),
  });
  if (!loaded.ok) return loaded;
  const records = loaded.value.filter(matches(filter));
  const aggregates = aggregateRuns(records, cvThreshold !== undefined ? { cvThreshold } : {});

  const byGroup = new Map<string, RunRecord[]>();
  for (const r of records) {
    const list = byGroup.get(r.group_key);
    if (list) list.push(r);
    else byGroup.set(r.group_key, [r]);
  }

  let configsById: Map<number, unknown>;
  try {
    configsById = loadEffectiveConfigs(db, aggregates.map((a) => a.resultIds[0]!));
  } catch (e) {
    return err('db_error', `Could not read the configurations of the results: ${(e as Error).message}`);
  }
  const flats = aggregates.map((a) => {
    const flat = flattenConfig(configsById.get(a.resultIds[0]!) ?? null);
    flat.set(GPU_PARAMETER_PATH, a.gpuName);
    return flat;
  });
  const differing = varyingParameters(flats);
  const parameters = shownParameters(differing, flats);

  const configs: ConfigView[] = aggregates.map((a, i) => {
    const flat = flats[i]!;
    const params: Record<string, ParamValue> = {};
    for (const p of differing) {
      // defineProperty: a config path named `__proto__` must stay data.
      Object.defineProperty(params, p.path, { value: flat.get(p.path) ?? null, enumerable: true, writable: true, configurable: true });
    }
    const members = byGroup.get(a.groupKey) ?? [];
    const label = configurationWords(parameters, params, a.model);
    return {
      groupKey: a.groupKey,
      label,
      model: a.model,
      backend: a.backend,
      precision: a.precision,
      batchSize: a.batchSize,
      gpuName: a.gpuName,
      campaignIds: a.campaignIds,
      sources: [...new Set(members.map((m) => m.source))].sort(),
      cycles: a.cycles,
      resultIds: a.resultIds,
      params,
      metrics: a.metrics as Record<ResultMetricName, ConfigView['metrics'][ResultMetricName]>,
      cycleValues: members.map((m) => {
        const d = deriveMetrics(m);
        return { resultId: m.result_id, jPerOutputToken: d.jPerOutputToken, tokensPerSecond: d.tokensPerSecond, host: m.host ?? null, gpuUuid: m.gpu_uuid ?? null };
      }),
      quality: a.quality,
      llemJPerOutputToken: a.llemJPerOutputToken,
      flags: a.flags,
    };
  });
  configs.sort((x, y) => {
    for (const p of parameters) {
      const c = compareValues(x.params[p.path] ?? null, y.params[p.path] ?? null);
      if (c !== 0) return c;
    }
    return x.groupKey.localeCompare(y.groupKey);
  });
  return ok({ configs, parameters, differing, totalResults: records.length });
}

function matches(f: ConfigFilter): (r: RunRecord) => boolean {
  const model = f.model?.toLowerCase();
  const gpu = f.gpuName?.toLowerCase();
  const sources = f.sources ? new Set(f.sources) : null;
  const scoped = f.campaignIds !== undefined || f.withoutCampaign !== undefined;
  const campaigns = new Set(f.campaignIds ?? []);
  const inScope = (r: RunRecord) => !scoped || (r.campaign_id === null ? f.withoutCampaign === true : campaigns.has(r.campaign_id));
  return (r) =>
    inScope(r) &&
    (sources === null || sources.has(r.source)) &&
    (!model || r.model.toLowerCase().includes(model)) &&
    (!f.backend || r.backend === f.backend) &&
    (!f.precision || r.precision === f.precision) &&
    (!gpu || (r.gpu_name ?? '').toLowerCase().includes(gpu));
}
