import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodName, MethodParams, MethodResult } from '../../../contract/api';
import type { AppError } from '../../../contract/result';
import { createDispatcher } from '../../../core/api/dispatcher';
import { createMethodHandlers, createSubscriptionHandlers } from '../../../core/api/handlers';
import { createPushHandlers } from '../../../core/api/pushHandlers';
import { SubmissionSchema } from '../../../core/push/index';
import { CONNECTION_TEST_BODY } from '../../../core/push/connectionTest';
import { startReferenceIngestServer, type ReferenceIngestServer } from '../../integration/share/referenceIngestServer';
import { failure, startTestCore, value } from './results/helpers';
import { CAMPAIGN_A, CAMPAIGN_B, seedAll } from '../share/seed';

/**
 * push.testConnection (core/push/connectionTest.ts) through the real dispatcher, against the reference ingest server on
 * 127.0.0.1 (real HTTP): what each answer of the platform means, that the test submits nothing (the server stores
 * nothing, the local push record stays empty), and that the token never appears in what comes back. Also: push.submit
 * with chosen campaigns sends only those campaigns' configurations.
 */

const TOKEN = 'test-token-abc123';

type TypedCall = <M extends MethodName>(
  method: M,
  params: MethodParams<M> | Record<string, unknown>,
) => Promise<{ ok: true; value: MethodResult<M> } | { ok: false; error: AppError }>;

let t: ReturnType<typeof startTestCore>;
let server: ReferenceIngestServer;
let call: TypedCall;

beforeEach(async () => {
  t = startTestCore();
  server = await startReferenceIngestServer({ tokens: [TOKEN] });
  const ctx = t.core.context;
  const dispatcher = createDispatcher(
    {
      ...createMethodHandlers(ctx),
      ...createPushHandlers(ctx, { client: { timeoutMs: 2000, maxAttempts: 1 }, connectionTest: { timeoutMs: 500 } }),
    },
    createSubscriptionHandlers(ctx),
    () => undefined,
  );
  call = ((method: string, params: unknown) => dispatcher.call(method, params)) as TypedCall;
});
afterEach(async () => {
  await server.close();
  t.stop();
});

async function configure(url: string, token?: string): Promise<void> {
  value(await call('settings.setPlatform', { url, ...(token ? { token } : {}) }));
}

const pushRecordRows = () =>
  (t.core.context.db.prepare('SELECT (SELECT COUNT(*) FROM push_submissions) + (SELECT COUNT(*) FROM push_attempts) AS n').get() as { n: number }).n;

const outcomes = (r: MethodResult<'push.testConnection'>) => Object.fromEntries(r.checks.map((c) => [c.id, c.outcome]));

