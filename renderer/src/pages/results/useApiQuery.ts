import { useEffect, useState } from 'react';
import type { MethodName, MethodParams, MethodResult } from '../../../../contract/api';
import type { AppError } from '../../../../contract/result';
import { useApi } from '../../api/ApiContext';

export interface Query<T> {
  data: T | null;
  error: AppError | null;
  loading: boolean;
}

/**
 * Calls one API method whenever its params (compared as JSON) or `refreshKey` change; a newer call
 * wins over an older one that answers late. `params = null` means "do not ask".
 */
export function useApiQuery<M extends MethodName>(method: M, params: MethodParams<M> | null, refreshKey = 0): Query<MethodResult<M>> {
  const api = useApi();
  const [state, setState] = useState<Query<MethodResult<M>>>({ data: null, error: null, loading: params !== null });
  const key = params === null ? null : JSON.stringify(params);

  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    api.call(method, JSON.parse(key) as MethodParams<M>).then(
      (result) => {
        if (!current) return;
        setState(result.ok ? { data: result.value, error: null, loading: false } : { data: null, error: result.error, loading: false });
      },
      (e: unknown) => {
        if (current) setState({ data: null, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) }, loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [api, method, key, refreshKey]);

  return state;
}
