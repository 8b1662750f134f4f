import { useCallback, useEffect, useState } from 'react';

/**
 * State kept in the URL's hash query (`#/runs/<id>?run=12`): it survives a reload, the back button closes what it
 * opened, and a link can point at it. Pure helpers below are tested on their own.
 */
export function readHashParam(hash: string, name: string): string | null {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  return new URLSearchParams(query).get(name);
}

export function writeHashParam(hash: string, name: string, value: string | null): string {
  const at = hash.indexOf('?');
  const path = at < 0 ? hash : hash.slice(0, at);
  const params = new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
  if (value === null) params.delete(name);
  else params.set(name, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function useHashParam(name: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState(() => readHashParam(window.location.hash, name));
  useEffect(() => {
    const onHash = () => setValue(readHashParam(window.location.hash, name));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [name]);
  const set = useCallback((next: string | null) => {
    window.location.hash = writeHashParam(window.location.hash || '#/', name, next);
  }, [name]);
  return [value, set];
}
