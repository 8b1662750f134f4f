import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodName, MethodParams, MethodResult } from '../../../contract/api';
import type { AppError, Result } from '../../../contract/result';
import { useApi } from './ApiContext';
import { invalidationBusFor } from './invalidation';

/**
 * The renderer's data layer: one hook to read (`useQuery`) and one to change (`useMutation`), joined by
 * invalidation (renderer/src/api/invalidation.ts) so that a page never shows an answer its own action made stale.
 */
export interface QueryState<T> {
  data: T | null;
  error: AppError | null;
  loading: boolean;
  /** Asks again now (keeps the old data on screen until the answer arrives). */
  refetch: () => void;
}

function thrownError(e: unknown): AppError {
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Calls `method` with `params` (compared as JSON) and again whenever the method is invalidated or `refetch` is
 * called; a newer call wins over an older one that answers late. `params = null` means "do not ask".
 */
export function useQuery<M extends MethodName>(method: M, params: MethodParams<M> | null): QueryState<MethodResult<M>> {
  const api = useApi();
  const key = params === null ? null : JSON.stringify(params);
  const [version, setVersion] = useState(0);
  const [state, setState] = useState<Omit<QueryState<MethodResult<M>>, 'refetch'>>({ data: null, error: null, loading: key !== null });
  const refetch = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => invalidationBusFor(api).listen(method, refetch), [api, method, refetch]);

  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.call(method, JSON.parse(key) as MethodParams<M>).then(
      (result) => {
        if (current) setState(result.ok ? { data: result.value, error: null, loading: false } : { data: null, error: result.error, loading: false });
      },
      (e: unknown) => {
        if (current) setState({ data: null, error: thrownError(e), loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [api, method, key, version]);

  return { ...state, refetch };
}

export interface MutationState<M extends MethodName> {
  mutate: (params: MethodParams<M>) => Promise<Result<MethodResult<M>>>;
  pending: boolean;
  error: AppError | null;
  reset: () => void;
}

/** Calls a changing method; on success every mounted query of `invalidates` asks again. */
export function useMutation<M extends MethodName>(method: M, options: { invalidates: readonly MethodName[] }): MutationState<M> {
  const api = useApi();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const invalidates = useRef(options.invalidates);
  invalidates.current = options.invalidates;
  const mutate = useCallback(
    async (params: MethodParams<M>) => {
      setPending(true);
      setError(null);
      let result: Result<MethodResult<M>>;
      try {
        result = await api.call(method, params);
      } catch (e) {
        result = { ok: false, error: thrownError(e) };
      }
      setPending(false);
      if (result.ok) invalidationBusFor(api).invalidate(invalidates.current);
      else setError(result.error);
      return result;
    },
    [api, method],
  );
  return { mutate, pending, error, reset: useCallback(() => setError(null), []) };
}

/** Marks methods stale from outside a mutation (a run event says the campaign changed). */
export function useInvalidate(): (methods: readonly MethodName[]) => void {
  const api = useApi();
  return useCallback((methods) => invalidationBusFor(api).invalidate(methods), [api]);
}
