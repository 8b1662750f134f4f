import type { MethodName, MethodParams } from '../../../contract/api';
import type { Result } from '../../../contract/result';
import type { ApiClient } from './client';

/** An early answer is used only by a call made this soon after it was asked for; a later call asks again. */
const EARLY_ANSWER_TTL_MS = 10_000;

export interface EarlyCalls {
  /** The client the app uses: a call identical to an early one (method and params) takes its answer, once. */
  client: ApiClient;
  /** Sends a call now, before the page that needs it has rendered; that page's own identical call gets this answer. */
  callEarly<M extends MethodName>(method: M, params: MethodParams<M>): void;
}

/**
 * Lets start-up ask for the first page's read-only data before React, the UI library and the page have been
 * evaluated and rendered, instead of from the page's effects after its first frame (issue #6: interactive ≤ 1 s
 * after load). The requests, and what the page does with the answers, stay the same: the page's own identical call
 * (same method, same params) takes the early answer, once; every other call goes through as before.
 */
export function withEarlyCalls(inner: ApiClient, now: () => number = Date.now): EarlyCalls {
  const early = new Map<string, { answer: Promise<Result<unknown>>; at: number }>();
  const keyOf = (method: string, params: unknown) => `${method}\n${JSON.stringify(params)}`;
  return {
    client: {
      transport: inner.transport,
      subscribe: inner.subscribe,
      call(method, params) {
        const key = keyOf(method, params);
        const hit = early.get(key);
        if (hit) {
          early.delete(key);
          // Same method and params as the early call, so the same result type.
          if (now() - hit.at <= EARLY_ANSWER_TTL_MS) return hit.answer as Promise<Result<never>>;
        }
        return inner.call(method, params);
      },
    },
    callEarly(method, params) {
      early.set(keyOf(method, params), { answer: inner.call(method, params), at: now() });
    },
  };
}
