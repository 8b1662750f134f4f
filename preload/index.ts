import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { DesktopBridge, LlemBridge } from '../contract/bridge';
import type { DesktopEvent } from '../contract/desktop';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import { err, type Result } from '../contract/result';

/**
 * The renderer's only door to the machine: `window.llem`, the same LlemBridge that browser mode implements
 * over a WebSocket, plus `desktop` (dialogs, drag-and-drop import, recent campaigns, menu commands). Nothing
 * from Node or Electron is exposed: only functions that invoke the fixed channels of contract/ipcChannels.ts,
 * with plain data. (Types only from contract/desktop.ts: a sandboxed preload cannot load zod; main validates.)
 */
let nextId = 1;
const streams = new Map<number, { onEvent: (data: unknown) => void; onEnd?: (error?: { code: string; message: string }) => void }>();

ipcRenderer.on(IPC_CHANNELS.event, (_event: IpcRendererEvent, message: { id: number; data?: unknown; end?: boolean; error?: { code: string; message: string } }) => {
  const stream = streams.get(message?.id);
  if (!stream) return;
  if (message.end) {
    streams.delete(message.id);
    stream.onEnd?.(message.error);
  } else {
    stream.onEvent(message.data);
  }
});

const desktopListeners = new Set<(event: DesktopEvent) => void>();

ipcRenderer.on(IPC_CHANNELS.desktopEvent, (_event: IpcRendererEvent, message: unknown) => {
  if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') return;
  for (const listener of desktopListeners) {
    try {
      listener(message as DesktopEvent);
    } catch (e) {
      console.error('llem desktop event listener failed', e);
    }
  }
});

const invoke = <T>(channel: string, payload: unknown) => ipcRenderer.invoke(channel, payload) as Promise<Result<T>>;

/**
 * Dropped files become paths here, in the isolated world: only real File objects from a drop or a file input
 * have one (webUtils returns '' for a File the page constructed), so the page cannot name arbitrary paths.
 */
function droppedPaths(files: ArrayLike<unknown>): string[] {
  const paths: string[] = [];
  for (const file of Array.from(files ?? [])) {
    if (!(file instanceof File)) continue;
    const filePath = webUtils.getPathForFile(file);
    if (filePath) paths.push(filePath);
  }
  return paths;
}

const desktop: DesktopBridge = {
  openCampaign: () => invoke(IPC_CHANNELS.openCampaign, {}),
  openRecentCampaign: (path) => invoke(IPC_CHANNELS.openRecentCampaign, { path }),
  listRecentCampaigns: () => invoke(IPC_CHANNELS.listRecentCampaigns, {}),
  saveFile: (request) => invoke(IPC_CHANNELS.saveFile, request),
  importResultsDialog: (options) => invoke(IPC_CHANNELS.importResultsDialog, { folders: options?.folders === true }),
  importDroppedFiles(files) {
    const paths = droppedPaths(files);
    if (paths.length === 0) {
      return Promise.resolve(err('nothing_dropped', 'Nothing importable was dropped: drop result files or folders from the file manager.'));
    }
    return invoke(IPC_CHANNELS.importDroppedPaths, { paths });
  },
  onEvent(listener) {
    desktopListeners.add(listener);
    return () => {
      desktopListeners.delete(listener);
    };
  },
};

const bridge: LlemBridge = {
  call: (method, params) => invoke(IPC_CHANNELS.call, { method, params }),
  subscribe(topic, params, onEvent, onEnd) {
    const id = nextId++;
    streams.set(id, { onEvent, onEnd });
    void invoke<null>(IPC_CHANNELS.subscribe, { id, topic, params }).then((result) => {
      if (!result.ok && streams.delete(id)) onEnd?.(result.error);
    });
    return () => {
      if (streams.delete(id)) void ipcRenderer.invoke(IPC_CHANNELS.unsubscribe, { id });
    };
  },
  desktop,
};

contextBridge.exposeInMainWorld('llem', bridge);
