import { BrowserWindow, type WebContents } from 'electron';
import {
  ImportDroppedPathsPayload,
  ImportResultsDialogPayload,
  ListRecentCampaignsPayload,
  OpenCampaignPayload,
  OpenRecentCampaignPayload,
  SaveFileRequestSchema,
} from '../contract/desktop';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import type { DesktopServices } from './desktopServices';
import { guardedHandler, type IpcHandlerRegistry, type SenderCheck } from './ipc';

/** The window a dialog belongs to (modal to it); null when the sender has no window (never, for app senders). */
export type OwnerLookup = (contents: WebContents) => BrowserWindow | null;

const defaultOwner: OwnerLookup = (contents) => BrowserWindow.fromWebContents(contents);

/** The desktop-only channels of contract/ipcChannels.ts, each behind the same sender check and zod parse as the API. */
export const DESKTOP_INVOKE_CHANNELS = [
  IPC_CHANNELS.openCampaign,
  IPC_CHANNELS.openRecentCampaign,
  IPC_CHANNELS.listRecentCampaigns,
  IPC_CHANNELS.saveFile,
  IPC_CHANNELS.importResultsDialog,
  IPC_CHANNELS.importDroppedPaths,
] as const;

export function registerDesktopIpc(
  ipcMain: IpcHandlerRegistry,
  services: DesktopServices,
  isAppSender: SenderCheck,
  ownerOf: OwnerLookup = defaultOwner,
): () => void {
  ipcMain.handle(IPC_CHANNELS.openCampaign, guardedHandler(isAppSender, OpenCampaignPayload, (_p, e) => services.openCampaignDialog(ownerOf(e.sender))));
  ipcMain.handle(IPC_CHANNELS.openRecentCampaign, guardedHandler(isAppSender, OpenRecentCampaignPayload, ({ path }) => services.openRecentCampaign(path)));
  ipcMain.handle(IPC_CHANNELS.listRecentCampaigns, guardedHandler(isAppSender, ListRecentCampaignsPayload, () => services.listRecentCampaigns()));
  ipcMain.handle(IPC_CHANNELS.saveFile, guardedHandler(isAppSender, SaveFileRequestSchema, (request, e) => services.saveFile(ownerOf(e.sender), request)));
  ipcMain.handle(
    IPC_CHANNELS.importResultsDialog,
    guardedHandler(isAppSender, ImportResultsDialogPayload, ({ folders }, e) => services.importResultsDialog(ownerOf(e.sender), { folders })),
  );
  ipcMain.handle(
    IPC_CHANNELS.importDroppedPaths,
    guardedHandler(isAppSender, ImportDroppedPathsPayload, ({ paths }) => services.importPaths([...new Set(paths)])),
  );
  return () => {
    for (const channel of DESKTOP_INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
