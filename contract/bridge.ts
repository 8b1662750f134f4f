import type { Result } from './result';

/**
 * What the UI needs from a transport. Electron's preload exposes exactly this as `window.llem`;
 * browser mode implements it over the WebSocket. Validation happens in the core; the typed client
 * (renderer/src/api/client.ts) adds the method/result types on top.
 */
export interface LlemBridge {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  /** Returns a function that ends the subscription. `onEnd` fires when the core ends it (or refuses it). */
  subscribe(
    topic: string,
    params: unknown,
    onEvent: (data: unknown) => void,
    onEnd?: (error?: { code: string; message: string }) => void,
  ): () => void;
}
