import { z } from 'zod';

/**
 * Leaderboard export from the app (merged into contract/api.ts): the same exporter as `llem-studio export`
 * (core/export, docs/leaderboard-format.md). The UI chooses what to export, sees a preview of exactly what
 * would be written, then writes it. The core writes into a new folder under the data directory
 * (`<dataDir>/exports/<id>/`): in browser mode the server cannot show the user a dialog, and a page must not
 * name arbitrary paths on the server. The JSON files of a written export can be read back for a download.
 */

export const EXPORT_FORMATS = ['leaderboard', 'site'] as const;
export const ExportFormatSchema = z.enum(EXPORT_FORMATS);
export type ExportFormatName = z.infer<typeof ExportFormatSchema>;

/** An export folder's name under `<dataDir>/exports/` (what export.write answers as exportId). */
export const ExportIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'not an export id');

/** A file inside an export folder: relative, "/"-separated, no "." or ".." segments, a .json file. */
export const ExportFilePathSchema = z
  .string()
  .min(1)
  .max(500)
  .regex(/^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$/, 'not a JSON file of the export');

/** What goes into an export. */
export const ExportSelectionSchema = z
  .object({
    format: ExportFormatSchema,
    /**
     * Only these campaigns (each must have results). Omitted: every campaign with results plus the results
     * imported outside a campaign. Given (even empty): exactly these, plus the imported ones when includeImported.
     */
    campaignIds: z.array(z.string().min(1).max(200)).max(1000).optional(),
    includeImported: z.boolean().optional(),
    /** Opt in to source paths, output folders, host names and campaign names (docs/leaderboard-format.md). */
    includePersonalData: z.boolean().default(false),
  })
  .strict();
export type ExportSelection = z.input<typeof ExportSelectionSchema>;

export const ExportSourcesSchema = z.object({
  /** Campaigns with at least one stored result, newest first. */
  campaigns: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      /** Stored results (one per successful run). */
      results: z.number().int().nonnegative(),
      updatedAt: z.string(),
    }),
  ),
  /** Results imported by hand, outside any campaign. */
  importedResults: z.number().int().nonnegative(),
  /** The folder new exports are written under. */
  exportsDir: z.string(),
});
export type ExportSources = z.infer<typeof ExportSourcesSchema>;

export const ExportFileViewSchema = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  /** index = index.json; entries = a campaign's (or the imported results') configurations; site = page, script or style. */
  kind: z.enum(['index', 'entries', 'site']),
  /** Configurations in an entries file; null for other files. */
  entries: z.number().int().nonnegative().nullable(),
});
export type ExportFileView = z.infer<typeof ExportFileViewSchema>;

export const ExportPreviewSchema = z.object({
  format: ExportFormatSchema,
  /** Leaderboard entries = unique configurations, each summarised over its cycles. */
  entries: z.number().int().nonnegative(),
  /** Results (cycles) summarised in those entries. */
  results: z.number().int().nonnegative(),
  models: z.array(z.string()),
  gpus: z.array(z.string()),
  /** In write order (the index last). */
  files: z.array(ExportFileViewSchema),
  totalBytes: z.number().int().nonnegative(),
  /** The size budget of one export (bytes); over it, nothing is written. */
  maxBytes: z.number().int().positive(),
  overBudget: z.boolean(),
  /** What of the personal data (paths, host names, campaign names) the files hold. */
  personalData: z.object({
    included: z.boolean(),
    campaignNames: z.array(z.string()),
    hosts: z.array(z.string()),
    sourcePaths: z.number().int().nonnegative(),
    outputDirs: z.number().int().nonnegative(),
  }),
  /** Where export.write would put the folder. */
  exportsDir: z.string(),
});
export type ExportPreview = z.infer<typeof ExportPreviewSchema>;

export const ExportWrittenSchema = ExportPreviewSchema.extend({
  exportId: ExportIdSchema,
  /** Absolute path of the folder written. */
  outDir: z.string(),
  /** The page to open, for the site format (absolute path), else null. */
  sitePage: z.string().nullable(),
});
export type ExportWritten = z.infer<typeof ExportWrittenSchema>;

export const exportApiMethods = {
  /** What can be exported: campaigns with results, and how many results were imported outside campaigns. */
  'export.sources': { params: z.object({}).strict(), result: ExportSourcesSchema },
  /** Renders and validates the export without writing: files, sizes, entry and result counts, personal data. */
  'export.preview': { params: ExportSelectionSchema, result: ExportPreviewSchema },
  /** Writes the export into a new folder under `<dataDir>/exports/`. */
  'export.write': { params: ExportSelectionSchema, result: ExportWrittenSchema },
  /**
   * Browser mode: a one-time link (a path on the serving loopback server, good for one request within a minute) that
   * downloads a written export folder as one streamed .zip. Refused in the desktop app, which has the folder itself.
   */
  'export.downloadLink': {
    params: z.object({ exportId: ExportIdSchema }).strict(),
    result: z.object({
      /** Same-origin path: /download/export/<ticket>/<fileName>. */
      url: z.string(),
      fileName: z.string(),
      /** Files in the zip and their size before compression (bytes). */
      files: z.number().int().positive(),
      contentBytes: z.number().int().nonnegative(),
      expiresInS: z.number().int().positive(),
    }),
  },
  /** One JSON file of a written export, for a browser download or a desktop "Save as…". */
  'export.readFile': {
    params: z.object({ exportId: ExportIdSchema, path: ExportFilePathSchema }).strict(),
    result: z.object({ exportId: ExportIdSchema, path: z.string(), text: z.string(), bytes: z.number().int().nonnegative() }),
  },
} as const;
