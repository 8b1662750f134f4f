import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../../contract/result';
import { listCampaignIdentities } from '../campaigns/campaignStore';
import { aggregateRuns, type ConfigAggregate, type RunRecord } from '../results/aggregate';
import { loadRunRecords } from '../results/runRecordStore';
import { loadResultMeta, type ResultMeta } from './exportStore';
import { energyLatencyFront, energyThroughputFront } from '../results/pareto';
import type { Summary } from '../results/stats';
import type { Db } from '../store/database';
import { compareCodeUnits, stableNullable } from './sortedKeysJson';
import {
  EXPORTED_METRIC_NAMES,
  EXPORTED_METRICS,
  LEADERBOARD_FORMAT,
  LEADERBOARD_FORMAT_VERSION,
  type ExportedMetricName,
  type LeaderboardEntriesFile,
  type LeaderboardEntry,
  type MetricSummary,
} from './format';
import { redactDatasetPath, redactLocalPath } from './privacy';

/**
 * Builds the leaderboard entries files from the store. Every statistic comes from the results core
 * (loadRunRecords → aggregateRuns, the Pareto fronts); this module only selects, labels and arranges
 * them. Reads own results only (`results` table): reference (ML.ENERGY) rows live in other tables and
 * cannot enter an export.
 */

export interface LeaderboardOptions {
  /** Only these campaigns (each must exist and have results). Default: every campaign plus campaign-less imports. */
  campaignIds?: readonly string[];
  /**
   * With a selection (campaignIds given, possibly empty): also the campaign-less imports (which must exist).
   * Left out, a selection of campaigns exports only those campaigns, and no selection exports everything.
   */
  includeImported?: boolean;
  /** Opt in to source paths, output folders, host names and campaign names. Default false. */
  includePersonalData?: boolean;
  /** CV above which a metric is flagged high-variance (default: the core's 0.10). */
  cvThreshold?: number;
  /** llem Studio's version, written as generator.version (callers pass APP_VERSION; injected so this module needs no package.json). */
  generatorVersion: string;
}

export interface EntriesFileDraft {
  /** Relative to the export folder, "/"-separated. */
  path: string;
  content: LeaderboardEntriesFile;
}

/** What aggregation does not carry, per stored result. */
interface CampaignRow {
  id: string;
  name: string;
  study_design_hash: string | null;
}

const IMPORTED_GROUP = '\u0000imported';

