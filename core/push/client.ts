import type { AppError } from '../../contract/result';
import { IngestErrorSchema, SubmissionAcceptedSchema, type PreparedSubmission, type SubmissionAccepted } from './submission';
import { redactCredentials } from './redact';

/**
 * The ingest client: one submission, POSTed with retries. Retried: 429 (after Retry-After), 5xx except
 * 501/505, network errors and timeouts — safe because the Idempotency-Key makes a repeat a duplicate.
 * Never retried: 400, 401, 403, 409, 413, other statuses, and a 2xx whose body cannot be verified.
 * A submission counts as accepted only on 201/200 with a well-formed body that confirms the entry count.
 * The token goes into the Authorization header and nowhere else: not in errors, not in progress events.
 */

export interface PushClientOptions {
  /** Per attempt, covering connect, headers and body (default 30 s). */
  timeoutMs?: number;
  /** Attempts in total, first included (default 5). */
  maxAttempts?: number;
  /** Backoff before retry n: random in [d/2, d] with d = min(maxDelayMs, baseDelayMs · 2^(n−1)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the push stops and says when to try again (default 120 s). */
  maxRetryAfterMs?: number;
  /** Largest body sent (default 10,000,000 bytes). */
  maxBodyBytes?: number;
  /** Largest response read (default 1 MiB); more is an error, never buffered. */
  maxResponseBytes?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  /** Progress, one call per attempt (no token, no body). */
  onAttempt?: (event: AttemptEvent) => void;
}

export interface AttemptEvent {
  attempt: number;
  /** HTTP status, or null for a network error / timeout. */
  status: number | null;
  /** What went wrong, when something did. */
  problem?: string;
  /** Wait before the next attempt, when there is one. */
  retryInMs?: number;
}

export interface PushAccepted extends SubmissionAccepted {
  httpStatus: 200 | 201;
  attempts: number;
}

export interface PushError extends AppError {
  httpStatus: number | null;
  attempts: number;
}

export type PushOutcome = { ok: true; value: PushAccepted } | { ok: false; error: PushError };

const DEFAULTS = {
  timeoutMs: 30_000,
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  maxBodyBytes: 10_000_000,
  maxResponseBytes: 1_048_576,
};

/** The largest body a push sends (bytes), unless a caller sets maxBodyBytes. */
export const DEFAULT_MAX_BODY_BYTES = DEFAULTS.maxBodyBytes;

const SAFE_TO_REPEAT = ' Nothing was marked as pushed; pushing again is safe (the Idempotency-Key makes a repeat a duplicate).';

type AttemptResult =
  | { kind: 'accepted'; value: SubmissionAccepted; httpStatus: 200 | 201 }
  | { kind: 'retry'; problem: string; httpStatus: number | null; retryAfterMs?: number }
  | { kind: 'fail'; error: Omit<PushError, 'attempts'> };

/**
 * Sends one submission (retrying what is safe to retry). Every message it returns or reports — built from what the
 * platform answered — has the token and anything that looks like a credential removed (core/push/redact.ts).
 */
export async function sendSubmission(endpointUrl: string, token: string, submission: PreparedSubmission, options: PushClientOptions = {}): Promise<PushOutcome> {
  const redact = (text: string) => redactCredentials(text, [token]);
  const onAttempt = options.onAttempt;
  const outcome = await sendUnredacted(endpointUrl, token, submission, {
    ...options,
    ...(onAttempt ? { onAttempt: (a: Parameters<typeof onAttempt>[0]) => onAttempt(a.problem === undefined ? a : { ...a, problem: redact(a.problem) }) } : {}),
  });
  if (outcome.ok) return outcome;
  const { issues, ...error } = outcome.error;
  return {
    ok: false,
    error: {
      ...error,
      message: redact(error.message),
      ...(issues ? { issues: issues.map((i) => ({ path: redact(i.path), message: redact(i.message) })) } : {}),
    },
  };
}

