import { z } from 'zod';
import { LlemProfileSchema } from './doctor';
import { adaptiveApiMethods } from './apiAdaptive';
import { exportApiMethods } from './apiExport';
import { explainApiMethods } from './apiExplain';
import { pushApiMethods } from './apiPush';
import { resultsApiMethods, resultsApiSubscriptions } from './apiResults';
import { resultScopeApiMethods } from './apiResultScope';
import { runsApiMethods, runsApiSubscriptions } from './apiRuns';
import { settingsApiMethods } from './apiSettings';
import { slurmApiMethods } from './apiSlurm';
import { queueApiMethods } from './apiQueue';
import { gridApiMethods } from './apiGrid';

/**
 * The one list of what the UI may ask the core. Both transports (Electron IPC through preload, and the
 * WebSocket of browser mode) carry exactly these methods and subscriptions, and both sides validate every
 * message against these schemas. Adding a capability = adding an entry here plus a handler in core/api.
 */

/** llem version profiles (which llem the YAML is for); declared once in contract/llem/profiles.ts. */
export const ProfileIdSchema = LlemProfileSchema;
export type ProfileIdName = z.infer<typeof ProfileIdSchema>;

export const LlemStatusSchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    path: z.string(),
    versionOutput: z.string(),
  }),
  z.object({
    found: z.literal(false),
    reason: z.string(),
  }),
]);
export type LlemStatus = z.infer<typeof LlemStatusSchema>;

export const GpuInfoSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  memoryTotalMb: z.number().nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfoSchema>;

export const AppInfoSchema = z.object({
  appVersion: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
  sqliteVersion: z.string(),
  schemaVersion: z.number().int(),
  mode: z.enum(['electron', 'browser']),
  llem: LlemStatusSchema,
  /** The llem version profile the designer should write for: detected from the installed llem, else the default. */
  llemProfile: z.object({ id: ProfileIdSchema, detected: z.boolean(), reason: z.string() }),
  gpus: z.discriminatedUnion('found', [
    z.object({ found: z.literal(true), source: z.string(), devices: z.array(GpuInfoSchema) }),
    z.object({ found: z.literal(false), reason: z.string() }),
  ]),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

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

/** Request/response methods: name → params and result schemas. */
export const apiMethods = {
  'app.info': { params: NoParams, result: AppInfoSchema },
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
  ...resultsApiMethods,
  ...resultScopeApiMethods,
  ...explainApiMethods,
  ...exportApiMethods,
  ...pushApiMethods,
  ...runsApiMethods,
  ...settingsApiMethods,
  ...slurmApiMethods,
  ...adaptiveApiMethods,
  ...queueApiMethods,
  ...gridApiMethods,
} as const;

/** Push streams: name → params (what to subscribe to) and event schemas. */
export const apiSubscriptions = {
  /** A heartbeat every second; lets the UI show that the core is alive and tests the subscription path. */
  'app.heartbeat': {
    params: NoParams,
    event: z.object({ at: z.string(), uptimeSeconds: z.number().nonnegative() }),
  },
  ...resultsApiSubscriptions,
  ...runsApiSubscriptions,
} as const;

export type ApiMethods = typeof apiMethods;
export type MethodName = keyof ApiMethods;
export type MethodParams<M extends MethodName> = z.input<ApiMethods[M]['params']>;
export type MethodResult<M extends MethodName> = z.infer<ApiMethods[M]['result']>;

export type ApiSubscriptions = typeof apiSubscriptions;
export type SubscriptionName = keyof ApiSubscriptions;
export type SubscriptionParams<S extends SubscriptionName> = z.input<ApiSubscriptions[S]['params']>;
export type SubscriptionEvent<S extends SubscriptionName> = z.infer<ApiSubscriptions[S]['event']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}
export function isSubscriptionName(name: string): name is SubscriptionName {
  return Object.prototype.hasOwnProperty.call(apiSubscriptions, name);
}
