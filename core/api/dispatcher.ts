import {
  apiMethods,
  apiSubscriptions,
  isMethodName,
  isSubscriptionName,
  type ApiMethods,
  type ApiSubscriptions,
  type MethodName,
  type MethodResult,
  type SubscriptionEvent,
  type SubscriptionName,
} from '../../contract/api';
import { err, ok, type Result } from '../../contract/result';
import type { z } from 'zod';

export type MethodHandlers = {
  [M in MethodName]: (params: z.output<ApiMethods[M]['params']>) => Promise<Result<MethodResult<M>>>;
};

/** Starts a stream; returns the function that stops it. */
export type SubscriptionHandlers = {
  [S in SubscriptionName]: (
    params: z.output<ApiSubscriptions[S]['params']>,
    emit: (event: SubscriptionEvent<S>) => void,
  ) => () => void;
};

export interface Dispatcher {
  call(method: string, params: unknown): Promise<Result<unknown>>;
  /**
   * `end` (optional): called when the stream ends on its own with an error. The desktop shell's core client uses
   * it when the core process dies; this in-process dispatcher never ends a stream by itself.
   */
  subscribe(topic: string, params: unknown, emit: (event: unknown) => void, end?: (error: { code: string; message: string }) => void): Result<() => void>;
}

function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

/**
 * The single entry point both transports use. It refuses names that are not in the contract, validates
 * params before a handler sees them and results before the UI sees them, and turns every thrown error into
 * data so that a bug in one handler never takes a transport down.
 */
export function createDispatcher(
  methods: MethodHandlers,
  subscriptions: SubscriptionHandlers,
  log: (message: string) => void = (m) => console.error(m),
): Dispatcher {
  return {
    async call(method, params) {
      if (!isMethodName(method)) return err('unknown_method', `Unknown API method "${method}".`);
      const spec = apiMethods[method];
      const parsed = spec.params.safeParse(params ?? {});
      if (!parsed.success) {
        return err('invalid_params', `Invalid parameters for ${method}.`, { issues: zodIssues(parsed.error) });
      }
      try {
        const handler = methods[method] as (p: unknown) => Promise<Result<unknown>>;
        const result = await handler(parsed.data);
        if (!result.ok) return result;
        const checked = spec.result.safeParse(result.value);
        if (!checked.success) {
          log(`API ${method} produced an invalid result: ${JSON.stringify(zodIssues(checked.error))}`);
          return err('internal', `llem Studio produced an invalid answer to ${method}; see the log.`);
        }
        return ok(checked.data);
      } catch (e) {
        log(`API ${method} failed: ${(e as Error).stack ?? String(e)}`);
        return err('internal', `${method} failed: ${(e as Error).message}`);
      }
    },
    subscribe(topic, params, emit) {
      if (!isSubscriptionName(topic)) return err('unknown_subscription', `Unknown subscription "${topic}".`);
      const spec = apiSubscriptions[topic];
      const parsed = spec.params.safeParse(params ?? {});
      if (!parsed.success) {
        return err('invalid_params', `Invalid parameters for ${topic}.`, { issues: zodIssues(parsed.error) });
      }
      try {
        const start = subscriptions[topic] as (p: unknown, e: (event: unknown) => void) => () => void;
        return ok(start(parsed.data, emit));
      } catch (e) {
        log(`Subscription ${topic} failed: ${(e as Error).stack ?? String(e)}`);
        return err('internal', `${topic} failed: ${(e as Error).message}`);
      }
    },
  };
}