async function sendUnredacted(endpointUrl: string, token: string, submission: PreparedSubmission, options: PushClientOptions): Promise<PushOutcome> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    return failure({ code: 'invalid_token', message: 'The token is empty or has spaces or control characters; check LLEM_STUDIO_TOKEN or the stored token', httpStatus: null }, 0);
  }
  if (submission.bytes > o.maxBodyBytes) {
    return failure(
      { code: 'body_too_large', message: `The submission is ${submission.bytes} bytes, over the ${o.maxBodyBytes}-byte limit; push fewer campaigns (--campaign ID)`, httpStatus: null },
      0,
    );
  }
  let last: { problem: string; httpStatus: number | null } = { problem: 'no attempt made', httpStatus: null };
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    const result = await attemptOnce(doFetch, endpointUrl, token, submission, o);
    if (result.kind === 'accepted') {
      options.onAttempt?.({ attempt, status: result.httpStatus });
      return { ok: true, value: { ...result.value, httpStatus: result.httpStatus, attempts: attempt } };
    }
    if (result.kind === 'fail') {
      options.onAttempt?.({ attempt, status: result.error.httpStatus, problem: result.error.message });
      return failure(result.error, attempt);
    }
    last = { problem: result.problem, httpStatus: result.httpStatus };
    if (attempt === o.maxAttempts) {
      options.onAttempt?.({ attempt, status: result.httpStatus, problem: result.problem });
      break;
    }
    let delay: number;
    if (result.retryAfterMs !== undefined) {
      if (result.retryAfterMs > o.maxRetryAfterMs) {
        options.onAttempt?.({ attempt, status: result.httpStatus, problem: result.problem });
        return failure(
          {
            code: 'rate_limited',
            message: `The platform asked to wait ${Math.ceil(result.retryAfterMs / 1000)} s before trying again (more than the ${Math.ceil(o.maxRetryAfterMs / 1000)} s this push waits).${SAFE_TO_REPEAT}`,
            httpStatus: result.httpStatus,
          },
          attempt,
        );
      }
      delay = result.retryAfterMs;
    } else {
      const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
      delay = cap / 2 + random() * (cap / 2);
    }
    options.onAttempt?.({ attempt, status: result.httpStatus, problem: result.problem, retryInMs: Math.round(delay) });
    await sleep(delay);
  }
  return failure(
    {
      code: last.httpStatus === null ? 'network_error' : 'server_error',
      message: `Gave up after ${o.maxAttempts} attempt${o.maxAttempts === 1 ? '' : 's'}; last: ${last.problem}.${SAFE_TO_REPEAT}`,
      httpStatus: last.httpStatus,
    },
    o.maxAttempts,
  );
}

async function attemptOnce(
  doFetch: typeof fetch,
  url: string,
  token: string,
  submission: PreparedSubmission,
  o: typeof DEFAULTS,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), o.timeoutMs);
  try {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          Authorization: `Bearer ${token}`,
          'Idempotency-Key': submission.idempotencyKey,
        },
        body: submission.body,
        // A redirect could carry the token to another host; the URL must be the real endpoint.
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      return { kind: 'retry', problem: controller.signal.aborted ? `no answer within ${o.timeoutMs} ms` : `network error (${networkReason(e)})`, httpStatus: null };
    }
    const status = res.status;
    const raw = await readLimited(res, o.maxResponseBytes, controller.signal);
    // Redacted before anything is parsed or truncated: a token cut in half would escape the later pass.
    const body: Body = raw.kind === 'ok' ? { kind: 'ok', text: redactCredentials(raw.text, [token]) } : raw;
    if (body.kind === 'timeout') {
      // Headers came, the body did not finish: for 2xx the server may have accepted — a repeat is a duplicate.
      return { kind: 'retry', problem: `HTTP ${status}, but the response body did not finish within ${o.timeoutMs} ms`, httpStatus: status };
    }
    if (status === 201 || status === 200) return accepted(res, status, body, submission);
    if (status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505)) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return {
        kind: 'retry',
        problem: `HTTP ${status}${describeError(res, body)}`,
        httpStatus: status,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    return { kind: 'fail', error: statusError(res, status, body) };
  } finally {
    clearTimeout(timer);
  }
}

type Body = { kind: 'ok'; text: string } | { kind: 'too_large' } | { kind: 'timeout' } | { kind: 'unreadable'; reason: string };

export async function readLimited(res: Response, max: number, signal: AbortSignal): Promise<Body> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return { kind: 'too_large' };
  }
  if (!res.body) return { kind: 'ok', text: '' };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        return { kind: 'too_large' };
      }
      chunks.push(value);
    }
  } catch (e) {
    return signal.aborted ? { kind: 'timeout' } : { kind: 'unreadable', reason: networkReason(e) };
  }
  try {
    return { kind: 'ok', text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { kind: 'unreadable', reason: 'not UTF-8' };
  }
}

