/**
 * The one shape every fallible operation returns across a boundary (store calls, API calls, IPC):
 * errors are data, never thrown across a process or module edge.
 */
export interface AppError {
  /** Stable machine-readable code, e.g. `invalid_input`, `not_found`, `db_error`. */
  code: string;
  /** Plain-language message a user can act on. */
  message: string;
  /** Where the problem is: a field path (`sweep.pytorch.batch_size[2]`) or a file path. */
  path?: string;
  /** Optional list of individual problems (one per invalid field). */
  issues?: { path: string; message: string }[];
}

export type Result<T, E = AppError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function err(code: string, message: string, extra: Omit<AppError, 'code' | 'message'> = {}): Result<never> {
  return { ok: false, error: { code, message, ...extra } };
}
