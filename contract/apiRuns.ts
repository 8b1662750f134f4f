import { z } from 'zod';
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
  /** GPU 0 energy of llem's measured window, three ways (null until the run has finished with samples). */
  energy: z
    .object({ counterJ: z.number().nullable(), integratedJ: z.number().nullable(), llemJ: z.number().nullable() })
    .nullable(),
});
export type RunRow = z.infer<typeof RunRowSchema>;

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
  'runs.start': { params: z.object({ campaignId: CampaignId }).strict(), result: z.object({ campaignId: z.string(), runCount: z.number().int() }) },
  'runs.control': {
    params: z.object({ campaignId: CampaignId, command: z.enum(['pause', 'resume', 'cancel', 'skipGap']) }).strict(),
    result: z.object({ accepted: z.boolean() }),
  },
  /** Campaigns that have been queued or run (not drafts), newest first. */
  'runs.campaigns': { params: z.object({}).strict(), result: z.array(CampaignQueueEntrySchema) },
  'runs.campaign': { params: z.object({ campaignId: CampaignId }).strict(), result: CampaignRunsSchema },
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
