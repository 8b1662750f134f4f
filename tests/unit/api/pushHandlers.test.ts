import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiMethods, type MethodName, type MethodParams, type MethodResult } from '../../../contract/api';
import { pushApiMethods } from '../../../contract/apiPush';
import type { AppError } from '../../../contract/result';
import { createDispatcher } from '../../../core/api/dispatcher';
import { createMethodHandlers, createSubscriptionHandlers } from '../../../core/api/handlers';
import { createPushHandlers } from '../../../core/api/pushHandlers';
import { SubmissionSchema } from '../../../core/push/index';
import { startReferenceIngestServer, type ReferenceIngestServer } from '../../integration/share/referenceIngestServer';
import { failure, startTestCore, value } from './results/helpers';
import { CAMPAIGN_A, CAMPAIGN_B, LOOSE, seedAll } from '../share/seed';

/**
 * The push methods of the API (contract/apiPush.ts, core/api/pushHandlers.ts), called through the real
 * dispatcher on a seeded store (two campaigns with 5 + 1 results, two hand imports), against the reference
 * ingest server on 127.0.0.1. The ingest client is the real one with short timeouts and recorded (not slept) backoff.
 */

const TOKEN = 'test-token-abc123';

type TypedCall = <M extends MethodName>(
  method: M,
  params: MethodParams<M> | Record<string, unknown>,
) => Promise<{ ok: true; value: MethodResult<M> } | { ok: false; error: AppError }>;

let t: ReturnType<typeof startTestCore>;
let server: ReferenceIngestServer;
let call: TypedCall;
let sleeps: number[];

