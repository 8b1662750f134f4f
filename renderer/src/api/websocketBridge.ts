import type { LlemBridge } from '../../../contract/bridge';
import type { Result } from '../../../contract/result';
import { ServerMessageSchema, type ClientMessage } from '../../../contract/wire';

const API_PATH = '/api';

/**
 * Browser-mode transport: one WebSocket to the loopback server (the session cookie set on first load
 * authenticates it). Calls made before the socket opens are queued; if the socket drops, pending calls
 * fail with a clear error and the next call reconnects.
 */
export function createWebSocketBridge(location: Location = window.location): LlemBridge {
  let socket: WebSocket | null = null;
  let nextId = 1;
  const pendingCalls = new Map<number, (result: Result<unknown>) => void>();
  const streams = new Map<number, { onEvent: (data: unknown) => void; onEnd?: (error?: { code: string; message: string }) => void }>();
  const outbox: ClientMessage[] = [];

  function connect(): WebSocket {
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) return socket;
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API_PATH}`);
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

  function send(message: ClientMessage): void {
    const ws = connect();
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    else outbox.push(message);
  }

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pendingCalls.set(id, resolve);
        send({ type: 'call', id, method, params });
      });
    },
    subscribe(topic, params, onEvent, onEnd) {
      const id = nextId++;
      streams.set(id, { onEvent, onEnd });
      send({ type: 'subscribe', id, topic, params });
      return () => {
        if (streams.delete(id)) send({ type: 'unsubscribe', id });
      };
    },
  };
}
