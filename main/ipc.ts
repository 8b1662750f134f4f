import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import { err, ok, type Result } from '../contract/result';
import type { Dispatcher } from '../core/api/dispatcher';

const CallPayload = z.object({ method: z.string().max(100), params: z.unknown() }).strict();
const SubscribePayload = z.object({ id: z.number().int().nonnegative(), topic: z.string().max(100), params: z.unknown() }).strict();
const UnsubscribePayload = z.object({ id: z.number().int().nonnegative() }).strict();

export type IpcHandlerRegistry = Pick<IpcMain, 'handle' | 'removeHandler'>;
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Every invoke handler goes through this: the sender must be an app window, the payload must parse, and
 * whatever the handler does — including throwing — the renderer gets a Result back, never a rejected promise.
 */
export function guardedHandler<T>(
  isAppSender: SenderCheck,
  schema: z.ZodType<T>,
  handler: (payload: T, event: IpcMainInvokeEvent) => Promise<Result<unknown>> | Result<unknown>,
  log: (message: string) => void = console.error,
) {
  return async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
    if (!isAppSender(event)) return err('forbidden_sender', 'IPC refused: the sender is not an llem Studio window.');
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
      const first = issues[0];
      return err('invalid_payload', `IPC refused: malformed message${first ? ` (${first.path}: ${first.message})` : ''}.`, { issues });
    }
    try {
      return await handler(parsed.data, event);
    } catch (e) {
      log(`IPC handler failed: ${(e as Error).stack ?? String(e)}`);
      return err('internal', `llem Studio failed to handle the request: ${(e as Error).message}`);
    }
  };
}

/**
 * Wires the contract's API channels to the core dispatcher. Only senders that are app windows (their top
 * frame shows the app:// UI) are served; every payload is parsed before use; subscriptions belong to the
 * window that made them and end when it goes away.
 */
export function registerIpc(ipcMain: IpcHandlerRegistry, dispatcher: Dispatcher, isAppSender: SenderCheck): () => void {
  const subscriptionsByWindow = new Map<WebContents, Map<number, () => void>>();

  ipcMain.handle(IPC_CHANNELS.call, guardedHandler(isAppSender, CallPayload, ({ method, params }) => dispatcher.call(method, params)));

  ipcMain.handle(
    IPC_CHANNELS.subscribe,
    guardedHandler(isAppSender, SubscribePayload, ({ id, topic, params }, event) => {
      const sender = event.sender;
      if (sender.isDestroyed()) return err('window_gone', 'The window that subscribed is gone.');
      let owned = subscriptionsByWindow.get(sender);
      if (!owned) {
        const fresh = new Map<number, () => void>();
        subscriptionsByWindow.set(sender, fresh);
        const stopAll = () => {
          for (const stop of fresh.values()) stop();
          fresh.clear();
        };
        // A new document in the window (reload, crash recovery) starts its ids at 1 again and knows nothing
        // of the old streams: end them before it runs. In-page route changes (same document) keep them.
        sender.on('did-start-navigation', (details) => {
          if (details.isMainFrame && !details.isSameDocument) stopAll();
        });
        sender.on('render-process-gone', stopAll);
        // 'destroyed' covers a closed window and app exit.
        sender.once('destroyed', () => {
          stopAll();
          subscriptionsByWindow.delete(sender);
        });
        owned = fresh;
      }
      if (owned.has(id)) return err('duplicate_id', `Subscription id ${id} is already in use.`);
      const started = dispatcher.subscribe(
        topic,
        params,
        (data) => {
          if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, { id, data });
        },
        // The stream ended from the other side (the core process stopped): the preload hands the error to onEnd.
        (error) => {
          owned?.delete(id);
          if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, { id, end: true, error });
        },
      );
      if (!started.ok) return started;
      owned.set(id, started.value);
      return ok(null);
    }),
  );

  ipcMain.handle(
    IPC_CHANNELS.unsubscribe,
    guardedHandler(isAppSender, UnsubscribePayload, ({ id }, event) => {
      const owned = subscriptionsByWindow.get(event.sender);
      owned?.get(id)?.();
      owned?.delete(id);
      return ok(null);
    }),
  );

  return () => {
    for (const channel of [IPC_CHANNELS.call, IPC_CHANNELS.subscribe, IPC_CHANNELS.unsubscribe]) ipcMain.removeHandler(channel);
    for (const owned of subscriptionsByWindow.values()) for (const stop of owned.values()) stop();
    subscriptionsByWindow.clear();
  };
}
