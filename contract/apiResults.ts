import { z } from 'zod';
import { QualityGradeSchema, QualitySummarySchema } from './quality';

/**
 * Results, comparison and reference-data methods of the API (merged into contract/api.ts).
 * Same rules as there: every entry has zod params and result schemas; pure TS + zod only.
 * The core's own types (core/results) are checked against these at compile time in
 * core/api/resultsHandlers.ts, so the two cannot drift apart silently.
 */

// ------------------------------------------------------------------------------------------------
// Shared pieces
// ------------------------------------------------------------------------------------------------

export const RESULT_SOURCE_NAMES = ['measured', 'imported', 'reference'] as const;
export const ResultSourceSchema = z.enum(RESULT_SOURCE_NAMES);
export type ResultSourceName = z.infer<typeof ResultSourceSchema>;

/** Own measurements only (reference rows are never aggregated with them). */
export const OwnSourceSchema = z.enum(['measured', 'imported']);

/** Sortable columns of the results table (the same whitelist as core/results/queries.ts). */
export const RESULT_SORT_KEYS = [
  'id', 'source', 'model', 'backend', 'precision', 'gpu_name', 'batch_size', 'start_time', 'total_tokens', 'total_energy_j',
  'energy_adjusted_j', 'avg_energy_per_token_j', 'energy_per_token_adjusted_j', 'avg_tokens_per_second',
  'output_tokens_per_second', 'avg_power_w', 'duration_sec', 'warning_count', 'quality_grade',
  'host', 'gpu_uuid',
] as const;
export type ResultSortKeyName = (typeof RESULT_SORT_KEYS)[number];

/** The filter fields the grid and the charts share. */
const ResultFilterShape = {
  campaignId: z.string().min(1).max(200).optional(),
  /** The campaign scope (Results page): only results of these campaigns (with `withoutCampaign`, also those of none). */
  campaignIds: z.array(z.string().min(1).max(200)).max(500).optional(),
  /** With `campaignIds`: also results that belong to no campaign (imported files, the shipped sample runs). */
  withoutCampaign: z.boolean().optional(),
  /** Case-insensitive substring of the model id. */
  model: z.string().max(500).optional(),
  backend: z.string().max(100).optional(),
  precision: z.string().max(100).optional(),
  /** Case-insensitive substring of the GPU name. */
  gpuName: z.string().max(200).optional(),
};

