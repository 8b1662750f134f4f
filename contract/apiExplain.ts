import { z } from 'zod';
import { QualityCheckSchema, QualityGradeSchema } from './quality';
import { RESULT_METRIC_NAMES } from './apiResults';

/** "Explain this number": how one figure of one stored result was made (core/results/views/explain.ts). */

export const EXPLAINED_FIGURES = [...RESULT_METRIC_NAMES, 'outputTokens'] as const;
export type ExplainedFigure = (typeof EXPLAINED_FIGURES)[number];

export const ExplainParamsSchema = z.object({ resultId: z.number().int().positive(), figure: z.enum(EXPLAINED_FIGURES) }).strict();

const num = z.number().nullable();

export const ExplainViewSchema = z.object({
  resultId: z.number().int(),
  figure: z.enum(EXPLAINED_FIGURES),
  label: z.string(),
  unit: z.string(),
  /** The app's figure (the one every view shows). */
  value: num,
  /** llem's own figure, as written in the result file, where llem reports one; null otherwise. */
  llemValue: num,
  /** Why llem has no figure of its own, or why the two differ. */
  llemNote: z.string(),
  formula: z.string(),
  tokens: z.string().nullable(),
  window: z.string().nullable(),
  inputs: z.array(z.object({ name: z.string(), value: z.union([z.number(), z.string()]).nullable(), unit: z.string(), source: z.string() })),
  file: z.object({
    path: z.string().nullable(),
    sha256: z.string(),
    experimentId: z.string(),
    measurementConfigHash: z.string(),
    recomputedConfigHash: z.string().nullable(),
    hashVerified: z.boolean().nullable(),
    timeseriesFile: z.string().nullable(),
    timeseriesStatus: z.string(),
    llemVersion: z.string().nullable(),
  }),
  measurementWindow: z.object({ start: z.string(), end: z.string(), durationS: num }),
  baseline: z.object({ powerW: num, method: z.string().nullable(), cacheAgeS: num }),
  grade: QualityGradeSchema.nullable(),
  checks: z.array(QualityCheckSchema),
  caveats: z.array(z.string()),
});
export type ExplainView = z.infer<typeof ExplainViewSchema>;

export const explainApiMethods = {
  /** One figure of one result traced to its formula, inputs, file and hashes, window, baseline and checks. */
  'results.explain': { params: ExplainParamsSchema, result: ExplainViewSchema },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;
