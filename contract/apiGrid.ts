import { z } from 'zod';

/**
 * The grid's carbon intensity, for a campaign's CO₂e next to its energy (issue 17, point 8). Unset by default: no
 * CO₂e is shown until the user enters a figure and says where it comes from. Merged into contract/api.ts.
 */
export const GridIntensitySchema = z.object({
  /** Grams of CO₂-equivalent per kilowatt-hour of electricity drawn. */
  gramsPerKwh: z
    .number()
    .finite()
    .positive('the grid intensity must be above 0 gCO₂e/kWh')
    .max(2_000, 'no grid is above 2000 gCO₂e/kWh; check the unit (grams per kWh)'),
  /** Where the figure comes from (e.g. "Ember 2024, Germany annual average"); shown next to every CO₂e figure. */
  source: z.string().trim().min(1, 'say where the figure comes from').max(200),
});
export type GridIntensity = z.infer<typeof GridIntensitySchema>;

export const gridApiMethods = {
  'settings.gridIntensity': { params: z.object({}).strict(), result: GridIntensitySchema.nullable() },
  /** `null` clears it (no CO₂e shown). */
  'settings.setGridIntensity': { params: z.object({ intensity: GridIntensitySchema.nullable() }).strict(), result: GridIntensitySchema.nullable() },
} as const;
