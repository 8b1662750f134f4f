import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS } from '../contract/ipcChannels';
import { err, ok, type Result } from '../contract/result';
import type { Dispatcher } from '../core/api/dispatcher';

const CallPayload = z.object({ method: z.string().max(100), params: z.unknown() }).strict();
const SubscribePayload = z.object({ id: z.number().int().nonnegative(), topic: z.string().max(100), params: z.unknown() }).strict();
const UnsubscribePayload = z.object({ id: z.number().int().nonnegative() }).strict();

/**
 * Wires the contract's channels to the core dispatcher. Only senders that are app windows (their top frame
 * shows the app:// UI) are served; every payload is parsed before use; subscriptions belong to the window
 * that made them and end when it goes away.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatcher: Dispatcher, isAppSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  const subscriptionsByWindow = new Map<WebContents, Map<number, () => void>>();

  const guard = <T>(schema: z.ZodType<T>, handler: (payload: T, event: IpcMainInvokeEvent) => Promise<Result<unknown>> | Result<unknown>) =>
    async (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!isAppSender(event)) return err('forbidden_sender', 'IPC refused: the sender is not an llem Studio window.');
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        return err('invalid_payload', 'IPC refused: malformed message.', {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })),
        });
      }
      return handler(parsed.data, event);
    };

  ipcMain.handle(IPC_CHANNELS.call, guard(CallPayload, ({ method, params }) => dispatcher.call(method, params)));

  ipcMain.handle(
    IPC_CHANNELS.subscribe,
    guard(SubscribePayload, ({ id, topic, params }, event) => {
      const sender = event.sender;
      let owned = subscriptionsByWindow.get(sender);
      if (!owned) {
        const fresh = new Map<number, () => void>();
        subscriptionsByWindow.set(sender, fresh);
        sender.once('destroyed', () => {
          for (const stop of fresh.values()) stop();
          subscriptionsByWindow.delete(sender);
        });
        owned = fresh;
      }
      if (owned.has(id)) return err('duplicate_id', `Subscription id ${id} is already in use.`);
      const started = dispatcher.subscribe(topic, params, (data) => {
        if (!sender.isDestroyed()) sender.send(IPC_CHANNELS.event, { id, data });
      });
      if (!started.ok) return started;
      owned.set(id, started.value);
      return ok(null);
    }),
  );

  ipcMain.handle(
    IPC_CHANNELS.unsubscribe,
    guard(UnsubscribePayload, ({ id }, event) => {
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
