import type {
  MethodName,
  MethodParams,
  MethodResult,
  SubscriptionEvent,
  SubscriptionName,
  SubscriptionParams,
} from '../../../contract/api';
import type { LlemBridge } from '../../../contract/bridge';
import type { Result } from '../../../contract/result';
import { createWebSocketBridge } from './websocketBridge';

declare global {
  interface Window {
    /** Present only inside the Electron app (preload's contextBridge). */
    llem?: LlemBridge;
  }
}

/** The typed API the pages use. One interface; the transport is chosen once at start-up. */
export interface ApiClient {
  transport: 'electron' | 'websocket';
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<Result<MethodResult<M>>>;
  subscribe<S extends SubscriptionName>(
    topic: S,
    params: SubscriptionParams<S>,
    onEvent: (event: SubscriptionEvent<S>) => void,
    onEnd?: (error?: { code: string; message: string }) => void,
  ): () => void;
}

export function createApiClient(bridge: LlemBridge | undefined = window.llem): ApiClient {
  const transport = bridge ?? createWebSocketBridge();
  return {
    transport: bridge ? 'electron' : 'websocket',
    call: (method, params) => transport.call(method, params) as Promise<Result<never>>,
    subscribe: (topic, params, onEvent, onEnd) => transport.subscribe(topic, params, onEvent as (data: unknown) => void, onEnd),
  };
}