/** Mirror of core/results/queries.ts ResultListQuerySchema (the contract may not import core). */
export const ResultListQuerySchema = z
  .object({
    ...ResultFilterShape,
    sources: z.array(ResultSourceSchema).min(1).optional(),
    hashVerified: z.boolean().nullable().optional(),
    throttled: z.boolean().optional(),
    hasWarnings: z.boolean().optional(),
    identityHash: z.string().max(128).optional(),
    sortBy: z.enum(RESULT_SORT_KEYS).default('start_time'),
    sortDir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(100_000).default(200),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type ResultListQueryParams = z.input<typeof ResultListQuerySchema>;

const num = z.number().nullable();

export const ResultListRowSchema = z.object({
  id: z.number().int(),
  source: ResultSourceSchema,
  /** Reference rows: the dataset's label, shown next to every such row. */
  reference_dataset: z.string().nullable(),
  task: z.string().nullable(),
  campaign_id: z.string().nullable(),
  run_id: z.number().int().nullable(),
  experiment_id: z.string().nullable(),
  measurement_config_hash: z.string().nullable(),
  identity_hash: z.string().nullable(),
  hash_verified: z.boolean().nullable(),
  model: z.string(),
  backend: z.string().nullable(),
  precision: z.string().nullable(),
  batch_size: num,
  gpu_name: z.string().nullable(),
  num_gpus: num,
  start_time: z.string().nullable(),
  duration_sec: num,
  total_tokens: num,
  output_tokens: num,
  total_energy_j: num,
  energy_adjusted_j: num,
  /** J per output token as core/results/figureDefinitions.ts defines it (bounded tokens). */
  avg_energy_per_token_j: num,
  /** llem's own figure, as written (the raw figure, on request). */
  llem_energy_per_token_j: num,
  output_tokens_bounded: num,
  energy_per_token_adjusted_j: num,
  avg_tokens_per_second: num,
  output_tokens_per_second: num,
  avg_power_w: num,
  warning_count: num,
  throttle_detected: z.boolean().nullable(),
  llem_version: z.string().nullable(),
  quality_grade: QualityGradeSchema.nullable(),
  caveats: z.array(z.string()),
  /** Where it was measured: host, and the GPU's NVML UUID(s) comma-separated; null when not recorded. */
  host: z.string().nullable(),
  gpu_uuid: z.string().nullable(),
});
export type ResultListRowView = z.infer<typeof ResultListRowSchema>;

export const ResultListSchema = z.object({ total: z.number().int().nonnegative(), rows: z.array(ResultListRowSchema) });
export type ResultListView = z.infer<typeof ResultListSchema>;

/** Metrics derived per result and summarised per configuration (core/results/derivedMetrics.ts). */
export const RESULT_METRIC_NAMES = [
  'totalEnergyJ', 'energyAdjustedJ', 'jPerOutputToken', 'jPerOutputTokenAdjusted', 'jPerRequest', 'jPerRequestAdjusted',
  'tokensPerSecond', 'outputTokensPerSecond', 'avgPowerW', 'whPer1kOutputTokens', 'whPer1kOutputTokensAdjusted',
  'latencyPerRequestS',
] as const;
export type ResultMetricName = (typeof RESULT_METRIC_NAMES)[number];
export const ResultMetricNameSchema = z.enum(RESULT_METRIC_NAMES);

/** How each metric is named, in which unit, and which direction is better (UI labels, compare deltas). */
export const RESULT_METRICS: Record<ResultMetricName, { label: string; unit: string; lowerIsBetter: boolean }> = {
  jPerOutputToken: { label: 'Energy per output token', unit: 'J/token', lowerIsBetter: true },
  jPerOutputTokenAdjusted: { label: 'Energy per output token (baseline-adjusted)', unit: 'J/token', lowerIsBetter: true },
  jPerRequest: { label: 'Energy per request', unit: 'J', lowerIsBetter: true },
  jPerRequestAdjusted: { label: 'Energy per request (baseline-adjusted)', unit: 'J', lowerIsBetter: true },
  totalEnergyJ: { label: 'Total energy', unit: 'J', lowerIsBetter: true },
  energyAdjustedJ: { label: 'Total energy (baseline-adjusted)', unit: 'J', lowerIsBetter: true },
  whPer1kOutputTokens: { label: 'Energy per 1,000 output tokens', unit: 'Wh', lowerIsBetter: true },
  whPer1kOutputTokensAdjusted: { label: 'Energy per 1,000 output tokens (adjusted)', unit: 'Wh', lowerIsBetter: true },
  tokensPerSecond: { label: 'Throughput (input + output)', unit: 'tok/s', lowerIsBetter: false },
  outputTokensPerSecond: { label: 'Output throughput', unit: 'tok/s', lowerIsBetter: false },
  avgPowerW: { label: 'Average power', unit: 'W', lowerIsBetter: true },
  latencyPerRequestS: { label: 'Latency per request', unit: 's', lowerIsBetter: true },
};

export const SummarySchema = z.object({
  n: z.number().int().nonnegative(),
  mean: num,
  sd: num,
  ci95HalfWidth: num,
  ci95Low: num,
  ci95High: num,
  cv: num,
  min: num,
  max: num,
});
export type SummaryView = z.infer<typeof SummarySchema>;

/** A swept-parameter value as the charts see it (objects and lists arrive as their JSON text). */
export const ParamValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ParamValue = z.infer<typeof ParamValueSchema>;

export const SweepParameterSchema = z.object({
  /** effective_config path (`pytorch.batch_size`) or `hardware.gpu` for the GPU model. */
  path: z.string(),
  /** Short human name (`batch size`). */
  label: z.string(),
  kind: z.enum(['number', 'string', 'boolean', 'mixed']),
  /** Distinct values, sorted (numbers ascending, null last). */
  values: z.array(ParamValueSchema),
});
export type SweepParameter = z.infer<typeof SweepParameterSchema>;

export const ConfigViewSchema = z.object({
  groupKey: z.string(),
  /** The differing parameters in words (`batch size 64 · precision fp16`), else the model. */
  label: z.string(),
  model: z.string(),
  backend: z.string(),
  precision: z.string().nullable(),
  batchSize: num,
  gpuName: z.string().nullable(),
  campaignIds: z.array(z.string()),
  sources: z.array(OwnSourceSchema),
  cycles: z.number().int().nonnegative(),
  resultIds: z.array(z.number().int()),
  /** Values of the parameters that differ between the listed configurations (path → value). */
  params: z.record(z.string(), ParamValueSchema),
  metrics: z.record(ResultMetricNameSchema, SummarySchema),
  /** Each cycle's energy per output token (for dots beside the error bars). */
  cycleValues: z.array(z.object({ resultId: z.number().int(), jPerOutputToken: num, tokensPerSecond: num, host: z.string().nullable(), gpuUuid: z.string().nullable() })),
  /** Quality grade, caveats and checks across the cycles (docs/quality.md). */
  quality: QualitySummarySchema,
  /** llem's own energy per output token (its token count as written, not bounded): the raw figure, on request. */
  llemJPerOutputToken: SummarySchema,
  flags: z.object({
    highVariance: z.array(ResultMetricNameSchema),
    thermalThrottledCycles: z.number().int().nonnegative(),
    powerThrottledCycles: z.number().int().nonnegative(),
    llemWarnings: z.record(z.string(), z.number().int()),
    hashMismatches: z.number().int().nonnegative(),
    cyclesWithoutEnergy: z.number().int().nonnegative(),
    singleCycle: z.boolean(),
  }),
});
export type ConfigView = z.infer<typeof ConfigViewSchema>;

/** A ratio of two configuration means with its 95 % confidence interval. */
export const RatioSchema = z.object({
  ratio: z.number(),
  /** Null when either side has fewer than two cycles (no spread to estimate). */
  ci95Low: num,
  ci95High: num,
});
export type RatioView = z.infer<typeof RatioSchema>;

export const HeadlineSchema = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(true),
    /** The sentence, e.g. "batch size 64 uses 5.3× less energy per output token than batch size 1". */
    text: z.string(),
    /** "95 % CI 4.8–5.9×", or why there is none. */
    ciText: z.string(),
    /** What stayed the same between the two ("model gpt2 · precision bf16"), or what else differed. */
    context: z.string(),
    metric: ResultMetricNameSchema,
    /** The parameter whose change gives the effect; null when the two configs differ in several. */
    parameter: z.string().nullable(),
    better: z.object({ groupKey: z.string(), label: z.string(), mean: z.number() }),
    worse: z.object({ groupKey: z.string(), label: z.string(), mean: z.number() }),
    /** worse / better (≥ 1): "uses N× less". */
    factor: RatioSchema,
    /** True when the whole confidence interval lies above 1. */
    significant: z.boolean().nullable(),
    /** What to print next to the factor: the failed / warned checks of either side, named by side. Empty when none. */
    caveats: z.array(z.string()),
    /** Quality grades of the two sides. */
    grades: z.object({ better: QualityGradeSchema, worse: QualityGradeSchema }),
    /** The factor from llem's own figures (token counts as llem wrote them), when they differ from the shown one. */
    rawFactor: z.number().nullable(),
  }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);
