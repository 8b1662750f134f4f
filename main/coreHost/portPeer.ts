import { z } from 'zod';
import { err, type Result } from '../../contract/result';

/*
 * Request/answer and one-way notes over a MessagePort, the same in both directions: the shell's main process
 * and the core's utility process each hold one end. Every request gets exactly one Result back — an error
 * Result when the handler throws, when the op is unknown, or when the other end goes away (`failPending`) —
 * so a caller never waits forever and never sees a rejected promise.
 */

/** The part of a MessagePort both ends use; Electron's MessagePortMain and Node's MessagePort are adapted to it. */
export interface PortLike {
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  close(): void;
}

const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }).passthrough() }),
]);

/** What crosses the port, checked on arrival (a process boundary). */
const EnvelopeSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.number().int().nonnegative(), op: z.string().max(100), args: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int().nonnegative(), result: ResultSchema }),
  z.object({ t: z.literal('note'), topic: z.string().max(100), data: z.unknown() }),
]);

export type RequestHandler = (args: unknown) => Promise<Result<unknown>> | Result<unknown>;

export interface PortPeer {
  request(op: string, args?: unknown): Promise<Result<unknown>>;
  notify(topic: string, data: unknown): void;
  handle(op: string, handler: RequestHandler): void;
  onNote(topic: string, listener: (data: unknown) => void): void;
  /** Answers every request still waiting with `error` (the other end died) and refuses new ones with it. */
  failPending(error: { code: string; message: string }): void;
}

export function createPortPeer(port: PortLike, log: (message: string) => void = (m) => console.error(m)): PortPeer {
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const handlers = new Map<string, RequestHandler>();
  const noteListeners = new Map<string, Set<(data: unknown) => void>>();
  let closedWith: { code: string; message: string } | null = null;

  const post = (message: unknown) => {
    try {
      port.postMessage(message);
    } catch (e) {
      log(`llem Studio: a message to the other process could not be sent: ${(e as Error).message}`);
    }
  };

  const answer = async (id: number, op: string, args: unknown) => {
    const handler = handlers.get(op);
    let result: Result<unknown>;
    if (!handler) result = err('unknown_op', `The other process does not handle "${op}".`);
    else {
      try {
        result = await handler(args);
      } catch (e) {
        log(`llem Studio: ${op} failed: ${(e as Error).stack ?? String(e)}`);
        result = err('internal', `${op} failed: ${(e as Error).message}`);
      }
    }
    post({ t: 'res', id, result });
  };

  port.onMessage((raw) => {
    const parsed = EnvelopeSchema.safeParse(raw);
    if (!parsed.success) {
      log(`llem Studio: ignored a malformed message from the other process (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    const message = parsed.data;
    if (message.t === 'req') void answer(message.id, message.op, message.args);
    else if (message.t === 'res') {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.result as Result<unknown>);
    } else {
      for (const listener of noteListeners.get(message.topic) ?? []) {
        try {
          listener(message.data);
        } catch (e) {
          log(`llem Studio: a ${message.topic} listener failed: ${(e as Error).message}`);
        }
      }
    }
  });

  return {
    request(op, args) {
      if (closedWith) return Promise.resolve(err(closedWith.code, closedWith.message));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        post({ t: 'req', id, op, args });
      });
    },
    notify: (topic, data) => post({ t: 'note', topic, data }),
    handle: (op, handler) => void handlers.set(op, handler),
    onNote(topic, listener) {
      let set = noteListeners.get(topic);
      if (!set) noteListeners.set(topic, (set = new Set()));
      set.add(listener);
    },
    failPending(error) {
      closedWith = error;
      for (const resolve of pending.values()) resolve(err(error.code, error.message));
      pending.clear();
    },
  };
}
