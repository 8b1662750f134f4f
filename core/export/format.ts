import { z } from 'zod';

/**
 * The llem Studio leaderboard format, version 1 (docs/leaderboard-format.md). This zod schema is the
 * one source: `resources/schemas/*.schema.json` is generated from it (core/export/jsonSchema.ts) and a
 * test keeps the committed files equal to the generated ones and checks that both accept and reject
 * the same documents. Objects are strict: a field that is not in v1 is a different format version.
 */

export const LEADERBOARD_FORMAT = 'llem-studio-leaderboard';
/** major.minor: a new optional field → new minor (and a new schema file); a change of meaning → new major. */
export const LEADERBOARD_FORMAT_VERSION = '1.1';
export const LEADERBOARD_SCHEMA_IDS = {
  index: 'https://llem-studio.github.io/schemas/leaderboard-index-v1.1.schema.json',
  entries: 'https://llem-studio.github.io/schemas/leaderboard-entries-v1.1.schema.json',
} as const;

const Hash = z.string().regex(/^[0-9a-f]{8,64}$/).describe('lowercase hex hash');
/** llem writes 16 lowercase hex digits; an imported file may carry anything hash-like, kept as written. */
const ConfigHash = z.string().regex(/^[0-9A-Za-z._-]{1,128}$/);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('YYYY-MM-DD (the local date of the machine that measured)');
const NonEmpty = z.string().min(1).max(1000);
const Count = z.int().min(0);

export const MetricSummarySchema = z
  .object({
    n: Count.describe('cycles that have this metric'),
    mean: z.number().nullable(),
    sd: z.number().nullable().describe('sample standard deviation (n − 1); null for n < 2'),
    ci95_low: z.number().nullable(),
    ci95_high: z.number().nullable(),
    ci95_half_width: z.number().nullable().describe("Student's t, n − 1 degrees of freedom; null for n < 2"),
    cv: z.number().nullable().describe('coefficient of variation sd / |mean|'),
    min: z.number().nullable(),
    max: z.number().nullable(),
  })
  .strict()
  .meta({ id: 'MetricSummary', description: 'A metric across the cycles of one configuration.' });
export type MetricSummary = z.infer<typeof MetricSummarySchema>;

/** Export name → core derived-metric name (core/results/derivedMetrics.ts). Order = file order. */
export const EXPORTED_METRICS = {
  j_per_output_token: 'jPerOutputToken',
  j_per_output_token_adjusted: 'jPerOutputTokenAdjusted',
  j_per_request: 'jPerRequest',
  j_per_request_adjusted: 'jPerRequestAdjusted',
  tokens_per_second: 'tokensPerSecond',
  output_tokens_per_second: 'outputTokensPerSecond',
  latency_per_request_s: 'latencyPerRequestS',
  avg_power_w: 'avgPowerW',
  wh_per_1k_output_tokens: 'whPer1kOutputTokens',
  wh_per_1k_output_tokens_adjusted: 'whPer1kOutputTokensAdjusted',
  total_energy_j: 'totalEnergyJ',
  energy_adjusted_j: 'energyAdjustedJ',
} as const;
export type ExportedMetricName = keyof typeof EXPORTED_METRICS;
export const EXPORTED_METRIC_NAMES = Object.keys(EXPORTED_METRICS) as ExportedMetricName[];

const MetricsSchema = z
  .object(Object.fromEntries(EXPORTED_METRIC_NAMES.map((k) => [k, MetricSummarySchema])) as Record<ExportedMetricName, typeof MetricSummarySchema>)
  .strict()
  .meta({ id: 'Metrics' });

/** Quality checks across the cycles (docs/quality.md): the caveats travel with the figures. */
export const QualitySchema = z
  .object({
    grade: z.enum(['A', 'B', 'C']).describe('A: every check made and passed; B: a check warned or could not be made; C: a check failed'),
    caveats: z.array(NonEmpty).describe('what to print next to the figures: the failed and warned checks, in words'),
    checks: z.array(
      z
        .object({
          id: z.string().regex(/^[a-z_]{1,64}$/),
          status: z.enum(['pass', 'warn', 'fail', 'not_checked']),
          reason: NonEmpty,
        })
        .strict(),
    ),
    output_tokens: z
      .object({
        reported: Count.nullable().describe("llem's output_tokens summed over the cycles, as written"),
        bounded: Count.nullable().describe('the same bounded by n_prompts × max_output_tokens per cycle: what every per-token metric uses'),
      })
      .strict(),
    llem_j_per_output_token: MetricSummarySchema.describe("llem's own avg_energy_per_token_j (its token count unbounded): the raw figure"),
  })
  .strict()
  .meta({ id: 'Quality', description: 'Quality grade and checks of one configuration, over its cycles.' });
export type QualityExport = z.infer<typeof QualitySchema>;

const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);

export const PrivateEntryProvenanceSchema = z
  .object({
    source_paths: z.array(NonEmpty),
    output_dirs: z.array(NonEmpty),
    hosts: z.array(NonEmpty),
  })
  .strict()
  .meta({ id: 'PrivateEntryProvenance', description: 'Only present when the exporter opted in to paths and host names.' });