describe('push.testConnection', () => {
  it('a right token: every check passes, one request with the fixed non-submission body, nothing stored anywhere', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    const r = value(await call('push.testConnection', {}));
    expect(r.ok).toBe(true);
    expect(outcomes(r)).toEqual({ reached: 'passed', api: 'passed', token: 'passed', validates: 'passed' });
    expect(r.httpStatus).toBe(400);
    expect(r.message).toContain(`Connected to ${new URL(server.url).host}`);
    expect(r.request).toEqual({ method: 'POST', url: `${server.url}/api/v1/submissions`, body: CONNECTION_TEST_BODY, withToken: true });

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v1/submissions');
    expect(req.body).toBe(CONNECTION_TEST_BODY);
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['idempotency-key']).toBe(createHash('sha256').update(CONNECTION_TEST_BODY).digest('hex'));
    // The body can never be mistaken for a submission, by this schema or any platform's.
    expect(SubmissionSchema.safeParse(JSON.parse(CONNECTION_TEST_BODY)).success).toBe(false);
    expect(server.accepted.size).toBe(0);
    expect(pushRecordRows()).toBe(0);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('a wrong token: the token check fails and the message says to store the right one', async () => {
    await configure(server.url, 'wrong-token-0987654321');
    const r = value(await call('push.testConnection', {}));
    expect(r.ok).toBe(false);
    expect(r.httpStatus).toBe(401);
    expect(outcomes(r)).toMatchObject({ reached: 'passed', api: 'passed', token: 'failed' });
    expect(r.message).toMatch(/refused the token \(HTTP 401\).*Settings/);
    expect(JSON.stringify(r)).not.toContain('wrong-token-0987654321');
    expect(pushRecordRows()).toBe(0);
  });

  it('no token stored: still tested (is the URL right?), sent without Authorization, and says a token is missing', async () => {
    await configure(server.url);
    const r = value(await call('push.testConnection', {}));
    expect(r.ok).toBe(false);
    expect(r.request.withToken).toBe(false);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(outcomes(r)).toMatchObject({ reached: 'passed', api: 'passed', token: 'failed' });
    expect(r.message).toContain('none is stored');
  });

  it('a URL with no ingest API behind it (404), a redirect, a busy platform and one that accepts anything are told apart', async () => {
    await configure(server.url, TOKEN);
    server.script.push({ kind: 'respond', status: 404, headers: { 'Content-Type': 'text/html' }, body: '<h1>Not found</h1>' });
    let r = value(await call('push.testConnection', {}));
    expect([r.ok, r.httpStatus, outcomes(r).api]).toEqual([false, 404, 'failed']);
    expect(r.message).toContain('no ingest API');

    server.script.push({ kind: 'respond', status: 301, headers: { Location: 'https://elsewhere.example/api' } });
    r = value(await call('push.testConnection', {}));
    expect([r.ok, r.httpStatus, outcomes(r).api]).toEqual([false, 301, 'failed']);
    expect(r.message).toContain('https://elsewhere.example/api');
    expect(server.requests).toHaveLength(2); // the redirect was not followed

    server.script.push({ kind: 'respond', status: 503, headers: { 'Content-Type': 'application/json' }, body: '{"error":{"code":"down","message":"maintenance"}}' });
    r = value(await call('push.testConnection', {}));
    expect([r.ok, r.httpStatus, outcomes(r).token]).toEqual([false, 503, 'unknown']);
    expect(r.message).toContain('maintenance');
    expect(server.requests).toHaveLength(3); // never retried

    server.script.push({ kind: 'respond', status: 201, headers: { 'Content-Type': 'application/json' }, body: '{"submission_id":"x","status":"created","entries":0}' });
    r = value(await call('push.testConnection', {}));
    expect([r.ok, outcomes(r).validates]).toEqual([false, 'failed']);
    expect(r.message).toContain('not safe');

    server.script.push({ kind: 'respond', status: 400, headers: { 'Content-Type': 'text/plain' }, body: 'bad' });
    r = value(await call('push.testConnection', {}));
    expect([r.ok, outcomes(r).api]).toEqual([false, 'failed']);
  });

  it('nothing listening, or no answer in time: the platform is not reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await configure(`http://127.0.0.1:${port}`, TOKEN);
    let r = value(await call('push.testConnection', {}));
    expect([r.ok, r.httpStatus, outcomes(r).reached]).toEqual([false, null, 'failed']);
    expect(r.message).toMatch(/Could not reach 127\.0\.0\.1:\d+: network error/);

    await configure(server.url, TOKEN);
    server.script.push({ kind: 'hang' });
    r = value(await call('push.testConnection', {}));
    expect(outcomes(r).reached).toBe('failed');
    expect(r.message).toContain('no answer within');
  });

  it('without a platform URL it is refused with what to set up', async () => {
    const e = failure(await call('push.testConnection', {}));
    expect(e.code).toBe('no_url');
    expect(e.message).toContain('Settings');
    expect(server.requests).toHaveLength(0);
  });
});

describe('push.submit with chosen campaigns', () => {
  it('sends only the chosen campaigns\' configurations', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    const onlyB = value(await call('push.preview', { campaignIds: [CAMPAIGN_B.id] })).submission!;
    const sent = value(await call('push.submit', { campaignIds: [CAMPAIGN_B.id], expectKey: onlyB.idempotencyKey }));
    expect(sent.entries).toBe(onlyB.entries);
    const body = SubmissionSchema.parse(JSON.parse(server.requests[0]!.body));
    const modelsOfB = new Set(CAMPAIGN_B.cycles.map((c) => c.model));
    expect(body.entries.length).toBe(onlyB.entries);
    for (const e of body.entries) expect(modelsOfB.has(e.model)).toBe(true);
    const history = value(await call('push.history', {}));
    expect(history.submissions[0]!.campaignIds).toEqual([CAMPAIGN_B.id]);
    expect(history.submissions[0]!.campaignIds).not.toContain(CAMPAIGN_A.id);
  });
});