export type HeadlineView = z.infer<typeof HeadlineSchema>;

export const AggregatesQuerySchema = z
  .object({
    ...ResultFilterShape,
    sources: z.array(OwnSourceSchema).min(1).optional(),
    /** A metric whose coefficient of variation exceeds this is flagged (default 0.10). */
    cvThreshold: z.number().positive().max(10).optional(),
  })
  .strict();
export type AggregatesQuery = z.input<typeof AggregatesQuerySchema>;

/** Most configurations one answer carries (keeps a message far below the wire limit). */
export const MAX_CONFIGS_PER_ANSWER = 1000;

export const AggregatesViewSchema = z.object({
  /** All matching configurations (configs below may be fewer: see truncated). */
  totalConfigs: z.number().int().nonnegative(),
  totalResults: z.number().int().nonnegative(),
  truncated: z.boolean(),
  configs: z.array(ConfigViewSchema),
  /** Parameters that differ between the configurations (the swept ones), most distinct values first. */
  parameters: z.array(SweepParameterSchema),
  /** Group keys on the Pareto fronts, best x first. */
  fronts: z.object({
    /** Energy per output token vs latency per request (both minimised). */
    energyLatency: z.array(z.string()),
    /** Energy per output token (min) vs output tokens per second (max): comparable with reference data. */
    energyThroughput: z.array(z.string()),
  }),
  headline: HeadlineSchema,
});
export type AggregatesView = z.infer<typeof AggregatesViewSchema>;

