import { z } from 'zod';

/**
 * The Results page's campaign scope: which campaigns hold results, to pick from (merged into contract/api.ts).
 * Pure TS + zod only.
 */

export const ScopeCampaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  /** Own results stored for its runs. */
  results: z.number().int().nonnegative(),
  /** The latest start of one of its results (ISO), else when the campaign last changed: orders "most recent". */
  lastResultAt: z.string().nullable(),
});
export type ScopeCampaignView = z.infer<typeof ScopeCampaignSchema>;

export const ResultScopesSchema = z.object({
  /** Campaigns with at least one result, most recent first. */
  campaigns: z.array(ScopeCampaignSchema),
  /** Own results that belong to no campaign (imported files, the shipped sample runs). */
  withoutCampaign: z.object({ results: z.number().int().nonnegative(), lastResultAt: z.string().nullable() }),
});
export type ResultScopesView = z.infer<typeof ResultScopesSchema>;

export const resultScopeApiMethods = {
  /** The campaigns that hold results (and the results of none), for the Results page's scope picker. */
  'results.scopes': { params: z.object({}).strict(), result: ResultScopesSchema },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;
