import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import path from 'node:path';
import type { ImportSummary, OpenedCampaign, RecentCampaign, SaveFileKind, SaveFileRequest } from '../contract/desktop';
import { err, ok, type Result } from '../contract/result';
import type { ImportReport } from '../core/results/importTypes';
import { readCampaignFile, writeTextFileAtomic } from './campaignFiles';

/** Electron's `dialog`, narrowed to what is used (tests pass a fake). */
export interface DialogPort {
  showOpenDialog(owner: BrowserWindow | null, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(owner: BrowserWindow | null, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

/** The recent-campaigns list (core/settings/recentCampaigns.ts + the OS's recent documents). */
export interface RecentCampaignsPort {
  list(): RecentCampaign[];
  add(file: string): void;
  remove(file: string): void;
}

/** Imports result files/folders into the store (today: core/results `importPaths`). */
export type ResultsImporter = (paths: readonly string[]) => Promise<ImportReport>;

/** Reads and checks a campaign file (today: campaignFiles.ts; later perhaps a core `campaign.open`). */
export type CampaignReader = (file: string) => Promise<Result<OpenedCampaign>>;

export interface DesktopServiceDeps {
  dialogs: DialogPort;
  recent: RecentCampaignsPort;
  importResults: ResultsImporter;
  readCampaign?: CampaignReader;
  writeText?: (file: string, text: string) => Promise<void>;
}

/** What the desktop IPC channels and the menu do; every answer is a Result, a cancelled dialog is `null`. */
export interface DesktopServices {
  openCampaignDialog(owner: BrowserWindow | null): Promise<Result<OpenedCampaign | null>>;
  openRecentCampaign(file: string): Promise<Result<OpenedCampaign>>;
  /** Opens a path main got from the OS (argv, macOS open-file), not from the renderer. */
  openCampaignPath(file: string): Promise<Result<OpenedCampaign>>;
  listRecentCampaigns(): Result<RecentCampaign[]>;
  saveFile(owner: BrowserWindow | null, request: SaveFileRequest): Promise<Result<{ path: string } | null>>;
  importResultsDialog(owner: BrowserWindow | null, options: { folders: boolean }): Promise<Result<ImportSummary | null>>;
  importPaths(paths: readonly string[]): Promise<Result<ImportSummary>>;
}

const SAVE_FILTERS: Record<SaveFileKind, { name: string; extensions: string[] }> = {
  campaign: { name: 'Campaign (llem study YAML)', extensions: ['yaml', 'yml'] },
  yaml: { name: 'YAML', extensions: ['yaml', 'yml'] },
  csv: { name: 'CSV', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

/** Rejections listed in a summary; the rest are counted (the import log in the store has them all). */
export const MAX_LISTED_REJECTIONS = 50;

export function summarizeImport(report: ImportReport): ImportSummary {
  return {
    added: report.added.length,
    duplicates: report.duplicates.length,
    ignored: report.ignored.length,
    rejected: report.rejected.slice(0, MAX_LISTED_REJECTIONS).map((r) => ({ path: r.path, reason: r.reason })),
  };
}

/** Adds the filter's first extension when the user typed a name without one (GTK dialogs do not). */
function withExtension(file: string, kind: SaveFileKind): string {
  return path.extname(file) === '' ? `${file}.${SAVE_FILTERS[kind].extensions[0]}` : file;
}

export function createDesktopServices(deps: DesktopServiceDeps): DesktopServices {
  const readCampaign = deps.readCampaign ?? readCampaignFile;
  const writeText = deps.writeText ?? writeTextFileAtomic;

  const openAndRemember = async (file: string): Promise<Result<OpenedCampaign>> => {
    const opened = await readCampaign(file);
    if (opened.ok) deps.recent.add(file);
    return opened;
  };

  const importPaths = async (paths: readonly string[]): Promise<Result<ImportSummary>> => {
    try {
      return ok(summarizeImport(await deps.importResults(paths)));
    } catch (e) {
      return err('import_failed', `The import stopped: ${(e as Error).message}`);
    }
  };

  return {
    async openCampaignDialog(owner) {
      const choice = await deps.dialogs.showOpenDialog(owner, {
        title: 'Open Campaign',
        properties: ['openFile'],
        filters: [
          { name: 'Campaign (llem study)', extensions: ['yaml', 'yml', 'json'] },
          { name: 'All Files', extensions: ['*'] },
        ],
      });
      const [file] = choice.filePaths;
      if (choice.canceled || !file) return ok(null);
      return openAndRemember(file);
    },

    async openRecentCampaign(file) {
      // The renderer may only reopen what the user opened before: this channel is not a file reader.
      if (!deps.recent.list().some((r) => r.path === file)) {
        return err('not_recent', `${file} is not on the recent campaigns list.`, { path: file });
      }
      const opened = await openAndRemember(file);
      if (!opened.ok && (opened.error.code === 'not_found' || opened.error.code === 'not_a_file')) deps.recent.remove(file);
      return opened;
    },

    openCampaignPath: openAndRemember,

    listRecentCampaigns: () => ok(deps.recent.list()),

    async saveFile(owner, request) {
      const choice = await deps.dialogs.showSaveDialog(owner, {
        title: request.kind === 'campaign' ? 'Save Campaign' : 'Export',
        defaultPath: request.suggestedName,
        filters: [SAVE_FILTERS[request.kind]],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (choice.canceled || !choice.filePath) return ok(null);
      const file = withExtension(choice.filePath, request.kind);
      try {
        await writeText(file, request.text);
      } catch (e) {
        return err('write_failed', `Could not save ${file}: ${(e as Error).message}`, { path: file });
      }
      if (request.kind === 'campaign') deps.recent.add(file);
      return ok({ path: file });
    },

    async importResultsDialog(owner, { folders }) {
      const choice = await deps.dialogs.showOpenDialog(owner, {
        title: folders ? 'Import Results Folder' : 'Import Results',
        properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
        filters: folders
          ? []
          : [
              { name: 'llem results and reference data', extensions: ['json'] },
              { name: 'All Files', extensions: ['*'] },
            ],
      });
      if (choice.canceled || choice.filePaths.length === 0) return ok(null);
      return importPaths(choice.filePaths);
    },

    importPaths,
  };
}
