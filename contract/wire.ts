import { z } from 'zod';

/**
 * Envelope of every message on the browser-mode WebSocket (and, minus ids, on Electron IPC).
 * Client → core: call | subscribe | unsubscribe. Core → client: reply | event | subscription end.
 */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int().nonnegative(), method: z.string().max(100), params: z.unknown() }),
  z.object({ type: z.literal('subscribe'), id: z.number().int().nonnegative(), topic: z.string().max(100), params: z.unknown() }),
  z.object({ type: z.literal('unsubscribe'), id: z.number().int().nonnegative() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const AppErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reply'),
    id: z.number().int(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: AppErrorSchema }),
    ]),
  }),
  z.object({ type: z.literal('event'), id: z.number().int(), data: z.unknown() }),
  z.object({ type: z.literal('end'), id: z.number().int(), error: AppErrorSchema.optional() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Largest message either side accepts; anything bigger is refused before parsing. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Browser mode's WebSocket subprotocols: the page offers [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]; the server
 * answers with API_PROTOCOL (never echoing the token). See core/server/auth.ts.
 */
export const API_PROTOCOL = 'llem-studio';
export const TOKEN_PROTOCOL_PREFIX = 'llem-token.';
