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

/**
 * Where the idle baseline a run's result was adjusted with came from, read from llem's own result fields
 * (energy_breakdown.baseline_method / baseline_timestamp / baseline_cache_age_sec) and placed on the campaign's
 * timeline: measured inside this run's own attempt, reused from an earlier run of the campaign, or measured
 * outside the campaign (llem's cache from before it). llem 0.7.0 measures one per `llem run` (docs/telemetry.md).
 */
export const BASELINE_SOURCES = ['this_run', 'earlier_run', 'outside_campaign', 'none', 'unknown'] as const;
export const BaselineProvenanceSchema = z.object({
  source: z.enum(BASELINE_SOURCES),
  /** llem's word: `fresh`, `cached`, `validated`; null when llem gave none. */
  method: z.string().nullable(),
  /** The run (0-based index) whose attempt window holds the baseline's timestamp, when it is in this campaign. */
  measuredByRunIndex: z.number().int().nonnegative().nullable(),
  /** Seconds from the baseline's measurement to the end of this run's measuring (llem's baseline_cache_age_sec). */
  ageS: seconds.nullable(),
  powerW: z.number().finite().nullable(),
});
export type BaselineProvenance = z.infer<typeof BaselineProvenanceSchema>;

/** A run's baseline in words, the same for the UI and the CLI. */
export function describeBaseline(b: BaselineProvenance): string {
  const age = b.ageS === null ? '' : `, ${b.ageS.toFixed(0)} s old at the end of measuring`;
  const method = b.method ? ` (${b.method})` : '';
  switch (b.source) {
    case 'this_run':
      return `measured in this run${method}`;
    case 'earlier_run':
      return `reused from run ${(b.measuredByRunIndex ?? 0) + 1}${method}${age}`;
    case 'outside_campaign':
      return `reused from before this campaign${method}${age}`;
    case 'none':
      return 'no baseline (disabled in the config)';
    default:
      return `source not known${method}`;
  }
}


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
  /** The baseline the stored result used; absent for attempts without a stored result. */
  baseline: BaselineProvenanceSchema.optional(),
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
  /** How many stored results measured their own baseline vs reused one (absent when nothing is known). */
  baselines: z.object({ measured: z.number().int().nonnegative(), reused: z.number().int().nonnegative(), unknown: z.number().int().nonnegative() }).optional(),
});
export type CampaignTime = z.infer<typeof CampaignTimeSchema>;
