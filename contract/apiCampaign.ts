import { z } from 'zod';
import { LlemProfileSchema as ProfileIdSchema } from './doctor';

/** The study designer's methods (`campaign.*`): plan a study YAML, its templates, and the stored drafts. */

const NoParams = z.object({}).strict();

/** Largest study YAML the designer sends; llem's own files are far smaller. */
export const MAX_STUDY_YAML_CHARS = 1_000_000;

const RangeSchema = z.object({ low: z.number(), mid: z.number(), high: z.number() });

export const CampaignPlanViewSchema = z.object({
  profile: ProfileIdSchema,
  kind: z.enum(['study', 'experiment']),
  studyDesignHash: z.string(),
  configCount: z.number().int().nonnegative(),
  runCount: z.number().int().nonnegative(),
  execution: z.object({ nCycles: z.number().int(), order: z.string(), defaulted: z.boolean() }),
  /** Unique configs in expansion order (capped for display; see configCount). */
  /** `label`: the values that tell this config apart within the study, swept ones first (contract/runLabels.ts). */
  configs: z.array(z.object({ index: z.number().int(), hash: z.string(), summary: z.string(), label: z.string(), origin: z.string() })),
  /** Runs in execution order (capped for display; see runCount). */
  runs: z.array(z.object({ index: z.number().int(), cycle: z.number().int(), configIndex: z.number().int(), hash: z.string(), summary: z.string(), label: z.string() })),
  /** `label`: llem's short label; `values`: the values the rejection names, then the swept ones (`batch_size=0 · dtype=fp16`). */
  skipped: z.array(z.object({ label: z.string(), values: z.string(), reason: z.string(), origin: z.string() })),
  warnings: z.array(z.object({ code: z.string(), message: z.string(), path: z.string().optional() })),
  deduplicated: z.number().int().nonnegative(),
  estimate: z.object({
    totalDurationSeconds: RangeSchema,
    totalEnergyJoules: RangeSchema,
    usesHeuristic: z.boolean(),
    breakdown: z.record(z.string(), z.number()),
    /** "based on N runs of <campaign>" (phase times measured on this host) or "default assumptions". */
    basis: z.string().optional(),
  }),
});
export type CampaignPlanView = z.infer<typeof CampaignPlanViewSchema>;

export const CampaignTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  profile: ProfileIdSchema,
  yaml: z.string(),
});
export type CampaignTemplate = z.infer<typeof CampaignTemplateSchema>;

export const CampaignStatusSchema = z.enum(['draft', 'queued', 'running', 'paused', 'completed', 'cancelled', 'failed']);

export const CampaignSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: CampaignStatusSchema,
  profile: ProfileIdSchema.nullable(),
  studyDesignHash: z.string().nullable(),
  updatedAt: z.string(),
});
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

export const CampaignDocumentSchema = CampaignSummarySchema.extend({ yaml: z.string() });
export type CampaignDocument = z.infer<typeof CampaignDocumentSchema>;

/** Handlers: core/api/campaignHandlers.ts. */
export const campaignApiMethods = {
  /** Expand, validate, hash and order a study YAML, with an estimate; errors name the field or line. */
  'campaign.plan': {
    params: z.object({ yaml: z.string().max(MAX_STUDY_YAML_CHARS), profile: ProfileIdSchema, dedupe: z.boolean().optional() }).strict(),
    result: CampaignPlanViewSchema,
  },
  'campaign.templates': { params: z.object({ profile: ProfileIdSchema }).strict(), result: z.array(CampaignTemplateSchema) },
  'campaign.list': { params: NoParams, result: z.array(CampaignSummarySchema) },
  'campaign.get': { params: z.object({ id: z.string().min(1).max(200) }).strict(), result: CampaignDocumentSchema },
  /** Creates (no id) or updates a draft; campaigns that have started running are not edited. */
  'campaign.save': {
    params: z
      .object({ id: z.string().uuid().optional(), name: z.string().trim().min(1).max(200), yaml: z.string().max(MAX_STUDY_YAML_CHARS), profile: ProfileIdSchema })
      .strict(),
    result: CampaignSummarySchema,
  },
} as const;
