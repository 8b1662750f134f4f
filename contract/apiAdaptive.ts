import { z } from 'zod';

/**
 * Adaptive campaigns from the UI (docs/adaptive.md): start one over a designed campaign's valid configurations, and
 * read what the search knows (its front, each run's reason and outcome, the configurations never run). Merged into
 * contract/api.ts. The metric names are core/adaptive/metrics.ts's (a unit test keeps the two lists equal).
 */
export const ADAPTIVE_METRICS = ['energy', 'throughput', 'latency', 'ttft', 'ttft_p95', 'itl_p99', 'peak_memory'] as const;
export const AdaptiveMetricSchema = z.enum(ADAPTIVE_METRICS);
export type AdaptiveMetric = z.infer<typeof AdaptiveMetricSchema>;

export const AdaptiveStartSettingsSchema = z
  .object({
    /** energy per output token first; the second (throughput or latency) optional. */
    objectives: z.array(AdaptiveMetricSchema).min(1).max(2),
    /** `<metric> <= max` in the metric's unit (ms, MB). */
    constraints: z.array(z.object({ metric: AdaptiveMetricSchema, max: z.number().positive().finite() }).strict()).max(4),
    /** Most runs in all. */
    budget: z.number().int().min(1).max(100_000),
    /** Stop once the front has not changed for this many runs in a row; null: spend the budget. */
    patience: z.number().int().min(1).max(100_000).nullable(),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    sampler: z.enum(['tpe', 'nsga2', 'random']),
  })
  .strict()
  .refine((s) => new Set(s.objectives).size === s.objectives.length, { message: 'an objective is named twice', path: ['objectives'] });
export type AdaptiveStartSettings = z.infer<typeof AdaptiveStartSettingsSchema>;

const MetricInfoSchema = z.object({ name: AdaptiveMetricSchema, label: z.string(), unit: z.string(), direction: z.enum(['minimize', 'maximize']) });

export const AdaptivePointSchema = z.object({
  runIndex: z.number().int().nonnegative(),
  runId: z.number().int().nullable(),
  resultId: z.number().int().nullable(),
  configKey: z.string(),
  label: z.string(),
  /** The run's status (queued, running, succeeded, failed, …). */
  status: z.string(),
  /** What it was for the search: null while it has not finished. */
  outcome: z.enum(['feasible', 'violates', 'failed']).nullable(),
  /** The objectives' values in objective order (null for a failed run or one not finished). */
  values: z.array(z.number()).nullable(),
  onFront: z.boolean(),
  /** One sentence on the outcome: values, the constraint broken (value > limit, with units), or the failure. */
  outcomeWords: z.string().nullable(),
  /** Why the optimizer chose it (null for runs of a campaign made before reasons were stored). */
  reason: z
    .object({
      trial: z.number().int(),
      sampler: z.string(),
      mode: z.enum(['startup', 'model', 'random', 'nearest']),
      modeWords: z.string(),
      why: z.string(),
      /** How many results the optimizer had been told, and the front's size then. */
      toldCount: z.number().int(),
      frontSize: z.number().int(),
      /** The told runs on the front then (1-based run numbers), so "improves on runs 2 and 5" can be read. */
      frontRuns: z.array(z.number().int()),
    })
    .nullable(),
});
export type AdaptivePoint = z.infer<typeof AdaptivePointSchema>;

export const AdaptiveViewSchema = z.object({
  campaignId: z.string(),
  gridCampaignId: z.string(),
  objectives: z.array(MetricInfoSchema),
  constraints: z.array(MetricInfoSchema.extend({ max: z.number() })),
  budget: z.number().int(),
  patience: z.number().int().nullable(),
  seed: z.number().int(),
  sampler: z.string(),
  gridSize: z.number().int(),
  stoppedBecause: z.string().nullable(),
  points: z.array(AdaptivePointSchema),
  /** Grid configurations no run of this campaign measured. */
  neverRun: z.array(z.object({ key: z.string(), label: z.string() })),
});
export type AdaptiveView = z.infer<typeof AdaptiveViewSchema>;

const CampaignId = z.string().min(1).max(200);

export const adaptiveApiMethods = {
  /** Starts (or continues) an adaptive search over a saved campaign's valid configurations, on this machine's GPU. */
  'adaptive.start': {
    params: z.object({ campaignId: CampaignId, settings: AdaptiveStartSettingsSchema }).strict(),
    result: z.object({ campaignId: z.string(), gridSize: z.number().int(), budget: z.number().int() }),
  },
  /** The search of an adaptive campaign (null when the campaign is not adaptive). */
  'adaptive.view': { params: z.object({ campaignId: CampaignId }).strict(), result: AdaptiveViewSchema.nullable() },
} as const;
