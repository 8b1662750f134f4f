import type { RawData, WebSocket } from 'ws';
import { ClientMessageSchema, type ServerMessage } from '../../contract/wire';
import type { Dispatcher } from '../api/dispatcher';

/**
 * Per-connection limits (issue #15, finding 6). A client that stops reading must not make the server buffer
 * replies without bound: past MAX_IN_FLIGHT_CALLS unanswered calls or FLOW_HIGH_WATER_BYTES of unsent replies the
 * server stops reading the socket (TCP then pushes back on the client); past MAX_BUFFERED_BYTES of unsent
 * replies the client is dropped.
 */
export const SESSION_LIMITS = {
  maxInFlightCalls: 32,
  flowHighWaterBytes: 8 * 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
} as const;

export interface SessionLimits {
  maxInFlightCalls: number;
  flowHighWaterBytes: number;
  maxBufferedBytes: number;
}

/** One API session per socket: calls answered in any order, subscriptions stopped when the socket goes. */
export function serveApiSession(ws: WebSocket, dispatcher: Dispatcher, limits: SessionLimits = SESSION_LIMITS): void {
  const subscriptions = new Map<number, () => void>();
  /** Messages that arrived after reading was paused (at most what the socket had already delivered). */
  const waiting: { raw: RawData; isBinary: boolean }[] = [];
  let inFlight = 0;

  // A malformed frame (bad UTF-8, a reserved opcode, a message over maxPayload) or a reset connection is an
  // 'error' on the socket: without this listener it would be an uncaught exception that kills `serve`.
  // ws closes the connection itself after emitting it; terminate() makes sure of it.
  ws.on('error', () => ws.terminate());

  const overloaded = () => inFlight >= limits.maxInFlightCalls || ws.bufferedAmount > limits.flowHighWaterBytes;

  function updateFlow(): void {
    if (ws.readyState !== ws.OPEN) return;
    if (overloaded()) {
      if (!ws.isPaused) ws.pause();
      return;
    }
    while (waiting.length > 0 && !overloaded()) {
      const next = waiting.shift()!;
      handle(next.raw, next.isBinary);
    }
    if (!overloaded() && ws.isPaused) ws.resume();
  }

  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(message), () => updateFlow());
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      ws.terminate(); // a client this far behind is not reading: drop it rather than hold its replies
      return;
    }
    updateFlow();
  };
  const badMessage = (message: string) => send({ type: 'end', id: -1, error: { code: 'bad_message', message } });

  function handle(raw: RawData, isBinary: boolean): void {
    if (isBinary) return badMessage('Binary messages are not accepted.');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return badMessage('The message is not valid JSON.');
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) return badMessage('The message does not follow the API envelope.');
    const message = parsed.data;
    switch (message.type) {
      case 'call':
        inFlight++;
        dispatcher
          .call(message.method, message.params)
          .then(
            (result) => result,
            (e: unknown) => ({ ok: false as const, error: { code: 'internal', message: `The call failed: ${(e as Error)?.message ?? String(e)}` } }),
          )
          .then((result) => {
            inFlight--;
            send({ type: 'reply', id: message.id, result });
            updateFlow();
          });
        return;
      case 'subscribe': {
        if (subscriptions.has(message.id)) {
          return send({ type: 'end', id: message.id, error: { code: 'duplicate_id', message: 'Subscription id already in use.' } });
        }
        const started = dispatcher.subscribe(message.topic, message.params, (data) => send({ type: 'event', id: message.id, data }));
        if (!started.ok) return send({ type: 'end', id: message.id, error: started.error });
        subscriptions.set(message.id, started.value);
        return;
      }
      case 'unsubscribe': {
        subscriptions.get(message.id)?.();
        subscriptions.delete(message.id);
        return send({ type: 'end', id: message.id });
      }
    }
  }

  ws.on('message', (raw, isBinary) => {
    if (waiting.length > 0 || overloaded()) {
      waiting.push({ raw, isBinary });
      if (!ws.isPaused) ws.pause();
      return;
    }
    handle(raw, isBinary);
  });

  ws.on('close', () => {
    waiting.length = 0;
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
}
