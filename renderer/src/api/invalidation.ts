import type { MethodName } from '../../../contract/api';

/**
 * Which answers are stale. A mutation names the query methods it changes (`runs.control` → `runs.campaign`,
 * `runs.campaigns`); every mounted query of those methods asks again. One bus per API client, so two windows or
 * tests do not refresh each other. Plain TypeScript: tested without React.
 */
export interface InvalidationBus {
  /** Calls `listener` whenever `method` is invalidated; returns the unsubscribe. */
  listen(method: MethodName, listener: () => void): () => void;
  invalidate(methods: readonly MethodName[]): void;
}

export function createInvalidationBus(): InvalidationBus {
  const listeners = new Map<MethodName, Set<() => void>>();
  return {
    listen(method, listener) {
      let set = listeners.get(method);
      if (!set) listeners.set(method, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    invalidate(methods) {
      // Copied first: a listener that re-renders may unsubscribe and subscribe again while we iterate.
      for (const method of new Set(methods)) for (const listener of [...(listeners.get(method) ?? [])]) listener();
    },
  };
}

const buses = new WeakMap<object, InvalidationBus>();

/** The bus of one API client (created on first use). */
export function invalidationBusFor(client: object): InvalidationBus {
  let bus = buses.get(client);
  if (!bus) buses.set(client, (bus = createInvalidationBus()));
  return bus;
}
