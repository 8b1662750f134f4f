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

export const settingsApiMethods = {
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