export const CompareParamsSchema = z
  .object({
    groupKeys: z.array(z.string().min(1).max(128)).min(2).max(8),
    /** The configuration the others are compared with (default: the first). */
    baseline: z.string().min(1).max(128).optional(),
    cvThreshold: z.number().positive().max(10).optional(),
  })
  .strict()
  .refine((p) => new Set(p.groupKeys).size === p.groupKeys.length, { message: 'groupKeys must be distinct', path: ['groupKeys'] })
  .refine((p) => p.baseline === undefined || p.groupKeys.includes(p.baseline), {
    message: 'baseline must be one of groupKeys',
    path: ['baseline'],
  });

export const CompareViewSchema = z.object({
  baseline: z.string(),
  configs: z.array(ConfigViewSchema),
  /** Parameters that differ between the compared configurations. */
  parameters: z.array(SweepParameterSchema),
  rows: z.array(
    z.object({
      metric: ResultMetricNameSchema,
      label: z.string(),
      unit: z.string(),
      lowerIsBetter: z.boolean(),
      values: z.array(
        z.object({
          groupKey: z.string(),
          summary: SummarySchema,
          /** This config's mean / the baseline's mean; null when either is missing. */
          vsBaseline: RatioSchema.nullable(),
          /** True/false when the CI of the ratio excludes / includes 1; null without a CI or for the baseline. */
          significant: z.boolean().nullable(),
        }),
      ),
    }),
  ),
});
export type CompareView = z.infer<typeof CompareViewSchema>;

export const TIMELINE_METRICS = ['power_w', 'temperature_c'] as const;

export const TimelineParamsSchema = z
  .object({
    resultId: z.number().int().positive(),
    metric: z.enum(TIMELINE_METRICS).default('power_w'),
    /** Points wanted (about one per pixel column). */
    width: z.number().int().min(2).max(20_000).default(1000),
  })
  .strict();

export const TimelineViewSchema = z.object({
  resultId: z.number().int(),
  /** app = the app's own ≥10 Hz samples of the run; llem = llem's 1 Hz timeseries.parquet; none = neither. */
  source: z.enum(['app', 'llem', 'none']),
  metric: z.enum(TIMELINE_METRICS),
  unit: z.string(),
  /** Why there is no timeline, or what the series is. */
  note: z.string(),
  method: z.enum(['raw', 'minmax', 'lttb']),
  totalSamples: z.number().int().nonnegative(),
  /** Seconds since the first sample. */
  t: z.array(z.number()),
  v: z.array(num),
  min: z.array(num).optional(),
  max: z.array(num).optional(),
  /**
   * Power only: the results table's average power (one definition: llem's total energy of every GPU ÷ llem's
   * measurement window) and the same per GPU, to set beside the line, which is one GPU over the whole run.
   */
  averagePower: z
    .object({ tableW: z.number(), perGpuW: z.number(), gpus: z.number().int().positive(), windowS: z.number(), words: z.string() })
    .optional(),
});
export type TimelineView = z.infer<typeof TimelineViewSchema>;

export const ReferenceDatasetViewSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  label: z.string(),
  edition: z.string(),
  snapshot: z.string().nullable(),
  sourceLocation: z.string(),
  licence: z.string().nullable(),
  importedAt: z.string(),
  rowCount: z.number().int().nonnegative(),
});
export type ReferenceDatasetView = z.infer<typeof ReferenceDatasetViewSchema>;

// ------------------------------------------------------------------------------------------------
// Import from file contents (browser mode cannot send paths)
// ------------------------------------------------------------------------------------------------

/** Base64 characters per call: well under the 4 MiB wire limit (contract/wire.ts) with the envelope. */
export const MAX_UPLOAD_CHARS_PER_CALL = 3_000_000;
/** Bytes one upload may store in total (a result.json is ≤ 32 MiB; a timeseries.parquet far less). */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
export const MAX_UPLOAD_FILES = 5000;

/** A relative file name: folders allowed (`run1/result.json`), never absolute, never `..`. */
export const UploadNameSchema = z
  .string()
  .min(1)
  .max(500)
  .refine((n) => !n.startsWith('/') && !n.startsWith('\\') && !/^[A-Za-z]:/.test(n), 'must be a relative name')
  .refine((n) => n.split(/[\\/]/).every((s) => s !== '..' && s !== '.' && s !== ''), 'must not contain "..", "." or empty folder names')
  // eslint-disable-next-line no-control-regex
  .refine((n) => !/[\u0000-\u001f]/.test(n), 'must not contain control characters');

