import type { LlemBridge } from '../../../contract/bridge';
import type { Result } from '../../../contract/result';
import { MAX_MESSAGE_BYTES, ServerMessageSchema, type ClientMessage } from '../../../contract/wire';
import { adoptSessionToken, sessionProtocols } from './browserSession';

const API_PATH = '/api';

const NO_SESSION = {
  code: 'no_session',
  message: 'This page has no session token. Open the full address that `llem-studio serve` printed (it ends in #token=…).',
};

function tooLarge(bytes: number) {
  return {
    code: 'too_large',
    message: `The request is ${(bytes / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB llem Studio accepts in one message.`,
  };
}

/** UTF-8 length without encoding short strings (a UTF-16 unit is at most 3 UTF-8 bytes). */
function utf8Length(text: string): number {
  return text.length * 3 <= MAX_MESSAGE_BYTES ? text.length : new TextEncoder().encode(text).length;
}

/**
 * Browser-mode transport: one WebSocket to the loopback server, authenticated by the session token the page
 * took from its URL fragment (see browserSession.ts). Calls made before the socket opens are queued; if the
 * socket drops, pending calls fail with a clear error and the next call reconnects. A message bigger than the
 * server accepts fails here, with its size, instead of being sent (the server would drop the connection).
 */
export function createWebSocketBridge(location: Location = window.location): LlemBridge {
  const token = adoptSessionToken(location.hash, safeSessionStorage(), (hash) =>
    window.history.replaceState(window.history.state, '', location.pathname + location.search + hash),
  );
  let socket: WebSocket | null = null;
  let nextId = 1;
  const pendingCalls = new Map<number, (result: Result<unknown>) => void>();
  const streams = new Map<number, { onEvent: (data: unknown) => void; onEnd?: (error?: { code: string; message: string }) => void }>();
  const outbox: ClientMessage[] = [];

  function connect(): WebSocket {
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return socket;
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API_PATH}`, sessionProtocols(token ?? ''));
    ws.onerror = () => undefined; // the close that follows reports the failure to every pending call
    ws.onopen = () => {
      for (const message of outbox.splice(0)) ws.send(JSON.stringify(message));
    };
    ws.onmessage = (event) => {
      let json: unknown;
      try {
        json = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const parsed = ServerMessageSchema.safeParse(json);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'reply') {
        pendingCalls.get(message.id)?.(message.result as Result<unknown>);
        pendingCalls.delete(message.id);
      } else if (message.type === 'event') {
        streams.get(message.id)?.onEvent(message.data);
      } else {
        streams.get(message.id)?.onEnd?.(message.error);
        streams.delete(message.id);
      }
    };
    ws.onclose = () => {
      socket = null;
      const lost = { ok: false as const, error: { code: 'disconnected', message: 'Lost the connection to llem Studio. Is `llem-studio serve` still running?' } };
      for (const resolve of pendingCalls.values()) resolve(lost);
      pendingCalls.clear();
      for (const stream of streams.values()) stream.onEnd?.(lost.error);
      streams.clear();
    };
    socket = ws;
    return ws;
  }

  /** Sends (or queues) a message; returns why it cannot be sent, if it cannot. */
  function send(message: ClientMessage): { code: string; message: string } | null {
    if (token === null) return NO_SESSION;
    const text = JSON.stringify(message);
    const bytes = utf8Length(text);
    if (bytes > MAX_MESSAGE_BYTES) return tooLarge(bytes);
    const ws = connect();
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
    else outbox.push(message);
    return null;
  }

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pendingCalls.set(id, resolve);
        const refused = send({ type: 'call', id, method, params });
        if (refused) {
          pendingCalls.delete(id);
          resolve({ ok: false, error: refused });
        }
      });
    },
    subscribe(topic, params, onEvent, onEnd) {
      const id = nextId++;
      streams.set(id, { onEvent, onEnd });
      const refused = send({ type: 'subscribe', id, topic, params });
      if (refused) {
        streams.delete(id);
        queueMicrotask(() => onEnd?.(refused));
        return () => undefined;
      }
      return () => {
        if (streams.delete(id)) send({ type: 'unsubscribe', id });
      };
    },
  };
}

function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage blocked by the browser's settings
  }
}
