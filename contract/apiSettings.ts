import { z } from 'zod';
import { DoctorFindingSchema } from './doctor';

/** Settings page: the llem/GPU doctor and the sharing platform (URL, write-only token). Merged into contract/api.ts. */
export const PlatformSettingsSchema = z.object({
  /** The ingest platform's base URL, or null when none is set. */
  url: z.string().nullable(),
  /** Whether a token is stored for that URL's origin (the token itself never leaves the core). */
  tokenStored: z.boolean(),
  /** Where tokens are kept, in words (OS keychain encryption, or a 0600 file). */
  tokenStore: z.string(),
});
export type PlatformSettings = z.infer<typeof PlatformSettingsSchema>;

/** Which llem the app runs and where GPU telemetry comes from (Settings; core/settings/llemSettings.ts). */
export const LlemSettingsSchema = z.object({
  /** An llem executable chosen in Settings, or null (then LLEM_STUDIO_LLEM, the Python interpreter, PATH). */
  llemPath: z.string().nullable(),
  /** A Python interpreter with llenergymeasure installed, or null. */
  pythonInterpreter: z.string().nullable(),
  /** `auto` | `nvml` | `nvidia-smi` | `off` | `replay:<file>`. */
  telemetrySource: z.string(),
  /** Set in the environment, these win over the Settings choice (the page says so). */
  envLlemPath: z.string().nullable(),
  envTelemetry: z.string().nullable(),
});
export type LlemSettings = z.infer<typeof LlemSettingsSchema>;

export const settingsApiMethods = {
  'settings.llem': { params: z.object({}).strict(), result: LlemSettingsSchema },
  'settings.setLlem': {
    params: z
      .object({
        llemPath: z.string().max(4096).nullable().optional(),
        pythonInterpreter: z.string().max(4096).nullable().optional(),
        telemetrySource: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    result: LlemSettingsSchema,
  },
  'settings.doctor': { params: z.object({}).strict(), result: z.array(DoctorFindingSchema) },
  'settings.platform': { params: z.object({}).strict(), result: PlatformSettingsSchema },
  'settings.setPlatform': {
    params: z
      .object({
        url: z.string().max(2000).nullable(),
        /** A new token for the URL's origin; omitted = keep the stored one. */
        token: z.string().min(8).max(4096).optional(),
        clearToken: z.boolean().optional(),
      })
      .strict(),
    result: PlatformSettingsSchema,
  },
} as const;
