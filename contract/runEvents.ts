import { z } from 'zod';
import { RunEnergySchema, TelemetryPhaseSchema } from './telemetry';

/**
 * What the campaign runner tells its subscribers (the UI through the API, the headless CLI): campaign
 * and run transitions, progress phases parsed from llem's -vv log (contract §4.7), gaps, and outcomes.
 * Every event is also reflected in SQLite first, so a subscriber that missed events can re-read state.
 */

export const RunStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'interrupted', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const CampaignStatusSchema = z.enum(['draft', 'queued', 'running', 'paused', 'completed', 'cancelled', 'failed']);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

/** Why a run did not succeed (the same list as the `runs.failure_reason` CHECK constraint). */
export const FailureReasonSchema = z.enum([
  'config_error', // llem exit 2: ConfigError / validation failed
  'preflight', // llem exit 1 with PreFlightError (CUDA, backend package, model not reachable)
  'out_of_memory', // llem exit 1 with a CUDA/torch out-of-memory error
  'crash', // any other non-zero exit, a signal we did not send, or exit 0 without a result
  'timeout', // the app-side per-run timeout stopped it
  'interrupted', // stopped by a cancel, an app shutdown, or an external SIGINT (exit 130)
  'import_error', // llem wrote a result the app could not read or store
]);
export type FailureReason = z.infer<typeof FailureReasonSchema>;

/** Progress phases of one llem process; `measuring` carries k/n from the per-batch log lines. */
export const RunPhaseSchema = TelemetryPhaseSchema.exclude(['idle', 'gap']);
export type RunPhase = z.infer<typeof RunPhaseSchema>;

const base = {
  campaignId: z.string(),
  /** ISO 8601 UTC. */
  at: z.string(),
};

export const RunCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  interrupted: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type RunCounts = z.infer<typeof RunCountsSchema>;

export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('campaign.started'), counts: RunCountsSchema, resumed: z.boolean() }),
  z.object({
    ...base,
    type: z.literal('campaign.recovered'),
    /** Runs found `running` at start-up (the app or CLI died): requeued, or imported when llem had finished. */
    requeued: z.array(z.number().int()),
    imported: z.array(z.number().int()),
  }),
  z.object({
    ...base,
    type: z.literal('campaign.gap'),
    kind: z.enum(['experiment', 'cycle']),
    seconds: z.number().nonnegative(),
    endsAt: z.string(),
    beforeRunIndex: z.number().int().nonnegative(),
  }),
  z.object({
    ...base,
    type: z.literal('run.started'),
    runId: z.number().int(),
    runIndex: z.number().int().nonnegative(),
    cycle: z.number().int().positive(),
    attempt: z.number().int().positive(),
    summary: z.string(),
    timeoutSeconds: z.number().positive(),
  }),
  z.object({
    ...base,
    type: z.literal('run.phase'),
    runId: z.number().int(),
    phase: RunPhaseSchema,
    /** Prompts measured so far and in total (only in `measuring`, when llem logs batches). */
    done: z.number().int().nonnegative().optional(),
    total: z.number().int().positive().optional(),
    /** The log message that caused the transition. */
    message: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('run.output'),
    runId: z.number().int(),
    stream: z.enum(['stdout', 'stderr']),
    line: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('run.finished'),
    runId: z.number().int(),
    runIndex: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    status: RunStatusSchema,
    failureReason: FailureReasonSchema.nullable(),
    message: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    durationSeconds: z.number().nonnegative(),
    energy: z.array(RunEnergySchema),
  }),
  z.object({ ...base, type: z.literal('campaign.paused'), counts: RunCountsSchema }),
  z.object({
    ...base,
    type: z.literal('campaign.finished'),
    status: CampaignStatusSchema,
    counts: RunCountsSchema,
    message: z.string().nullable(),
  }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];

/** Commands the UI may send to a running campaign. */
export const CampaignCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), campaignId: z.string() }),
  z.object({ type: z.literal('resume'), campaignId: z.string() }),
  z.object({ type: z.literal('cancel'), campaignId: z.string() }),
  z.object({ type: z.literal('skipGap'), campaignId: z.string() }),
]);
export type CampaignCommand = z.infer<typeof CampaignCommandSchema>;