export function buildLeaderboard(db: Db, options: LeaderboardOptions): Result<EntriesFileDraft[]> {
  const records = loadRunRecords(db);
  if (!records.ok) return records;
  let meta: Map<number, ResultMeta>;
  let campaigns: Map<string, CampaignRow>;
  try {
    meta = loadResultMeta(db);
    campaigns = new Map(
      listCampaignIdentities(db).map((c): [string, CampaignRow] => [c.id, c]),
    );
  } catch (e) {
    return err('db_error', `Could not read results for the export: ${(e as Error).message}`);
  }

  const partitions = new Map<string, RunRecord[]>();
  for (const r of records.value) {
    const key = r.campaign_id ?? IMPORTED_GROUP;
    const list = partitions.get(key);
    if (list) list.push(r);
    else partitions.set(key, [r]);
  }

  let selected: string[];
  const explicitImported = options.includeImported !== undefined && options.campaignIds !== undefined;
  if ((options.campaignIds && options.campaignIds.length > 0) || explicitImported) {
    const wanted = [...new Set(options.campaignIds ?? [])];
    const unknown = wanted.filter((id) => !campaigns.has(id));
    if (unknown.length > 0) return err('unknown_campaign', `No campaign with id ${unknown.join(', ')}`, { path: 'campaign' });
    const empty = wanted.filter((id) => !partitions.has(id));
    if (empty.length > 0) {
      return err('empty_campaign', `Campaign ${empty.join(', ')} has no results to export yet`, { path: 'campaign' });
    }
    selected = wanted;
    if (options.includeImported === true) {
      if (!partitions.has(IMPORTED_GROUP)) return err('empty_imported', 'There are no imported results outside a campaign to export', { path: 'includeImported' });
      selected.push(IMPORTED_GROUP);
    }
    if (selected.length === 0) return err('nothing_selected', 'Choose at least one campaign, or the imported results, to export', { path: 'campaign' });
  } else {
    selected = [...partitions.keys()];
  }
  // Campaigns in id order, the campaign-less imports last: the same data always gives the same file list.
  selected.sort((a, b) => (a === IMPORTED_GROUP ? 1 : b === IMPORTED_GROUP ? -1 : compareCodeUnits(a, b)));

  const personal = options.includePersonalData === true;
  const generator = { name: 'llem Studio' as const, version: options.generatorVersion };
  const usedPaths = new Set<string>();
  const drafts: EntriesFileDraft[] = [];
  for (const key of selected) {
    const members = partitions.get(key)!;
    // Content order, not row-id order: the same data imported in another order aggregates identically.
    const sorted = [...members].sort((a, b) => compareRecords(a, b, meta));
    const aggregates = aggregateRuns(sorted, options.cvThreshold !== undefined ? { cvThreshold: options.cvThreshold } : {});
    const entries = buildEntries(aggregates, sorted, meta, campaigns, personal);
    const campaign = key === IMPORTED_GROUP ? null : campaigns.get(key) ?? null;
    const path = filePathFor(key, usedPaths);
    drafts.push({
      path,
      content: {
        format: LEADERBOARD_FORMAT,
        format_version: LEADERBOARD_FORMAT_VERSION,
        kind: 'entries',
        group: {
          kind: key === IMPORTED_GROUP ? 'imported' : 'campaign',
          campaign_id: key === IMPORTED_GROUP ? null : key,
          study_design_hash: campaign?.study_design_hash || null,
          ...(personal && campaign && campaign.name.trim() !== '' ? { campaign_name: campaign.name } : {}),
        },
        provenance: {
          generator,
          llem_versions: distinctSorted(entries.flatMap((e) => e.llem_versions)),
          personal_data: personal ? 'included' : 'excluded',
        },
        entries,
      },
    });
  }
  return ok(drafts);
}

function compareRecords(a: RunRecord, b: RunRecord, meta: Map<number, ResultMeta>): number {
  const ma = meta.get(a.result_id);
  const mb = meta.get(b.result_id);
  return (
    compareCodeUnits(a.group_key, b.group_key) ||
    compareCodeUnits(ma?.startTime ?? '', mb?.startTime ?? '') ||
    compareCodeUnits(ma?.fileSha ?? '', mb?.fileSha ?? '')
  );
}