function accepted(res: Response, status: 200 | 201, body: Body, submission: PreparedSubmission): AttemptResult {
  const bad = (why: string): AttemptResult => ({
    kind: 'fail',
    error: { code: 'bad_response', message: `The platform answered HTTP ${status} but ${why}, so the push cannot be confirmed.${SAFE_TO_REPEAT}`, httpStatus: status },
  });
  if (body.kind === 'too_large') return bad('the response was larger than allowed');
  if (body.kind === 'unreadable') return bad(`the response could not be read (${body.reason})`);
  if (body.kind !== 'ok') return bad('the response did not finish');
  if (!isJson(res)) return bad(`the response is ${quote(res.headers.get('content-type') ?? 'without a content type')}, not JSON`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return bad('the response is not valid JSON');
  }
  const checked = SubmissionAcceptedSchema.safeParse(parsed);
  if (!checked.success) return bad(`the response does not match the contract (${checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  if ((status === 201) !== (checked.data.status === 'created')) return bad(`the response says "${checked.data.status}"`);
  if (checked.data.entries !== submission.entries) {
    return bad(`it reports ${checked.data.entries} entries where ${submission.entries} were sent`);
  }
  return { kind: 'accepted', value: checked.data, httpStatus: status };
}

function statusError(res: Response, status: number, body: Body): Omit<PushError, 'attempts'> {
  const detail = describeError(res, body);
  const fields = body.kind === 'ok' && isJson(res) ? parseError(body.text)?.fields : undefined;
  const withFields = fields && fields.length > 0 ? { issues: fields.map((f) => ({ path: clean(f.path, 300), message: clean(f.message, 500) })) } : {};
  switch (status) {
    case 400:
      return { code: 'rejected', message: `The platform rejected the submission (HTTP 400)${detail}`, httpStatus: status, ...withFields };
    case 401:
      return { code: 'unauthorized', message: `The platform refused the token (HTTP 401)${detail}. Set LLEM_STUDIO_TOKEN or store a new token.`, httpStatus: status };
    case 403:
      return { code: 'forbidden', message: `The token may not submit here (HTTP 403)${detail}`, httpStatus: status };
    case 409:
      return { code: 'conflict', message: `The platform reports a conflict (HTTP 409)${detail}`, httpStatus: status };
    case 413:
      return { code: 'too_large', message: `The platform refused the submission as too large (HTTP 413)${detail}; push fewer campaigns (--campaign ID)`, httpStatus: status };
    default:
      if (status >= 300 && status < 400) {
        return { code: 'redirected', message: `The platform answered with a redirect (HTTP ${status}) to ${quote(redactCredentials(res.headers.get('location') ?? '?'))}; use the final URL (the token is never sent to a redirect)`, httpStatus: status };
      }
      return { code: 'unexpected_status', message: `Unexpected answer from the platform: HTTP ${status}${detail}`, httpStatus: status };
  }
}

/** ": <message>" from a contract error body, else a hint of what came back. */
function describeError(res: Response, body: Body): string {
  if (body.kind === 'too_large') return ' (response too large to read)';
  if (body.kind !== 'ok' || body.text === '') return '';
  if (isJson(res)) {
    const e = parseError(body.text);
    if (e) return `: ${clean(e.message, 500)}`;
  }
  return ` (${clean(res.headers.get('content-type') ?? 'no content type', 80)} body, not the contract's JSON error)`;
}

export function parseError(text: string): { message: string; fields?: { path: string; message: string }[] } | null {
  try {
    const r = IngestErrorSchema.safeParse(JSON.parse(text));
    return r.success ? r.data.error : null;
  } catch {
    return null;
  }
}

export function isJson(res: Response): boolean {
  const ct = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return ct === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(ct);
}

/** Retry-After: delta-seconds or an HTTP date; anything else is ignored (plain backoff). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
    const at = Date.parse(v);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return undefined;
}

export function networkReason(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return clean(err.cause?.code ?? err.cause?.message ?? err.message ?? String(e), 200);
}

/** Server text shown to the user: printable, bounded, one line (no terminal escapes). */
export function clean(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

function quote(text: string): string {
  return `"${clean(text, 120)}"`;
}

function failure(error: Omit<PushError, 'attempts'>, attempts: number): PushOutcome {
  return { ok: false, error: { ...error, attempts } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