export const ImportContentParamsSchema = z
  .object({
    /** Chosen by the page; the same id across the calls of one upload. */
    uploadId: z.string().uuid(),
    files: z
      .array(
        z
          .object({
            name: UploadNameSchema,
            /** The file's bytes (or the next chunk of them), base64. */
            base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
            /** True: add to the bytes sent for this name earlier in the same upload. */
            append: z.boolean().default(false),
          })
          .strict(),
      )
      .max(1000),
    /** Import everything sent in this upload and report; false: only store these chunks. */
    finish: z.boolean(),
  })
  .strict()
  .refine((p) => p.files.reduce((n, f) => n + f.base64.length, 0) <= MAX_UPLOAD_CHARS_PER_CALL, {
    message: `at most ${MAX_UPLOAD_CHARS_PER_CALL} base64 characters per call; send the rest in further calls`,
    path: ['files'],
  });
export type ImportContentParams = z.input<typeof ImportContentParamsSchema>;

const FileKindSchema = z.enum(['llem_result', 'llem_manifest', 'llem_bundle_sidecar', 'mlenergy_v3_index', 'mlenergy_v3_task', 'mlenergy_v2_config', 'mlenergy_v2_models']);

/** What happened to each file (paths are the names as sent, or as found on disk for path imports). */
export const ImportReportSchema = z.object({
  added: z.array(
    z.object({
      path: z.string(),
      kind: FileKindSchema,
      resultId: z.number().int().optional(),
      datasetId: z.number().int().optional(),
      datasetLabel: z.string().optional(),
      rows: z.number().int().optional(),
      hashVerified: z.boolean().nullable().optional(),
      notes: z.array(z.string()),
    }),
  ),
  duplicates: z.array(
    z.object({
      path: z.string(),
      kind: FileKindSchema,
      resultId: z.number().int().optional(),
      datasetId: z.number().int().optional(),
      matchedBy: z.enum(['sha256', 'natural_key']),
      linked: z.boolean().optional(),
    }),
  ),
  rejected: z.array(
    z.object({
      path: z.string(),
      kind: FileKindSchema.nullable(),
      reason: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  ),
  ignored: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type ImportReportView = z.infer<typeof ImportReportSchema>;

export const ImportContentResultSchema = z.object({
  uploadId: z.string(),
  /** Bytes stored so far in this upload. */
  storedBytes: z.number().int().nonnegative(),
  /** Present when `finish` was true. */
  report: ImportReportSchema.nullable(),
});

const NoParams = z.object({}).strict();

/** A set of recorded real runs shipped with the app (resources/sample-runs), for the Demo page and the docs. */
export const SampleSetViewSchema = z.object({
  id: z.string(),
  label: z.string(),
  gpu: z.string(),
  measuredOn: z.string(),
  llemVersion: z.string(),
  model: z.string(),
  caveats: z.array(z.string()),
});
export type SampleSetView = z.infer<typeof SampleSetViewSchema>;

export const resultsApiMethods = {
  /** Own results (and, when asked, labelled reference rows): filter, sort, page. */
  'results.list': { params: ResultListQuerySchema, result: ResultListSchema },
  /** Per-configuration statistics across cycles, the swept parameters, Pareto fronts and the headline. */
  'results.aggregates': { params: AggregatesQuerySchema, result: AggregatesViewSchema },
  /** Selected configurations side by side: every metric with its CI and its ratio to the baseline. */
  'results.compare': { params: CompareParamsSchema, result: CompareViewSchema },
  /** One result's power (or temperature) over time, reduced to about `width` points. */
  'results.timeline': { params: TimelineParamsSchema, result: TimelineViewSchema },
  /** Reference datasets stored (ML.ENERGY leaderboard editions) with their labels and row counts. */
  'results.referenceDatasets': { params: NoParams, result: z.array(ReferenceDatasetViewSchema) },
  /** Import llem result.json / timeseries.parquet / ML.ENERGY files sent as contents, in one or more calls. */
  'results.importContent': { params: ImportContentParamsSchema, result: ImportContentResultSchema },
  /** The recorded real runs this install ships with. */
  'results.sampleSets': { params: NoParams, result: z.array(SampleSetViewSchema) },
  /** Imports one shipped set into the store (again: nothing new). */
  'results.importSampleSet': { params: z.object({ id: z.string().min(1).max(64) }).strict(), result: ImportReportSchema },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export const resultsApiSubscriptions = {} as const satisfies Record<string, { params: z.ZodType; event: z.ZodType }>;
