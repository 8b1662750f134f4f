import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';
import type { Db } from '../store/database';
import { formatIssuePath } from './jsonText';
import { FIGURE_SQL } from './figureDefinitions';
import { PLACEMENT_SQL } from './placement';
import { caveatsOf, ensureQualityChecks, readQuality } from './quality/qualityStore';

/**
 * The results table the UI lists, filters and sorts: own measurements (`measured`, `imported`) and,
 * only when asked, published reference rows — always labelled with `source = 'reference'` and the
 * dataset's label, never mixed in unlabelled.
 */

export const RESULT_SOURCES = ['measured', 'imported', 'reference'] as const;
export type ResultSource = (typeof RESULT_SOURCES)[number];

/** Sortable columns → SQL expression over the union below. Whitelisted: no user text reaches SQL. */
const SORT_COLUMNS = {
  id: 'id',
  source: 'source',
  model: 'model COLLATE NOCASE',
  backend: 'backend',
  precision: 'precision',
  gpu_name: 'gpu_name',
  batch_size: 'batch_size',
  start_time: 'start_time_ms',
  total_tokens: 'total_tokens',
  total_energy_j: 'total_energy_j',
  energy_adjusted_j: 'energy_adjusted_j',
  avg_energy_per_token_j: 'avg_energy_per_token_j',
  energy_per_token_adjusted_j: 'energy_per_token_adjusted_j',
  avg_tokens_per_second: 'avg_tokens_per_second',
  output_tokens_per_second: 'output_tokens_per_second',
  avg_power_w: 'avg_power_w',
  duration_sec: 'duration_sec',
  warning_count: 'warning_count',
  quality_grade: 'quality_grade',
  host: 'host',
  gpu_uuid: 'gpu_uuid',
} as const;
export type ResultSortKey = keyof typeof SORT_COLUMNS;

