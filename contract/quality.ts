import { z } from 'zod';

/** Quality checks and grades of results (core/results/quality, docs/quality.md), as the UI and exports see them. */

export const CheckStatusSchema = z.enum(['pass', 'warn', 'fail', 'not_checked']);
export const QualityGradeSchema = z.enum(['A', 'B', 'C']);
export type QualityGradeName = z.infer<typeof QualityGradeSchema>;

export const QualityCheckSchema = z.object({
  id: z.string(),
  label: z.string(),
  status: CheckStatusSchema,
  reason: z.string(),
  caveat: z.string().optional(),
});
export type QualityCheckView = z.infer<typeof QualityCheckSchema>;

/** One configuration's (or result's) quality: the worst grade of its cycles, and what to say next to its figures. */
export const QualitySummarySchema = z.object({
  grade: QualityGradeSchema,
  /** Short texts for failed / warned checks ("at most 4,096 tokens were generated; llem reported 6,686"). */
  caveats: z.array(z.string()),
  checks: z.array(QualityCheckSchema),
  /** Output tokens llem reported and the bounded count every figure uses (summed over cycles). */
  outputTokensReported: z.number().nullable(),
  outputTokensBounded: z.number().nullable(),
});
export type QualitySummaryView = z.infer<typeof QualitySummarySchema>;
