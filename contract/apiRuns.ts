import { z } from 'zod';
import { CampaignTimeSchema } from './campaignTime';
import { RunEventSchema, RunStatusSchema, FailureReasonSchema, RunCountsSchema, CampaignStatusSchema } from './runEvents';
import { TelemetryFrameSchema } from './telemetry';

/**
 * Running campaigns from the UI: start, pause/resume/cancel, the queue and history, logs, and the live streams
 * (run events and GPU telemetry). Merged into contract/api.ts.
 */
const CampaignId = z.string().min(1).max(200);

export const RunRowSchema = z.object({
  id: z.number().int(),
  runIndex: z.number().int().nonnegative(),
  cycle: z.number().int().positive(),
  summary: z.string(),
  /** What tells this run's configuration apart within its campaign (contract/runLabels.ts); llem's summary when nothing does. */
  label: z.string(),
  status: RunStatusSchema,
  failureReason: FailureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
  attempt: z.number().int().nonnegative(),
  exitCode: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /**
   * Energy three ways (null until the run has finished with samples): the app's NVML counter and integrated power
   * over the app's measuring phase, every GPU summed, and llem's total over llem's own window. `agreement` is the
   * one comparison of core/results/figureDefinitions.ts (compareAppEnergy), the same as the result's quality check.
   */
  energy: z
    .object({
      counterJ: z.number().nullable(),
      integratedJ: z.number().nullable(),
      llemJ: z.number().nullable(),
      gpus: z.number().int().nonnegative().optional(),
      appWindowS: z.number().nullable().optional(),
      llemWindowS: z.number().nullable().optional(),
      agreement: z
        .object({ status: z.enum(['pass', 'warn', 'fail', 'not_checked']), words: z.string(), caveat: z.string().nullable() })
        .optional(),
    })
    .nullable(),
});
export type RunRow = z.infer<typeof RunRowSchema>;

const FileTextSchema = z.object({ path: z.string(), text: z.string(), truncated: z.boolean(), error: z.string().nullable() });

/** Everything the run detail drawer shows about one run, failed ones included (core/runner/runDetail.ts). */
export const RunDetailSchema = RunRowSchema.omit({ energy: true }).extend({
  campaignId: z.string(),
  durationSeconds: z.number().nullable(),
  /** The newest attempt's logs (their ends, when longer than 1 MB) and files; null before the run started. */
  stdout: FileTextSchema.nullable(),
  stderr: FileTextSchema.nullable(),
  experimentFile: FileTextSchema.nullable(),
  resultFile: FileTextSchema.nullable(),
  resultId: z.number().int().nullable(),
  /** Where this config differs from the campaign's most common value of each varying field. */
  configDiff: z.array(z.object({ path: z.string(), base: z.string(), value: z.string() })),
  /** llem, driver, cuda, torch, backend, python, gpu: whichever are known. */
  versions: z.record(z.string(), z.string()),
  phases: z.array(z.object({ phase: z.string(), atMs: z.number(), message: z.string().nullable() })),
  /** GPU 0 power (W) against seconds since startMs (epoch ms), or null when no sample was stored. */
  timeline: z
    .object({ startMs: z.number(), t: z.array(z.number()), v: z.array(z.number().nullable()), totalSamples: z.number().int(), source: z.string().nullable() })
    .nullable(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const CampaignRunsSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: CampaignStatusSchema,
  active: z.boolean(),
  counts: RunCountsSchema,
  runs: z.array(RunRowSchema),
});
export type CampaignRuns = z.infer<typeof CampaignRunsSchema>;

export const CampaignQueueEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: CampaignStatusSchema,
  active: z.boolean(),
  counts: RunCountsSchema,
  updatedAt: z.string(),
});

export const runsApiMethods = {
  /** Starts (or resumes) a saved campaign on this machine's GPU with the installed llem. */
  'runs.start': {
    /** `retryFailed`: run the failed runs again too (default: only queued, interrupted and cancelled ones). */
    params: z.object({ campaignId: CampaignId, retryFailed: z.boolean().optional() }).strict(),
    result: z.object({
      campaignId: z.string(),
      runCount: z.number().int(),
      /** Set when the GPU was busy: the campaign waits in the queue (contract/apiQueue.ts) at `position` (1 = next). */
      queued: z.object({ position: z.number().int().positive(), waitingFor: z.string() }).nullable().optional(),
    }),
  },
  /** One run in full: status and reason, llem's stdout/stderr, experiment file, config diff, result.json, versions, power and phases. */
  'runs.detail': { params: z.object({ runId: z.number().int().nonnegative() }).strict(), result: RunDetailSchema },
  'runs.control': {
    params: z.object({ campaignId: CampaignId, command: z.enum(['pause', 'resume', 'cancel', 'skipGap']) }).strict(),
    result: z.object({ accepted: z.boolean() }),
  },
  /** Campaigns that have been queued or run (not drafts), newest first. */
  'runs.campaigns': { params: z.object({}).strict(), result: z.array(CampaignQueueEntrySchema) },
  'runs.campaign': { params: z.object({ campaignId: CampaignId }).strict(), result: CampaignRunsSchema },
  /** Where the campaign's wall time went: per-run breakdown and campaign efficiency (contract/campaignTime.ts). */
  'runs.time': { params: z.object({ campaignId: CampaignId }).strict(), result: CampaignTimeSchema },
  /** The end of one run's stdout or stderr (the newest attempt). */
  'runs.log': {
    params: z.object({ runId: z.number().int().nonnegative(), stream: z.enum(['stdout', 'stderr']), maxBytes: z.number().int().positive().max(1_000_000).default(65_536) }).strict(),
    result: z.object({ text: z.string(), truncated: z.boolean() }),
  },
} as const;

export const runsApiSubscriptions = {
  /** Every runner event; `campaignId` narrows it to one campaign. */
  'runs.events': { params: z.object({ campaignId: CampaignId.optional() }).strict(), event: RunEventSchema },
  /** Live GPU samples at display rate (the newest sample of each GPU). */
  'telemetry.live': { params: z.object({}).strict(), event: TelemetryFrameSchema },
} as const;
