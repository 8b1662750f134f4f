import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSubmission, pushSubmission, resolveEndpoint, type PreparedSubmission } from '../../../core/push/index';
import type { Db } from '../../../core/store/database';
import { openTempDb } from '../../unit/results/helpers';
import { CAMPAIGN_B, GEN, seedCampaign } from '../../unit/share/seed';
import { startReferenceIngestServer, type ReferenceIngestServer, type Scripted } from './referenceIngestServer';

/**
 * Whatever the server answers — garbage, wrong content types, huge or truncated bodies, hangs, dropped
 * connections, odd statuses and Retry-After values — the client returns a clear error or a verified
 * acceptance, never throws, and only a verified acceptance is recorded as pushed.
 */

const TOKEN = 'fuzz-token-xyz';
let store: ReturnType<typeof openTempDb>;
let db: Db;
let server: ReferenceIngestServer;
let submission: PreparedSubmission;

beforeAll(async () => {
  store = openTempDb();
  db = store.db;
  await seedCampaign(db, CAMPAIGN_B);
  const s = prepareSubmission(db, { generatorVersion: GEN });
  if (!s.ok) throw new Error(s.error.message);
  submission = s.value;
  server = await startReferenceIngestServer({ tokens: [TOKEN] });
});
afterAll(async () => {
  await server.close();
  store.cleanup();
});

const statusArb = fc.constantFrom(200, 201, 202, 204, 301, 302, 400, 401, 403, 404, 409, 413, 418, 429, 500, 501, 502, 503, 599);
const contentTypeArb = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/html', 'text/plain', 'application/octet-stream');
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
  fc
    .record({
      submission_id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant('sub-9')),
      status: fc.constantFrom('created', 'duplicate', 'accepted'),
      entries: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 5 }), fc.double()),
    })
    .map((o) => Buffer.from(JSON.stringify(o))),
  fc
    .record({ error: fc.record({ code: fc.string(), message: fc.string({ unit: 'binary', maxLength: 3000 }), fields: fc.array(fc.record({ path: fc.string(), message: fc.string() }), { maxLength: 3 }) }) })
    .map((o) => Buffer.from(JSON.stringify(o))),
  fc.constant(Buffer.alloc(300_000, 0x61)),
);
const retryAfterArb = fc.option(fc.constantFrom('0', '1', 'soon', '-5', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999', ''), { nil: undefined });

const stepArb: fc.Arbitrary<Scripted> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ status: statusArb, ct: contentTypeArb, body: bodyArb, retryAfter: retryAfterArb }).map(({ status, ct, body, retryAfter }): Scripted => ({
    kind: 'respond',
    status,
    headers: { ...(ct !== undefined ? { 'Content-Type': ct } : {}), ...(retryAfter !== undefined ? { 'Retry-After': retryAfter } : {}) },
    body,
  })) },
  { weight: 1, arbitrary: fc.constant<Scripted>({ kind: 'hang' }) },
  { weight: 1, arbitrary: fc.constant<Scripted>({ kind: 'drop' }) },
  { weight: 1, arbitrary: statusArb.map((status): Scripted => ({ kind: 'truncate', status })) },
  { weight: 1, arbitrary: statusArb.map((status): Scripted => ({ kind: 'drip', status, body: '{"submission_id":"x","status":"created","entries":1}', everyMs: 40 })) },
);

/** Independent statement of when an answer is a verified acceptance (client.ts must agree). */
function isVerifiedAcceptance(step: Scripted): boolean {
  if (step.kind !== 'respond' || (step.status !== 200 && step.status !== 201)) return false;
  const ct = (step.headers?.['Content-Type'] ?? '').split(';')[0]!.trim();
  if (ct !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(ct)) return false;
  if (!step.body || step.body.length > 100_000) return false;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(step.body as Buffer));
  } catch {
    return false;
  }
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.submission_id === 'string' && o.submission_id.length >= 1 && o.submission_id.length <= 200 &&
    o.status === (step.status === 201 ? 'created' : 'duplicate') &&
    o.entries === submission.entries
  );
}

function pushedCount(): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM push_submissions').get() as { n: number }).n;
}

describe('push client under fuzzed server responses', () => {
  it('never throws, errors clearly, and records only verified acceptances', async () => {
    const endpoint = resolveEndpoint(server.url);
    if (!endpoint.ok) throw new Error(endpoint.error.message);
    let expectedPushed = 0;
    await fc.assert(
      fc.asyncProperty(stepArb, stepArb, async (first, second) => {
        server.script.length = 0;
        server.script.push(first, second);
        db.prepare('DELETE FROM push_submissions').run();
        expectedPushed = 0;
        const r = await pushSubmission(db, {
          endpoint: endpoint.value,
          token: TOKEN,
          submission,
          client: { timeoutMs: 250, maxAttempts: 2, sleep: async () => undefined, maxResponseBytes: 100_000, maxRetryAfterMs: 5_000 },
        });
        // Which answer was final: the first unless the client retried on it.
        const finalStep = r.ok ? (r.value.attempts === 1 ? first : second) : null;
        if (r.ok) {
          expect(isVerifiedAcceptance(finalStep!)).toBe(true);
          expect(r.value.entries).toBe(submission.entries);
          expectedPushed = 1;
        } else {
          expect(r.error.code).toMatch(/^[a-z_]+$/);
          expect(r.error.message.length).toBeGreaterThan(10);
          expect(r.error.message.length).toBeLessThan(2000);
          // eslint-disable-next-line no-control-regex -- looking for control characters is the point
          expect(r.error.message).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(r.error.message).not.toContain(TOKEN);
          // A verified acceptance on the first try is never turned into an error.
          expect(isVerifiedAcceptance(first)).toBe(false);
        }
        expect(pushedCount()).toBe(expectedPushed);
      }),
      { numRuns: 40, seed: 20260101 },
    );
    server.script.length = 0;
  }, 120_000);
});