export const ResultListQuerySchema = z
  .object({
    campaignId: z.string().min(1).max(200).optional(),
    /** The campaign scope: only these campaigns' results (and, with `withoutCampaign`, those of no campaign). */
    campaignIds: z.array(z.string().min(1).max(200)).max(500).optional(),
    withoutCampaign: z.boolean().optional(),
    sources: z.array(z.enum(RESULT_SOURCES)).min(1).optional(),
    /** Case-insensitive substring of the model id. */
    model: z.string().max(500).optional(),
    backend: z.string().max(100).optional(),
    precision: z.string().max(100).optional(),
    /** Case-insensitive substring of the GPU name. */
    gpuName: z.string().max(200).optional(),
    hashVerified: z.boolean().nullable().optional(),
    throttled: z.boolean().optional(),
    hasWarnings: z.boolean().optional(),
    identityHash: z.string().max(128).optional(),
    sortBy: z.enum(Object.keys(SORT_COLUMNS) as [ResultSortKey, ...ResultSortKey[]]).default('start_time'),
    sortDir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(100_000).default(200),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ResultListQuery = z.input<typeof ResultListQuerySchema>;

/** One row of the results table (and of `llem-studio results --json`). */
export interface ResultListRow {
  id: number;
  source: ResultSource;
  /** Reference rows: the dataset's label (e.g. "ML.ENERGY Leaderboard v3 (data of 2026-02-16)"). */
  reference_dataset: string | null;
  /** Reference rows: the benchmark task (e.g. gpqa, chat). */
  task: string | null;
  campaign_id: string | null;
  run_id: number | null;
  experiment_id: string | null;
  measurement_config_hash: string | null;
  identity_hash: string | null;
  hash_verified: boolean | null;
  model: string;
  backend: string | null;
  precision: string | null;
  batch_size: number | null;
  gpu_name: string | null;
  num_gpus: number | null;
  start_time: string | null;
  duration_sec: number | null;
  total_tokens: number | null;
  output_tokens: number | null;
  total_energy_j: number | null;
  energy_adjusted_j: number | null;
  /** J per output token as core/results/figureDefinitions.ts defines it (bounded tokens; reference: as published). */
  avg_energy_per_token_j: number | null;
  /** llem's own avg_energy_per_token_j, as written (its token count unbounded); null for reference rows. */
  llem_energy_per_token_j: number | null;
  /** Output tokens every figure uses: llem's count bounded by n_prompts × max_output_tokens. */
  output_tokens_bounded: number | null;
  energy_per_token_adjusted_j: number | null;
  /** llem's (input + output) tokens/s; null for reference rows, which publish output tokens/s only. */
  avg_tokens_per_second: number | null;
  output_tokens_per_second: number | null;
  avg_power_w: number | null;
  warning_count: number | null;
  throttle_detected: boolean | null;
  llem_version: string | null;
  /** Quality grade A/B/C (docs/quality.md); null for reference rows. */
  quality_grade: 'A' | 'B' | 'C' | null;
  /** What to say next to this row's figures (failed / warned checks). */
  caveats: string[];
  /** Where it was measured (core/results/placement.ts): the host, null when not recorded (imports, reference). */
  host: string | null;
  /** NVML UUID(s) of the GPU(s) it was measured on, comma-separated in GPU order; null when not recorded. */
  gpu_uuid: string | null;
}

export interface ResultList {
  total: number;
  rows: ResultListRow[];
}

// Derived columns are the definitions of core/results/figureDefinitions.ts (0 J = not measured → null).
const OWN_SELECT = `
  SELECT r.id, r.source, NULL AS reference_dataset, NULL AS task, ru.campaign_id, r.run_id, r.experiment_id,
         r.measurement_config_hash, r.identity_hash, r.hash_verified, r.model, r.backend, r.precision, r.batch_size,
         r.gpu_name, r.num_gpus, r.start_time, r.start_time_ms, r.duration_sec, r.total_tokens, r.output_tokens,
         r.total_energy_j, r.energy_adjusted_j, ${FIGURE_SQL.jPerOutputToken} AS avg_energy_per_token_j,
         CASE WHEN r.avg_energy_per_token_j > 0 THEN r.avg_energy_per_token_j END AS llem_energy_per_token_j,
         ${FIGURE_SQL.boundedOutputTokens} AS output_tokens_bounded,
         ${FIGURE_SQL.jPerOutputTokenAdjusted} AS energy_per_token_adjusted_j,
         ${FIGURE_SQL.tokensPerSecond} AS avg_tokens_per_second,
         ${FIGURE_SQL.outputTokensPerSecond} AS output_tokens_per_second,
         ${FIGURE_SQL.avgPowerW} AS avg_power_w,
         r.warning_count, r.throttle_detected, r.llem_version, q.grade AS quality_grade,
         ${PLACEMENT_SQL.host} AS host, ${PLACEMENT_SQL.gpuUuid} AS gpu_uuid
  FROM results r LEFT JOIN runs ru ON ru.id = r.run_id LEFT JOIN result_quality q ON q.result_id = r.id`;

const REFERENCE_SELECT = `
  SELECT x.id, 'reference' AS source, d.label AS reference_dataset, x.task, NULL AS campaign_id, NULL AS run_id,
         NULL AS experiment_id, NULL AS measurement_config_hash, NULL AS identity_hash, NULL AS hash_verified,
         x.model, CASE d.edition WHEN 'v3' THEN 'vllm' END AS backend, x.weight_precision AS precision,
         x.max_batch_size AS batch_size, x.gpu_name, x.num_gpus, NULL AS start_time, NULL AS start_time_ms,
         NULL AS duration_sec, NULL AS total_tokens, NULL AS output_tokens, NULL AS total_energy_j,
         NULL AS energy_adjusted_j, x.energy_per_token_j AS avg_energy_per_token_j, NULL AS llem_energy_per_token_j,
         NULL AS output_tokens_bounded, NULL AS energy_per_token_adjusted_j,
         NULL AS avg_tokens_per_second, x.output_tokens_per_second, x.avg_power_w, NULL AS warning_count,
         NULL AS throttle_detected, NULL AS llem_version, NULL AS quality_grade, NULL AS host, NULL AS gpu_uuid
  FROM reference_rows x JOIN reference_datasets d ON d.id = x.dataset_id`;

export function listResults(db: Db, query: ResultListQuery = {}): Result<ResultList> {
  const parsed = ResultListQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
    return err('invalid_input', `Invalid results query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  const q = parsed.data;
  const sources = new Set(q.sources ?? ['measured', 'imported']);
  // A campaign holds only own measurements.
  const withReference = sources.has('reference') && q.campaignId === undefined && q.identityHash === undefined;
  const scoped = q.campaignIds !== undefined || q.withoutCampaign !== undefined;
  const ownSources = [...sources].filter((s) => s !== 'reference');

  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (q.campaignId !== undefined) {
    where.push('campaign_id = @campaignId');
    params.campaignId = q.campaignId;
  }
  if (scoped) {
    // The scope narrows own results only: reference rows are a layer of their own, asked for through `sources`.
    const ids = q.campaignIds ?? [];
    const inCampaigns = ids.length > 0 ? `campaign_id IN (${ids.map((_, i) => `@scopeCampaign${i}`).join(', ')})` : '0';
    ids.forEach((id, i) => (params[`scopeCampaign${i}`] = id));
    where.push(`(source = 'reference' OR ${inCampaigns}${q.withoutCampaign ? ' OR campaign_id IS NULL' : ''})`);
  }
  if (q.model) {
    where.push("instr(lower(model), lower(@model)) > 0");
    params.model = q.model;
  }
  if (q.backend) {
    where.push('backend = @backend');
    params.backend = q.backend;
  }
  if (q.precision) {
    where.push('precision = @precision');
    params.precision = q.precision;
  }
  if (q.gpuName) {
    where.push("instr(lower(gpu_name), lower(@gpuName)) > 0");
    params.gpuName = q.gpuName;
  }
  if (q.hashVerified !== undefined) where.push(q.hashVerified === null ? 'hash_verified IS NULL' : `hash_verified = ${q.hashVerified ? 1 : 0}`);
  if (q.throttled !== undefined) where.push(q.throttled ? 'throttle_detected = 1' : 'COALESCE(throttle_detected, 0) = 0');
  if (q.hasWarnings !== undefined) where.push(q.hasWarnings ? 'warning_count > 0' : 'COALESCE(warning_count, 0) = 0');
  if (q.identityHash !== undefined) {
    where.push('identity_hash = @identityHash');
    params.identityHash = q.identityHash;
  }
  const parts: string[] = [];
  if (ownSources.length > 0) parts.push(`SELECT * FROM (${OWN_SELECT}) WHERE source IN (${ownSources.map((s) => `'${s}'`).join(', ')})`);
  if (withReference) parts.push(REFERENCE_SELECT);
  if (parts.length === 0) return ok({ total: 0, rows: [] });
  const union = parts.join(' UNION ALL ');
  if (ownSources.length > 0) {
    const checked = ensureQualityChecks(db);
    if (!checked.ok) return checked;
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  // Nulls last in both directions: a missing figure is never "the best".
  const order = `${SORT_COLUMNS[q.sortBy]} IS NULL, ${SORT_COLUMNS[q.sortBy]} ${q.sortDir.toUpperCase()}, source, id`;
  try {
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM (${union}) ${filter}`).get(params) as { n: number }).n;
    const rows = db
      .prepare(`SELECT * FROM (${union}) ${filter} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as (Omit<ResultListRow, 'hash_verified' | 'throttle_detected' | 'caveats'> & {
      hash_verified: number | null;
      throttle_detected: number | null;
      start_time_ms?: number | null;
    })[];
    const quality = readQuality(db, rows.filter((r) => r.source !== 'reference').map((r) => r.id));
    return ok({
      total,
      rows: rows.map(({ start_time_ms: _ms, ...r }) => ({
        ...r,
        caveats: r.source === 'reference' ? [] : caveatsOf(quality.get(r.id)?.checks ?? []),
        hash_verified: r.hash_verified === null ? null : r.hash_verified === 1,
        throttle_detected: r.throttle_detected === null ? null : r.throttle_detected === 1,
      })),
    });
  } catch (e) {
    return err('db_error', `Could not list results: ${(e as Error).message}`);
  }
}
