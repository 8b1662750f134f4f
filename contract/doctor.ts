import { z } from 'zod';
import { LlemProfileSchema } from './llem/profiles';

/** One line of `llem-studio doctor` and of the Settings page's environment check. */
export const DoctorFindingSchema = z.object({
  /** Stable id, e.g. `llem.found`, `llem.version`, `nvml`, `nvidia-smi`, `llem.config.gpu`. */
  id: z.string(),
  status: z.enum(['ok', 'warn', 'error']),
  message: z.string(),
  /** What to do about it; null when nothing needs doing. */
  fixHint: z.string().nullable(),
});
export type DoctorFinding = z.infer<typeof DoctorFindingSchema>;

/** What `llem config` reports (contract §4.9), parsed. */
export const LlemConfigReportSchema = z.object({
  gpus: z.array(z.object({ name: z.string(), vramGb: z.number().nullable() })),
  driver: z.string().nullable(),
  backends: z.array(z.object({ name: z.string(), installed: z.boolean(), version: z.string().nullable() })),
  /** `zeus` | `nvml` | `codecarbon`, or null when llem found no energy package. */
  energy: z.string().nullable(),
  configPath: z.string().nullable(),
  configLoaded: z.boolean().nullable(),
  python: z.string().nullable(),
});
export type LlemConfigReport = z.infer<typeof LlemConfigReportSchema>;

/** llem version profiles (declared once in contract/llem/profiles.ts): which schema the installed llem speaks. */
export { LlemProfileSchema };
export type LlemProfile = z.infer<typeof LlemProfileSchema>;
