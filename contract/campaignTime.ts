import { z } from 'zod';

/**
 * Where a campaign's wall time went (issue 19): per run, the stretches between the phases the runner saw in
 * llem's log, and per campaign the share of wall time inside llem's measurement windows ("efficiency").
 * Seconds throughout.
 */
export const RUN_TIME_PARTS = ['start', 'model_load', 'baseline', 'warmup', 'thermal_wait', 'measuring', 'write_out', 'app'] as const;
export const RunTimePartSchema = z.enum(RUN_TIME_PARTS);
export type RunTimePart = z.infer<typeof RunTimePartSchema>;

/** What each part is, for labels and tooltips (the UI and the CLI show the same words). */
export const RUN_TIME_PART_LABELS: Record<RunTimePart, string> = {
  start: 'start (process, imports, CUDA)',
  model_load: 'model load',
  baseline: 'baseline',
  warmup: 'warm-up',
  thermal_wait: 'thermal wait',
  measuring: 'measuring',
  write_out: 'write-out (llem saving results)',
  app: 'app (spawning llem, importing and storing its result)',
};

const seconds = z.number().finite().nonnegative();
export const RunTimePartsSchema = z.object(Object.fromEntries(RUN_TIME_PARTS.map((p) => [p, seconds])) as Record<RunTimePart, typeof seconds>);
export type RunTimeParts = z.infer<typeof RunTimePartsSchema>;

export const RunTimeBreakdownSchema = z.object({
  runId: z.number().int(),
  runIndex: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  status: z.string(),
  /** Attempt start to the app being done with it (result imported and stored). */
  totalS: seconds,
  parts: RunTimePartsSchema,
  /** False for attempts stored before the app recorded llem's exit: their write-out includes the app's part. */
  exitRecorded: z.boolean(),
});
export type RunTimeBreakdown = z.infer<typeof RunTimeBreakdownSchema>;

export const CampaignTimeSchema = z.object({
  campaignId: z.string(),
  /** Wall time counted: runs plus the time between consecutive runs (gaps, the app's own work). */
  wallS: seconds,
  measuringS: seconds,
  /** measuringS / wallS, 0..1; null with no wall time. */
  efficiency: z.number().min(0).max(1).nullable(),
  parts: RunTimePartsSchema,
  /** Between consecutive runs: the configured gaps plus anything the app itself spends. */
  betweenRunsS: seconds,
  /** Breaks longer than `pauseThresholdS` between runs (paused, app closed): not counted as wall time. */
  pausedS: seconds,
  pauseThresholdS: seconds,
  runs: z.array(RunTimeBreakdownSchema),
});
export type CampaignTime = z.infer<typeof CampaignTimeSchema>;