function buildEntries(
  aggregates: ConfigAggregate[],
  records: RunRecord[],
  meta: Map<number, ResultMeta>,
  campaigns: Map<string, CampaignRow>,
  personal: boolean,
): LeaderboardEntry[] {
  const fronts = {
    energy_latency: new Set(energyLatencyFront(aggregates)),
    energy_latency_adjusted: new Set(energyLatencyFront(aggregates, true)),
    energy_throughput: new Set(energyThroughputFront(aggregates)),
    energy_throughput_adjusted: new Set(energyThroughputFront(aggregates, true)),
  };
  const byResult = new Map(records.map((r) => [r.result_id, r]));
  const configs = aggregates.map((a) => flattenConfig(parseConfig(meta.get(a.resultIds[0]!)?.effectiveConfigJson)));
  const swept = sweptPaths(configs);

  const entries = aggregates.map((agg, i): LeaderboardEntry => {
    const metas = agg.resultIds.map((id) => meta.get(id)).filter((m): m is ResultMeta => m !== undefined);
    const first = metas[0];
    const config = configs[i]!;
    const parameters: Record<string, string | number | boolean> = {};
    for (const p of swept) {
      const v = config.get(p);
      if (v === undefined) continue;
      const value = typeof v === 'string' && !personal ? (p === 'dataset' ? redactDatasetPath(v) : redactLocalPath(v)) : v;
      Object.defineProperty(parameters, p, { value, enumerable: true, writable: true, configurable: true });
    }
    const gpuNames = distinctSorted(metas.map((m) => m.gpuName));
    const gpuCounts = distinct(metas.map((m) => m.numGpus).filter((n): n is number => n !== null && n >= 1));
    const powerLimits = distinct(metas.map((m) => m.powerLimitW).filter((w): w is number => w !== null && w > 0)).sort((a, b) => a - b);
    const campaignIds = distinctSorted(agg.resultIds.map((id) => byResult.get(id)?.campaign_id ?? null));
    const designHashes = distinctSorted(campaignIds.map((c) => campaigns.get(c)?.study_design_hash || null));
    const starts = metas.map((m) => isoDate(m.startTime)).filter((d): d is string => d !== null).sort();
    const ends = metas.map((m) => isoDate(m.endTime) ?? isoDate(m.startTime)).filter((d): d is string => d !== null).sort();
    const sources = distinctSorted(agg.resultIds.map((id) => byResult.get(id)?.source ?? null)) as ('measured' | 'imported')[];
    const dataset = config.get('dataset');
    const metrics = {} as Record<ExportedMetricName, MetricSummary>;
    for (const name of EXPORTED_METRIC_NAMES) metrics[name] = exportSummary(agg.metrics[EXPORTED_METRICS[name]]);
    const entry: LeaderboardEntry = {
      measurement_config_hash: agg.groupKey,
      llem_reported_hashes: distinctSorted(metas.map((m) => m.reportedHash)),
      study_design_hash: designHashes.length === 1 ? designHashes[0]! : null,
      model: personal ? agg.model : redactLocalPath(agg.model),
      backend: agg.backend,
      precision: agg.precision || null,
      parameters,
      workload: {
        dataset: typeof dataset === 'string' ? (personal ? dataset : redactDatasetPath(dataset)) : config.has('dataset.n') ? 'synthetic' : null,
        n_prompts: first?.nPrompts ?? null,
        max_input_tokens: first?.maxInputTokens ?? null,
        max_output_tokens: first?.maxOutputTokens ?? null,
        batch_size: agg.batchSize,
      },
      gpu: {
        name: agg.gpuName || null, // '' from a damaged file: unknown, not a name
        count: gpuCounts.length === 1 ? gpuCounts[0]! : null,
        power_limits_w: powerLimits.map((w) => stableNullable(w)!),
      },
      llem_versions: distinctSorted(metas.map((m) => m.llemVersion)),
      sources,
      cycles: agg.cycles,
      measured: { first: starts[0] ?? null, last: ends[ends.length - 1] ?? null },
      metrics,
      flags: {
        single_cycle: agg.flags.singleCycle,
        high_variance: EXPORTED_METRIC_NAMES.filter((n) => agg.flags.highVariance.includes(EXPORTED_METRICS[n])),
        thermal_throttled_cycles: agg.flags.thermalThrottledCycles,
        power_throttled_cycles: agg.flags.powerThrottledCycles,
        llem_warnings: sortedRecord(agg.flags.llemWarnings),
        hash_mismatches: agg.flags.hashMismatches,
        cycles_without_energy: agg.flags.cyclesWithoutEnergy,
        mixed_hardware: gpuNames.length > 1 || gpuCounts.length > 1 || powerLimits.length > 1,
      },
      quality: {
        grade: agg.quality.grade,
        caveats: agg.quality.caveats,
        checks: agg.quality.checks.map((c) => ({ id: c.id, status: c.status, reason: c.reason })),
        output_tokens: { reported: agg.quality.outputTokensReported, bounded: agg.quality.outputTokensBounded },
        llem_j_per_output_token: exportSummary(agg.llemJPerOutputToken),
      },
      pareto: {
        energy_latency: fronts.energy_latency.has(agg),
        energy_latency_adjusted: fronts.energy_latency_adjusted.has(agg),
        energy_throughput: fronts.energy_throughput.has(agg),
        energy_throughput_adjusted: fronts.energy_throughput_adjusted.has(agg),
      },
    };
    if (personal) {
      entry.private_provenance = {
        source_paths: distinctSorted(metas.map((m) => m.sourcePath)),
        output_dirs: distinctSorted(metas.map((m) => m.outputDir)),
        hosts: distinctSorted(metas.map((m) => m.host)),
      };
    }
    return entry;
  });
  return entries.sort(compareEntries);
}

