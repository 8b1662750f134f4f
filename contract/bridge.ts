import type { DesktopEvent, ImportSummary, OpenedCampaign, RecentCampaign, SaveFileRequest } from './desktop';
import type { Result } from './result';

/**
 * What the UI needs from a transport. Electron's preload exposes exactly this as `window.llem`;
 * browser mode implements it over the WebSocket. Validation happens in the core; the typed client
 * (renderer/src/api/client.ts) adds the method/result types on top.
 */
export interface LlemBridge {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  /** Returns a function that ends the subscription. `onEnd` fires when the core ends it (or refuses it). */
  subscribe(
    topic: string,
    params: unknown,
    onEvent: (data: unknown) => void,
    onEnd?: (error?: { code: string; message: string }) => void,
  ): () => void;
  /** Only in the desktop app: native dialogs, drag-and-drop import, recent campaigns, menu commands. */
  desktop?: DesktopBridge;
}

/** The desktop app's extras (contract/desktop.ts). Every call answers a Result; a cancelled dialog is `value: null`. */
export interface DesktopBridge {
  /** File > Open Campaign…: the native dialog, then the file checked and added to the recent list. */
  openCampaign(): Promise<Result<OpenedCampaign | null>>;
  /** Reopens a file from the recent list (other paths are refused). */
  openRecentCampaign(path: string): Promise<Result<OpenedCampaign>>;
  listRecentCampaigns(): Promise<Result<RecentCampaign[]>>;
  /** Save dialog for text the UI produced (a campaign YAML, an export); main writes the file atomically. */
  saveFile(request: SaveFileRequest): Promise<Result<{ path: string } | null>>;
  /** File > Import Results…: native dialog for result files (or folders), then the core import. */
  importResultsDialog(options?: { folders?: boolean }): Promise<Result<ImportSummary | null>>;
  /** Drag and drop: pass the `File` objects of the drop event; the preload turns them into paths. */
  importDroppedFiles(files: ArrayLike<unknown>): Promise<Result<ImportSummary>>;
  /** Menu commands and things main did on its own (File > Open from the menu, an import from the menu). */
  onEvent(listener: (event: DesktopEvent) => void): () => void;
}
