import { EventEmitter } from 'node:events';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../contract/ipcChannels';
import { ok } from '../../../contract/result';
import type { Dispatcher } from '../../../core/api/dispatcher';
import { z } from 'zod';
import { guardedHandler, registerIpc } from '../../../main/ipc';

/** A stand-in for Electron's ipcMain: records handlers so the test can invoke them like a renderer would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>>();
  const ipcMain = {
    handle: (channel: string, handler: (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
  return { ipcMain, handlers };
}

function fakeSender() {
  const emitter = new EventEmitter() as EventEmitter & { send: ReturnType<typeof vi.fn>; isDestroyed: () => boolean; destroyed: boolean };
  emitter.send = vi.fn();
  emitter.destroyed = false;
  emitter.isDestroyed = () => emitter.destroyed;
  return emitter;
}

function setup() {
  const stop = vi.fn();
  let emit: (data: unknown) => void = () => undefined;
  let end: ((error: { code: string; message: string }) => void) | undefined;
  const dispatcher: Dispatcher = {
    call: vi.fn(async (method: string) => ok({ method })),
    subscribe: vi.fn((_topic: string, _params: unknown, e: (data: unknown) => void, onEnd?: (error: { code: string; message: string }) => void) => {
      emit = e;
      end = onEnd;
      return ok(stop);
    }),
  };
  const { ipcMain, handlers } = fakeIpcMain();
  const appSender = fakeSender();
  const isAppSender = (event: IpcMainInvokeEvent) => (event.sender as unknown) === appSender;
  const unregister = registerIpc(ipcMain, dispatcher, isAppSender);
  const invoke = (channel: string, payload: unknown, sender: unknown = appSender) =>
    handlers.get(channel)!({ sender } as unknown as IpcMainInvokeEvent, payload);
  return { dispatcher, handlers, appSender, invoke, stop, emit: (d: unknown) => emit(d), end: (e: { code: string; message: string }) => end?.(e), unregister };
}

describe('IPC wiring', () => {
  it('listens on exactly the contract channels that are invoked', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual([IPC_CHANNELS.call, IPC_CHANNELS.subscribe, IPC_CHANNELS.unsubscribe].sort());
  });

  it('forwards a valid call from an app window to the dispatcher', async () => {
    const { invoke, dispatcher } = setup();
    expect(await invoke(IPC_CHANNELS.call, { method: 'app.info', params: {} })).toEqual({ ok: true, value: { method: 'app.info' } });
    expect(dispatcher.call).toHaveBeenCalledWith('app.info', {});
  });

  it('rejects a sender that is not an app window', async () => {
    const { invoke, dispatcher } = setup();
    const result = await invoke(IPC_CHANNELS.call, { method: 'app.info', params: {} }, fakeSender());
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('rejects an invalid payload with a clear error', async () => {
    const { invoke, dispatcher } = setup();
    for (const payload of [null, 'app.info', { method: 42 }, { method: 'app.info', params: {}, extra: true }]) {
      const result = (await invoke(IPC_CHANNELS.call, payload)) as { ok: boolean; error?: { code: string; message: string } };
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('invalid_payload');
    }
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('a stream the core ends (its process stopped) reaches the window as an end with the error, and frees the id', async () => {
    const { invoke, appSender, end, stop } = setup();
    await invoke(IPC_CHANNELS.subscribe, { id: 4, topic: 'app.heartbeat', params: {} });
    end({ code: 'core_stopped', message: 'The llem Studio core stopped unexpectedly (exit code 1).' });
    expect(appSender.send).toHaveBeenCalledWith(IPC_CHANNELS.event, {
      id: 4,
      end: true,
      error: { code: 'core_stopped', message: 'The llem Studio core stopped unexpectedly (exit code 1).' },
    });
    expect(await invoke(IPC_CHANNELS.subscribe, { id: 4, topic: 'app.heartbeat', params: {} })).toEqual({ ok: true, value: null });
    expect(stop).not.toHaveBeenCalled();
  });

  it('delivers subscription events to the subscribing window and stops them when it is destroyed', async () => {
    const { invoke, appSender, stop, emit } = setup();
    expect(await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} })).toEqual({ ok: true, value: null });
    emit({ beat: 1 });
    expect(appSender.send).toHaveBeenCalledWith(IPC_CHANNELS.event, { id: 1, data: { beat: 1 } });
    expect(await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} })).toMatchObject({ ok: false, error: { code: 'duplicate_id' } });
    appSender.destroyed = true;
    appSender.emit('destroyed');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('unsubscribe stops only that stream; unregistering stops everything', async () => {
    const { invoke, stop, unregister, handlers } = setup();
    await invoke(IPC_CHANNELS.subscribe, { id: 7, topic: 'app.heartbeat', params: {} });
    await invoke(IPC_CHANNELS.unsubscribe, { id: 7 });
    expect(stop).toHaveBeenCalledTimes(1);
    await invoke(IPC_CHANNELS.subscribe, { id: 8, topic: 'app.heartbeat', params: {} });
    unregister();
    expect(stop).toHaveBeenCalledTimes(2);
    expect(handlers.size).toBe(0);
  });

  it('names the offending field of an invalid payload', async () => {
    const { invoke } = setup();
    const result = (await invoke(IPC_CHANNELS.subscribe, { id: -1, topic: 'app.heartbeat', params: {} })) as { error: { message: string; issues: { path: string }[] } };
    expect(result.error.message).toMatch(/\bid\b/);
    expect(result.error.issues[0]?.path).toBe('id');
  });

  it('a new document in the window (reload) ends its streams, so ids can start at 1 again', async () => {
    const { invoke, appSender, stop } = setup();
    await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} });
    appSender.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    expect(stop).not.toHaveBeenCalled();
    appSender.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(stop).not.toHaveBeenCalled();
    appSender.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(stop).toHaveBeenCalledTimes(1);
    expect(await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} })).toEqual({ ok: true, value: null });
  });

  it('a crashed renderer ends its streams', async () => {
    const { invoke, appSender, stop } = setup();
    await invoke(IPC_CHANNELS.subscribe, { id: 3, topic: 'app.heartbeat', params: {} });
    appSender.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('streams of one window are not touched when another window goes', async () => {
    const { invoke, stop } = setup();
    const other = fakeSender();
    await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} });
    other.emit('destroyed');
    expect(stop).not.toHaveBeenCalled();
  });

  it('does not send events to a destroyed window', async () => {
    const { invoke, appSender, emit } = setup();
    await invoke(IPC_CHANNELS.subscribe, { id: 1, topic: 'app.heartbeat', params: {} });
    appSender.destroyed = true;
    emit({ beat: 2 });
    expect(appSender.send).not.toHaveBeenCalled();
  });
});

describe('guardedHandler', () => {
  const event = {} as IpcMainInvokeEvent;

  it('turns a throwing handler into error data instead of a rejected invoke', async () => {
    const log = vi.fn();
    const handler = guardedHandler(() => true, z.object({}), () => {
      throw new Error('disk on fire');
    }, log);
    await expect(handler(event, {})).resolves.toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/disk on fire/) } });
    expect(log).toHaveBeenCalled();
  });

  it('checks the sender before looking at the payload', async () => {
    const schema = { safeParse: vi.fn(() => ({ success: true, data: {} })) } as unknown as z.ZodType<object>;
    const handler = guardedHandler(() => false, schema, () => ok(1));
    expect(await handler(event, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(schema.safeParse).not.toHaveBeenCalled();
  });
});