function exportSummary(s: Summary): MetricSummary {
  return {
    n: s.n,
    mean: stableNullable(s.mean),
    sd: stableNullable(s.sd),
    ci95_low: stableNullable(s.ci95Low),
    ci95_high: stableNullable(s.ci95High),
    ci95_half_width: stableNullable(s.ci95HalfWidth),
    cv: stableNullable(s.cv),
    min: stableNullable(s.min),
    max: stableNullable(s.max),
  };
}

function compareEntries(a: LeaderboardEntry, b: LeaderboardEntry): number {
  return (
    compareCodeUnits(a.model, b.model) ||
    compareCodeUnits(a.backend, b.backend) ||
    compareCodeUnits(a.precision ?? '', b.precision ?? '') ||
    compareCodeUnits(JSON.stringify(sortedRecord(a.parameters)), JSON.stringify(sortedRecord(b.parameters))) ||
    compareCodeUnits(a.measurement_config_hash, b.measurement_config_hash)
  );
}

// ------------------------------------------------------------------------------------------------
// Swept parameters: the effective_config leaves that differ between the configurations of one file
// ------------------------------------------------------------------------------------------------

/** Shown as their own fields (model, backend, precision) or meaningless for comparison (output_dir). */
const NOT_PARAMETERS = new Set(['model', 'backend', 'precision', 'output_dir']);

function parseConfig(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

type Leaf = string | number | boolean;

/** Dotted path → scalar; nulls are "not set"; arrays become their JSON text. */
export function flattenConfig(config: unknown): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  const walk = (v: unknown, path: string): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) out.set(path, JSON.stringify(v));
    else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (path === '' && (NOT_PARAMETERS.has(k) || k.startsWith('runner_'))) continue; // runner_*: Docker bookkeeping
        walk(x, path === '' ? k : `${path}.${k}`);
      }
    } else if (typeof v === 'string' || typeof v === 'boolean') out.set(path, v);
    else if (typeof v === 'number' && Number.isFinite(v)) out.set(path, v);
  };
  walk(config, '');
  return out;
}

/** Paths whose value (absence included) is not the same in every configuration. */
export function sweptPaths(configs: readonly Map<string, Leaf>[]): string[] {
  const all = new Set<string>();
  for (const c of configs) for (const k of c.keys()) all.add(k);
  const swept: string[] = [];
  for (const path of all) {
    const first = configs[0]?.get(path);
    if (configs.some((c) => c.get(path) !== first)) swept.push(path);
  }
  return swept.sort(compareCodeUnits);
}

// ------------------------------------------------------------------------------------------------

function isoDate(naive: string | null): string | null {
  if (naive === null) return null;
  const d = naive.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}

function filePathFor(key: string, used: Set<string>): string {
  let name: string;
  if (key === IMPORTED_GROUP) name = 'imported/results.json';
  else if (/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(key)) name = `campaigns/${key}.json`;
  else name = `campaigns/campaign-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`;
  // Two ids differing only in case would collide on case-insensitive file systems (macOS, Windows).
  let candidate = name;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = name.replace(/\.json$/, `-${i}.json`);
  used.add(candidate.toLowerCase());
  return candidate;
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function distinctSorted(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort(compareCodeUnits);
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(record).sort(compareCodeUnits)) {
    Object.defineProperty(out, k, { value: record[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}