export const LeaderboardEntrySchema = z
  .object({
    measurement_config_hash: ConfigHash.describe(
      "llem's measurement_config_hash of the configuration computed with output_dir = null, so all cycles share it",
    ),
    llem_reported_hashes: z.array(ConfigHash).min(1).describe('measurement_config_hash as llem wrote it in each cycle (includes output_dir)'),
    study_design_hash: Hash.nullable(),
    model: NonEmpty,
    backend: NonEmpty,
    precision: NonEmpty.nullable(),
    parameters: z
      .record(z.string().min(1), ParameterValue)
      .describe('effective_config values (dotted paths) that differ between the entries of the same file: what was swept'),
    workload: z
      .object({
        dataset: NonEmpty.nullable(),
        n_prompts: Count.nullable(),
        max_input_tokens: Count.nullable(),
        max_output_tokens: Count.nullable(),
        batch_size: Count.nullable(),
      })
      .strict(),
    gpu: z
      .object({
        name: NonEmpty.nullable(),
        count: z.int().min(1).nullable().describe('null when llem did not report it'),
        power_limits_w: z.array(z.number().positive()).describe('distinct power limits seen across the cycles'),
      })
      .strict(),
    llem_versions: z.array(NonEmpty),
    sources: z.array(z.enum(['measured', 'imported'])).min(1).describe('own measurements only; reference data is never exported'),
    cycles: z.int().min(1),
    measured: z.object({ first: IsoDate.nullable(), last: IsoDate.nullable() }).strict(),
    metrics: MetricsSchema,
    flags: z
      .object({
        single_cycle: z.boolean(),
        high_variance: z.array(z.enum(EXPORTED_METRIC_NAMES as [ExportedMetricName, ...ExportedMetricName[]])),
        thermal_throttled_cycles: Count,
        power_throttled_cycles: Count,
        llem_warnings: z.record(z.string().min(1), z.int().min(1)).describe('llem measurement_warnings code → cycles'),
        hash_mismatches: Count,
        cycles_without_energy: Count,
        mixed_hardware: z.boolean().describe('cycles ran on different GPU names, counts or power limits'),
      })
      .strict(),
    pareto: z
      .object({
        energy_latency: z.boolean(),
        energy_latency_adjusted: z.boolean(),
        energy_throughput: z.boolean(),
        energy_throughput_adjusted: z.boolean(),
      })
      .strict()
      .describe('on the Pareto front among the entries of this file'),
    quality: QualitySchema.optional().describe('since 1.1; always written by llem Studio 1.1 writers'),
    private_provenance: PrivateEntryProvenanceSchema.optional(),
  })
  .strict()
  .meta({ id: 'LeaderboardEntry', description: 'One unique configuration, summarised over its cycles.' });
export type LeaderboardEntry = z.infer<typeof LeaderboardEntrySchema>;

const GeneratorSchema = z.object({ name: z.literal('llem Studio'), version: NonEmpty }).strict().meta({ id: 'Generator' });

export const ProvenanceSchema = z
  .object({
    generator: GeneratorSchema,
    llem_versions: z.array(NonEmpty),
    personal_data: z.enum(['excluded', 'included']).describe('whether paths, host names and campaign names were opted in'),
  })
  .strict()
  .meta({ id: 'Provenance' });
export type Provenance = z.infer<typeof ProvenanceSchema>;

const GroupSchema = z
  .object({
    kind: z.enum(['campaign', 'imported']),
    campaign_id: NonEmpty.nullable(),
    study_design_hash: Hash.nullable(),
    campaign_name: NonEmpty.optional().describe('only with personal data opted in'),
  })
  .strict()
  .meta({ id: 'Group' });

export const LeaderboardEntriesFileSchema = z
  .object({
    format: z.literal(LEADERBOARD_FORMAT),
    format_version: z.literal(LEADERBOARD_FORMAT_VERSION),
    kind: z.literal('entries'),
    group: GroupSchema,
    provenance: ProvenanceSchema,
    entries: z.array(LeaderboardEntrySchema),
  })
  .strict()
  .meta({ title: 'llem Studio leaderboard entries file', description: 'The configurations of one campaign (or of the imported results).' });
export type LeaderboardEntriesFile = z.infer<typeof LeaderboardEntriesFileSchema>;

export const IndexFileRefSchema = z
  .object({
    path: z.string().regex(/^[a-z]+\/[A-Za-z0-9._-]+\.json$/),
    kind: z.enum(['campaign', 'imported']),
    campaign_id: NonEmpty.nullable(),
    study_design_hash: Hash.nullable(),
    entries: Count,
    models: z.array(NonEmpty),
    bytes: z.int().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()
  .meta({ id: 'IndexFileRef' });

export const LeaderboardIndexSchema = z
  .object({
    format: z.literal(LEADERBOARD_FORMAT),
    format_version: z.literal(LEADERBOARD_FORMAT_VERSION),
    kind: z.literal('index'),
    generator: GeneratorSchema,
    last_updated: IsoDate.nullable().describe('the latest measurement date in the export (not the export time: exports are reproducible)'),
    total_entries: Count,
    models: z.array(NonEmpty),
    gpus: z.array(NonEmpty),
    files: z.array(IndexFileRefSchema),
  })
  .strict()
  .meta({ title: 'llem Studio leaderboard index', description: 'Entry point of a leaderboard export: lists the entries files.' });
export type LeaderboardIndex = z.infer<typeof LeaderboardIndexSchema>;
