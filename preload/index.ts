import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LlemBridge } from '../contract/bridge';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import type { Result } from '../contract/result';

/**
 * The renderer's only door to the machine: `window.llem`, the same LlemBridge that browser mode
 * implements over a WebSocket. Nothing from Node or Electron is exposed.
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

const bridge: LlemBridge = {
  call: (method, params) => ipcRenderer.invoke(IPC_CHANNELS.call, { method, params }) as Promise<Result<unknown>>,
  subscribe(topic, params, onEvent, onEnd) {
    const id = nextId++;
    streams.set(id, { onEvent, onEnd });
    void (ipcRenderer.invoke(IPC_CHANNELS.subscribe, { id, topic, params }) as Promise<Result<null>>).then((result) => {
      if (!result.ok && streams.delete(id)) onEnd?.(result.error);
    });
    return () => {
      if (streams.delete(id)) void ipcRenderer.invoke(IPC_CHANNELS.unsubscribe, { id });
    };
  },
};

contextBridge.exposeInMainWorld('llem', bridge);
