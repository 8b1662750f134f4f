import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MethodName, MethodParams, MethodResult } from '../../../../contract/api';
import type { AppError } from '../../../../contract/result';
import { startCore, type Core } from '../../../../core/startCore';

/** A core on a fresh data directory, called through the real dispatcher (params and results validated). */
export function startTestCore(): { core: Core; dataDir: string; call: TypedCall; stop: () => void } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-results-api-'));
  const started = startCore({ dataDir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  const core = started.value;
  // The dispatcher answers `unknown`; it has validated the value against the method's result schema.
  const call = ((method: string, params: unknown) => core.dispatcher.call(method, params)) as TypedCall;
  return {
    core,
    dataDir,
    call,
    stop: () => {
      core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type TypedCall = <M extends MethodName>(
  method: M,
  params: MethodParams<M> | Record<string, unknown>,
) => Promise<{ ok: true; value: MethodResult<M> } | { ok: false; error: AppError }>;

/** Unwraps an ok result or fails the test with the error message. */
export function value<T>(r: { ok: true; value: T } | { ok: false; error: AppError }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message} ${JSON.stringify(r.error.issues ?? [])}`);
  return r.value;
}

/** Unwraps an error result or fails the test. */
export function failure(r: { ok: true; value: unknown } | { ok: false; error: AppError }): AppError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 300)}`);
  return r.error;
}