beforeEach(async () => {
  t = startTestCore();
  server = await startReferenceIngestServer({ tokens: [TOKEN] });
  sleeps = [];
  const ctx = t.core.context;
  const dispatcher = createDispatcher(
    {
      ...createMethodHandlers(ctx),
      ...createPushHandlers(ctx, {
        client: { timeoutMs: 2000, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      }),
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

function historyRows(): number {
  return (t.core.context.db.prepare('SELECT COUNT(*) AS n FROM push_submissions').get() as { n: number }).n;
}

describe('push API: contract', () => {
  it('every push method is in the one method list', () => {
    for (const name of Object.keys(pushApiMethods)) expect(Object.prototype.hasOwnProperty.call(apiMethods, name)).toBe(true);
  });

  it('refuses unknown fields, a malformed expectKey and a token passed as a parameter', async () => {
    expect(failure(await call('push.preview', { url: 'https://elsewhere.example' })).code).toBe('invalid_params');
    expect(failure(await call('push.submit', {})).code).toBe('invalid_params');
    expect(failure(await call('push.submit', { expectKey: 'F'.repeat(64) })).code).toBe('invalid_params');
    expect(failure(await call('push.submit', { expectKey: 'f'.repeat(64), token: TOKEN })).code).toBe('invalid_params');
    expect(failure(await call('push.history', { limit: 1 })).code).toBe('invalid_params');
  });
});

describe('push.preview', () => {
  it('with nothing stored: nothing to push, and the platform is not set up', async () => {
    const p = value(await call('push.preview', {}));
    expect(p.submission).toBeNull();
    expect(p.empty).toMatch(/no results to push/i);
    expect(p.target).toMatchObject({ url: null, endpoint: null, ready: false, tokenSet: false, problemCode: 'no_url' });
    expect(p.target.problem).toMatch(/Settings/);
  });

  it('describes exactly the body that would be sent, the endpoint and the token source, and sends nothing', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    const p = value(await call('push.preview', {}));
    expect(p.target).toMatchObject({
      url: server.url,
      endpoint: `${server.url}/api/v1/submissions`,
      host: new URL(server.url).host,
      tokenSet: true,
      tokenSource: 'store',
      ready: true,
      problem: null,
    });
    const s = p.submission!;
    expect(s.entries).toBe(5);
    expect(s.results).toBe(5 + 1 + 2);
    expect(s.models).toContain('org/model-b');
    expect(s.models).toContain('<local>/my-finetune');
    expect(s.campaigns.map((c) => [c.id, c.name, c.results]).sort()).toEqual(
      [
        [CAMPAIGN_A.id, CAMPAIGN_A.name, 5],
        [CAMPAIGN_B.id, CAMPAIGN_B.name, 1],
      ].sort(),
    );
    expect(s.importedResults).toBe(LOOSE.length);
    expect(s.provenance).toEqual({ generator: { name: 'llem Studio', version: t.core.context.appVersion }, llem_versions: expect.any(Array), personal_data: 'excluded' });
    expect(s.format).toBe('llem-studio-submission');
    // The shown body is the real one: valid, its size and its sha256 as given.
    const body = s.body!;
    expect(SubmissionSchema.safeParse(JSON.parse(body)).success).toBe(true);
    expect(Buffer.byteLength(body)).toBe(s.bytes);
    expect(createHash('sha256').update(body).digest('hex')).toBe(s.idempotencyKey);
    expect(s.overBudget).toBe(false);
    for (const word of ['/home/alice', CAMPAIGN_A.host, CAMPAIGN_B.host, CAMPAIGN_A.name]) expect(body).not.toContain(word);
    expect(JSON.stringify(p)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });

  it('selects campaigns, with or without the hand imports; an unknown campaign is an error', async () => {
    await seedAll(t.core.context.db);
    const onlyB = value(await call('push.preview', { campaignIds: [CAMPAIGN_B.id] })).submission!;
    expect(onlyB.entries).toBe(1);
    expect(onlyB.campaigns.map((c) => c.id)).toEqual([CAMPAIGN_B.id]);
    expect(onlyB.importedResults).toBe(0);
    const withImports = value(await call('push.preview', { campaignIds: [CAMPAIGN_B.id], includeImported: true })).submission!;
    expect(withImports.entries).toBe(3);
    expect(withImports.importedResults).toBe(LOOSE.length);
    expect(failure(await call('push.preview', { campaignIds: ['no-such-campaign'] })).code).toBe('unknown_campaign');
  });

  it('says when the URL is refused or no token is stored for it', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url);
    const noToken = value(await call('push.preview', {})).target;
    expect(noToken).toMatchObject({ ready: false, tokenSet: false, problemCode: 'no_token', endpoint: `${server.url}/api/v1/submissions` });
    expect(noToken.problem).toContain(server.origin);
    // A token set for another platform is never offered to this one.
    await configure('https://other.example.org', TOKEN);
    await configure(server.url);
    expect(value(await call('push.preview', {})).target.problemCode).toBe('no_token');
  });
});

describe('push.submit', () => {
  it('sends exactly the previewed body, answers with the platform\'s id, records it; a repeat is a confirmed duplicate', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    const preview = value(await call('push.preview', {})).submission!;
    const sent = value(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(sent).toMatchObject({
      submissionId: 'sub-1',
      status: 'created',
      httpStatus: 201,
      entries: 5,
      bytes: preview.bytes,
      attempts: 1,
      endpoint: `${server.url}/api/v1/submissions`,
      host: new URL(server.url).host,
      idempotencyKey: preview.idempotencyKey,
    });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.body).toBe(preview.body);
    expect(req.headers['idempotency-key']).toBe(preview.idempotencyKey);
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.accepted.get(preview.idempotencyKey)).toEqual({ id: 'sub-1', entries: 5 });
    expect(JSON.stringify(sent)).not.toContain(TOKEN);

    const history = value(await call('push.history', {}));
    expect(history.total).toBe(1);
    expect(history.submissions[0]).toMatchObject({ pushId: sent.pushId, submissionId: 'sub-1', status: 'created', entries: 5, bytes: preview.bytes, idempotencyKey: preview.idempotencyKey });
    expect(history.submissions[0]!.campaignIds.sort()).toEqual([CAMPAIGN_A.id, CAMPAIGN_B.id].sort());

    const again = value(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(again).toMatchObject({ submissionId: 'sub-1', status: 'duplicate', httpStatus: 200, pushId: sent.pushId });
    const after = value(await call('push.history', {}));
    expect(after.total).toBe(1);
    expect(after.submissions[0]!.lastAcceptedAt >= after.submissions[0]!.firstAcceptedAt).toBe(true);
  });

  it('is refused, sending nothing, when the data changed since the preview', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    const preview = value(await call('push.preview', { campaignIds: [CAMPAIGN_B.id] })).submission!;
    const e = failure(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(e.code).toBe('changed');
    expect(e.message).toMatch(/changed since the preview.*nothing was sent/);
    expect(server.requests).toHaveLength(0);
  });

  it('the server rejects the payload: HTTP status, the server\'s message and its field errors; nothing recorded as pushed', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, TOKEN);
    server.script.push({
      kind: 'respond',
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { code: 'invalid_submission', message: 'bad entries', fields: [{ path: '/entries/0/gpu/name', message: 'unknown GPU' }] } }),
    });
    const preview = value(await call('push.preview', {})).submission!;
    const e = failure(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(e.code).toBe('rejected');
    expect(e.message).toContain('rejected the submission (HTTP 400): bad entries');
    expect(e.issues).toEqual([{ path: '/entries/0/gpu/name', message: 'unknown GPU' }]);
    expect(server.requests).toHaveLength(1); // not retried
    expect(historyRows()).toBe(0);
    expect(value(await call('push.history', {})).submissions).toEqual([]);
  });

  it('the server refuses the token: HTTP 401 in plain words, the token not repeated', async () => {
    await seedAll(t.core.context.db);
    await configure(server.url, 'wrong-token-999');
    const preview = value(await call('push.preview', {})).submission!;
    const e = failure(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(e.code).toBe('unauthorized');
    expect(e.message).toMatch(/refused the token \(HTTP 401\): missing or unknown bearer token/);
    expect(JSON.stringify(e)).not.toContain('wrong-token-999');
    expect(historyRows()).toBe(0);
  });

  it('an unreachable endpoint: retried with backoff, then a network error naming the host', async () => {
    await seedAll(t.core.context.db);
    const dead = server.url;
    await server.close();
    server = await startReferenceIngestServer({ tokens: [TOKEN] }); // for afterEach; a different port
    await configure(dead, TOKEN);
    const preview = value(await call('push.preview', {})).submission!;
    const e = failure(await call('push.submit', { expectKey: preview.idempotencyKey }));
    expect(e.code).toBe('network_error');
    expect(e.message).toContain(`Could not reach ${new URL(dead).host}`);
    expect(e.message).toMatch(/Gave up after 3 attempts; last: network error/);
    expect(sleeps).toEqual([75, 150]); // [d/2, d] at random 0.5, d = 100 · 2^(n−1)
    expect(historyRows()).toBe(0);
    const attempts = t.core.context.db.prepare('SELECT outcome, error_code, attempts FROM push_attempts').all();
    expect(attempts).toEqual([{ outcome: 'failed', error_code: 'network_error', attempts: 3 }]);
  });

  it('with no URL or no token: a clear error pointing to Settings, and nothing is sent', async () => {
    await seedAll(t.core.context.db);
    const key = value(await call('push.preview', {})).submission!.idempotencyKey;
    const noUrl = failure(await call('push.submit', { expectKey: key }));
    expect(noUrl.code).toBe('no_url');
    expect(noUrl.message).toMatch(/Settings/);
    await configure(server.url);
    const noToken = failure(await call('push.submit', { expectKey: key }));
    expect(noToken.code).toBe('no_token');
    expect(noToken.message).toContain(`No token is stored for ${server.origin}`);
    expect(noToken.message).toMatch(/Settings/);
    expect(server.requests).toHaveLength(0);
    expect(t.core.context.db.prepare('SELECT COUNT(*) AS n FROM push_attempts').get()).toEqual({ n: 0 });
  });

  it('with nothing stored: nothing to push', async () => {
    await configure(server.url, TOKEN);
    expect(failure(await call('push.submit', { expectKey: 'f'.repeat(64) })).code).toBe('nothing_to_push');
    expect(server.requests).toHaveLength(0);
  });
});
