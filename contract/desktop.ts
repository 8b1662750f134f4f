import { z } from 'zod';

/**
 * What the desktop app adds to the API: native file dialogs, drag-and-drop import, recent campaigns and
 * menu commands. Browser mode has none of it (the bridge's `desktop` member is absent there). Main parses
 * every payload with these schemas; the preload imports only the types (a sandboxed preload cannot load zod).
 */

/** Longest path main accepts from the renderer (Windows long paths are 32,767 UTF-16 units). */
export const MAX_PATH_LENGTH = 32_767;
/** Most paths one drop may carry. */
export const MAX_DROPPED_PATHS = 1_000;
/** Largest text the UI may ask main to save (a campaign YAML or a CSV/JSON export). */
export const MAX_SAVE_TEXT_CHARS = 64 * 1024 * 1024;

const NoPayload = z.object({}).strict();

export const FilePathSchema = z
  .string()
  .min(1, 'empty path')
  .max(MAX_PATH_LENGTH, 'path too long')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'path is not absolute');

export const OpenCampaignPayload = NoPayload;
export const OpenRecentCampaignPayload = z.object({ path: FilePathSchema }).strict();
export const ListRecentCampaignsPayload = NoPayload;

/** `campaign` = an llem study YAML (also added to the recent list); the rest are exports. */
export const SaveFileKindSchema = z.enum(['campaign', 'yaml', 'csv', 'json']);
export type SaveFileKind = z.infer<typeof SaveFileKindSchema>;

export const SaveFileRequestSchema = z
  .object({
    /** A file name only (no folders): the user picks the folder in the dialog. */
    suggestedName: z
      .string()
      .min(1)
      .max(255)
      .refine((n) => !/[\\/\0]/.test(n) && n !== '.' && n !== '..', 'suggestedName must be a plain file name'),
    kind: SaveFileKindSchema,
    text: z.string().max(MAX_SAVE_TEXT_CHARS, 'text too large to save'),
  })
  .strict();
export type SaveFileRequest = z.infer<typeof SaveFileRequestSchema>;

export const ImportResultsDialogPayload = z.object({ folders: z.boolean() }).strict();
export const ImportDroppedPathsPayload = z.object({ paths: z.array(FilePathSchema).min(1, 'nothing dropped').max(MAX_DROPPED_PATHS) }).strict();

export interface OpenedCampaign {
  path: string;
  /** File name, for a title bar or a tab. */
  name: string;
  /** The file's text, already checked to be loadable the way llem loads it (YAML 1.1 / JSON). */
  text: string;
}

export interface RecentCampaign {
  path: string;
  openedAt: string;
}

/** What one import did, compact enough for a toast; the full report stays in the store's import log. */
export interface ImportSummary {
  added: number;
  duplicates: number;
  ignored: number;
  rejected: { path: string; reason: string }[];
}

/** Menu items whose action belongs to the UI (it knows what is open and selected). */
export const MENU_COMMANDS = ['campaign.new', 'campaign.save', 'campaign.saveAs', 'results.export'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** main → renderer on IPC_CHANNELS.desktopEvent. */
export type DesktopEvent =
  | { type: 'menu'; command: MenuCommand }
  | { type: 'campaign.opened'; campaign: OpenedCampaign }
  | { type: 'results.imported'; summary: ImportSummary };
