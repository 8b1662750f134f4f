import { createHash } from 'node:crypto';
import type { ConnectionCheck, ConnectionTest } from '../../contract/apiPush';
import { clean, isJson, networkReason, parseError, readLimited } from './client';
import { redactCredentials } from './redact';

/**
 * "Test connection": does the platform URL answer as an ingest API, and does it accept the token — without submitting.
 *
 * The ingest contract (resources/openapi/ingest-v1.yaml) has one operation, POST /api/v1/submissions; there is no
 * health or "who am I" endpoint. So the test makes that one documented request with a body that is deliberately not
 * a submission (`{"format":"llem-studio-connection-test"}`, with its correct Idempotency-Key). A platform that follows
 * the contract checks the bearer token first (401/403), then refuses the body as invalid (400 with field errors):
 * a 400 in the contract's error format therefore means "reached, an ingest API, the token accepted", and an invalid
 * submission is never stored, so the test has no side effect there. Never retried (a test answers now or says why not);
 * nothing is written to the local push record.
 */

/** The fixed test body: canonical JSON, not a submission (wrong `format`, no entries). */
export const CONNECTION_TEST_BODY = '{"format":"llem-studio-connection-test","purpose":"checks the URL and token; not a submission"}';

export interface ConnectionTestOptions {
  /** One attempt, covering connect, headers and body (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

type Outcome = ConnectionCheck['outcome'];

function checks(reached: [Outcome, string], api: [Outcome, string], token: [Outcome, string], validates: [Outcome, string]): ConnectionCheck[] {
  return [
    { id: 'reached', label: 'The platform answers', outcome: reached[0], detail: reached[1] },
    { id: 'api', label: 'An ingest API is at this URL', outcome: api[0], detail: api[1] },
    { id: 'token', label: 'The token is accepted', outcome: token[0], detail: token[1] },
    { id: 'validates', label: 'Nothing was stored', outcome: validates[0], detail: validates[1] },
  ];
}

const UNKNOWN: [Outcome, string] = ['unknown', 'not checked: an earlier step failed'];

/** Tests `endpointUrl` with `token` (null: no token set, sent without Authorization — expect 401). */
export async function testIngestConnection(endpointUrl: string, token: string | null, options: ConnectionTestOptions = {}): Promise<ConnectionTest> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const host = new URL(endpointUrl).host;
  const redact = (text: string) => redactCredentials(text, token ? [token] : []);
  const request = { method: 'POST' as const, url: endpointUrl, body: CONNECTION_TEST_BODY, withToken: token !== null };
  const started = now();
  const done = (ok: boolean, message: string, list: ConnectionCheck[], httpStatus: number | null): ConnectionTest => ({
    ok,
    message: redact(message),
    checks: list.map((c) => ({ ...c, detail: redact(c.detail) })),
    httpStatus,
    request,
    elapsedMs: Math.max(0, Math.round(now() - started)),
  });

  if (token !== null && !/^[\x21-\x7e]{1,4096}$/.test(token)) {
    return done(false, 'The stored token has spaces or control characters; store it again on the Settings page.', checks(UNKNOWN, UNKNOWN, ['failed', 'malformed token, not sent'], UNKNOWN), null);
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let res: Response;
    try {
      res = await doFetch(endpointUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': createHash('sha256').update(CONNECTION_TEST_BODY, 'utf8').digest('hex'),
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: CONNECTION_TEST_BODY,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      const why = controller.signal.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : `network error (${networkReason(e)})`;
      return done(false, `Could not reach ${host}: ${why}. Check the URL, the network, or that the platform is running.`, checks(['failed', why], UNKNOWN, UNKNOWN, UNKNOWN), null);
    }
    const status = res.status;
    const raw = await readLimited(res, MAX_RESPONSE_BYTES, controller.signal);
    const text = raw.kind === 'ok' ? redact(raw.text) : null;
    const contractError = text !== null && isJson(res) ? parseError(text) : null;
    const said = contractError ? `: ${clean(contractError.message, 300)}` : '';
    const reached: [Outcome, string] = ['passed', `HTTP ${status} from ${host}`];
    const apiYes: [Outcome, string] = ['passed', 'answered in the ingest contract’s JSON error format'];
    const apiNo = (why: string): [Outcome, string] => ['failed', why];
    const notStored: [Outcome, string] = ['passed', 'the test body was refused, as a platform must refuse an invalid submission'];
    const list = (api: [Outcome, string], tok: [Outcome, string], validates: [Outcome, string]) => checks(reached, api, tok, validates);

    if (status >= 300 && status < 400) {
      const to = clean(redactCredentials(res.headers.get('location') ?? '?'), 120);
      return done(false, `${host} redirects (HTTP ${status}) to "${to}". Use the final URL in Settings: the token is never sent to a redirect.`, list(apiNo(`redirect to ${to}`), UNKNOWN, notStored), status);
    }
    if (status === 401) {
      const api = contractError ? apiYes : (['unknown', 'HTTP 401 without the contract’s JSON error'] as [Outcome, string]);
      return token === null
        ? done(false, `${host} answers, and wants a token: none is stored for it. Add the token the platform gave you in Settings.`, list(api, ['failed', 'no token set'], notStored), status)
        : done(false, `${host} refused the token (HTTP 401)${said}. Store the right token in Settings.`, list(api, ['failed', `HTTP 401${said}`], notStored), status);
    }
    if (status === 403) {
      return done(false, `${host} knows the token but it may not submit there (HTTP 403)${said}.`, list(contractError ? apiYes : ['unknown', 'HTTP 403'], ['failed', `HTTP 403${said}`], notStored), status);
    }
    if (status === 404 || status === 405) {
      return done(false, `There is no ingest API at ${endpointUrl} (HTTP ${status}). Check the platform URL in Settings.`, list(apiNo(`HTTP ${status}`), UNKNOWN, notStored), status);
    }
    if (status === 400) {
      if (!contractError) {
        return done(false, `${host} answered HTTP 400, but not in the ingest contract’s error format: this may not be an ingest API.`, list(apiNo('HTTP 400 without the contract’s JSON error'), ['unknown', 'cannot tell'], notStored), status);
      }
      if (token === null) {
        return done(false, `${host} is an ingest API, but it did not ask for a token; store one in Settings before pushing.`, list(apiYes, ['failed', 'no token set'], notStored), status);
      }
      return done(true, `Connected to ${host}: it accepted the token and refused the test body, as it should${said}. Nothing was submitted.`, list(apiYes, ['passed', 'not refused (a 400 comes after the token check)'], notStored), status);
    }
    if (status >= 200 && status < 300) {
      return done(
        false,
        `${host} answered HTTP ${status} to a body that is not a submission: it does not check submissions as the contract requires, so pushing there is not safe.`,
        list(['unknown', `HTTP ${status}`], ['unknown', 'cannot tell'], ['failed', `accepted an invalid body (HTTP ${status})`]),
        status,
      );
    }
    if (status === 429 || status >= 500) {
      return done(false, `${host} is busy or failing (HTTP ${status})${said}. Try again later.`, list(['unknown', `HTTP ${status}`], ['unknown', 'cannot tell'], notStored), status);
    }
    return done(false, `Unexpected answer from ${host}: HTTP ${status}${said}.`, list(['unknown', `HTTP ${status}`], ['unknown', 'cannot tell'], notStored), status);
  } finally {
    clearTimeout(timer);
  }
}
