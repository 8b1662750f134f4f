/**
 * The `llem-studio plan <study.yaml> --json` output shape (one object), validated with zod so
 * other processes (runner, UI, scripts) can check it at their boundary.
 */
import { z } from 'zod';

export const planJsonSchema = z.object({
  study_design_hash: z.string(),
  skipped: z.array(z.object({ label: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
  runs: z.array(
    z.object({
      /** 0-based position in execution order. */
      index: z.number().int().nonnegative(),
      /** llem's manifest cycle: 1-based occurrence of this config in execution order. */
      cycle: z.number().int().positive(),
      measurement_config_hash: z.string().regex(/^[0-9a-f]{16}$/),
      summary: z.string(),
    }),
  ),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
