import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPushCommand, type PushCommandOptions } from '../../../core/cli/push';
import {
  FileSecretStore,
  ingestTokenKey,
  listPushedSubmissions,
  prepareSubmission,
  pushedConfigHashes,
  resolveEndpoint,
  sendSubmission,
  SubmissionSchema,
} from '../../../core/push/index';
import { openDatabase, type Db } from '../../../core/store/database';
import { tempDir } from '../../unit/results/helpers';
import { CAMPAIGN_A, CAMPAIGN_B, GEN, seedCampaign } from '../../unit/share/seed';
import { startReferenceIngestServer, type ReferenceIngestServer } from './referenceIngestServer';

const TOKEN = 'test-token-abc123';

let dir: ReturnType<typeof tempDir>;
let server: ReferenceIngestServer;
let sleeps: number[];

beforeEach(async () => {
  dir = tempDir('llem-push-');
  const db = open();
  await seedCampaign(db, CAMPAIGN_A);
  await seedCampaign(db, CAMPAIGN_B);
  db.close();
  server = await startReferenceIngestServer({ tokens: [TOKEN] });
  sleeps = [];
});
afterEach(async () => {
  await server.close();
  dir.cleanup();
});

function open(): Db {
  const o = openDatabase(dir.dir);
  if (!o.ok) throw new Error(o.error.message);
  return o.value;
}

/** Fast clients: short timeouts, recorded (not slept) backoff, deterministic jitter. */
function push(extra: Partial<PushCommandOptions> = {}) {
  return runPushCommand({
    url: server.url,
    dataDir: dir.dir,
    env: { LLEM_STUDIO_TOKEN: TOKEN },
    client: { timeoutMs: 400, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    ...extra,
  });
}

function pushedRows(): number {
  const db = open();
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM push_submissions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function attemptRows(): { outcome: string; http_status: number | null; error_code: string | null; attempts: number }[] {
  const db = open();
  try {
    return db.prepare('SELECT outcome, http_status, error_code, attempts FROM push_attempts ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

describe('push: the happy path and idempotency', () => {
  it('sends exactly the dry-run body with the content hash as Idempotency-Key, records the acceptance, and a repeat is a duplicate', async () => {
    const dry = await push({ dryRun: true });
    expect(dry.exitCode).toBe(0);
    expect(server.requests).toHaveLength(0); // a dry run sends nothing
    expect(SubmissionSchema.safeParse(JSON.parse(dry.stdout)).success).toBe(true);
    const key = createHash('sha256').update(dry.stdout).digest('hex');
    expect(dry.stderr).toContain(`Idempotency-Key: ${key}`);
    expect(dry.stderr).toContain(`POST ${server.url}/api/v1/submissions`);
    expect(dry.stderr).not.toContain(TOKEN);

    const first = await push({ expectKey: key });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('accepted as a new submission');
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.body).toBe(dry.stdout);
    expect(req.headers['idempotency-key']).toBe(key);
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');

    const again = await push();
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('duplicate');
    expect(pushedRows()).toBe(1);
    const db = open();
    try {
      const listed = listPushedSubmissions(db);
      expect(listed.ok && listed.value[0]).toMatchObject({ submissionId: 'sub-1', status: 'created', entries: 3, idempotencyKey: key });
      const hashes = pushedConfigHashes(db, `${server.url}/api/v1/submissions`);
      expect(hashes.ok && hashes.value.size).toBe(3);
    } finally {
      db.close();
    }
    expect(attemptRows().map((a) => a.outcome)).toEqual(['accepted', 'accepted']);
  });

  it('refuses to send when the data changed since the preview', async () => {
    const r = await push({ expectKey: 'f'.repeat(64) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/data changed since the preview/);
    expect(server.requests).toHaveLength(0);
  });

  it('pushes only the campaigns asked for', async () => {
    const r = await push({ campaigns: [CAMPAIGN_B.id] });
    expect(r.exitCode, r.stderr).toBe(0);
    const body = SubmissionSchema.parse(JSON.parse(server.requests[0]!.body));
    expect(body.entries.map((e) => e.model)).toEqual(['org/model-b']);
  });

  it('never sends personal data (paths, hosts, campaign names)', async () => {
    await push();
    const body = server.requests[0]!.body;
    for (const word of ['/home/alice', 'gpu-box-17', 'bobs-laptop', "Alice's batch sweep", 'private_provenance']) expect(body).not.toContain(word);
  });
});

describe('push: failures are clear and nothing is marked as pushed', () => {
  it('400 with field errors: not retried, the fields are shown', async () => {
    server.script.push({
      kind: 'respond',
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { code: 'invalid_submission', message: 'bad entries', fields: [{ path: '/entries/0/gpu/name', message: 'unknown GPU' }] } }),
    });
    const r = await push();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('rejected the submission (HTTP 400): bad entries');
    expect(r.stderr).toContain('/entries/0/gpu/name: unknown GPU');
    expect(server.requests).toHaveLength(1);
    expect(pushedRows()).toBe(0);
    expect(attemptRows()).toEqual([{ outcome: 'failed', http_status: 400, error_code: 'rejected', attempts: 1 }]);
  });

  it('the reference server itself answers 400 with field errors for a body that breaks the schema', async () => {
    const body = JSON.stringify({ format: 'llem-studio-submission', format_version: '1.0', entries: [] });
    const res = await fetch(`${server.url}/api/v1/submissions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': createHash('sha256').update(body).digest('hex') },
      body,
    });
    expect(res.status).toBe(400);
    const e = (await res.json()) as { error: { fields: { path: string }[] } };
    expect(e.error.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['/leaderboard_format_version', '/provenance', '/entries']));
  });

  it('401: the token is refused, not retried, not printed', async () => {
    const r = await push({ env: { LLEM_STUDIO_TOKEN: 'wrong-token-999' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/refused the token \(HTTP 401\)/);
    expect(r.stderr + r.stdout).not.toContain('wrong-token-999');
    expect(server.requests).toHaveLength(1);
    expect(pushedRows()).toBe(0);
  });

  it('409 and 413: not retried', async () => {
    server.script.push({ kind: 'respond', status: 409, headers: { 'Content-Type': 'application/json' }, body: '{"error":{"code":"in_progress","message":"still processing"}}' });
    const conflict = await push();
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toContain('conflict (HTTP 409): still processing');
    await server.close();
    server = await startReferenceIngestServer({ tokens: [TOKEN], maxBodyBytes: 100 });
    const tooLarge = await push();
    expect(tooLarge.exitCode).toBe(1);
    expect(tooLarge.stderr).toContain('too large (HTTP 413)');
    expect(server.requests).toHaveLength(1);
    expect(pushedRows()).toBe(0);
  });

  it('429: waits exactly Retry-After, then succeeds', async () => {
    server.script.push({ kind: 'respond', status: 429, headers: { 'Retry-After': '2', 'Content-Type': 'application/json' }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' });
    const r = await push();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(sleeps).toEqual([2000]);
    expect(r.stderr).toContain('attempt 1: HTTP 429: slow down; retrying in 2.0 s');
    expect(server.requests).toHaveLength(2);
    expect(pushedRows()).toBe(1);
  });

  it('429 asking for longer than the client waits: stops and says so', async () => {
    server.script.push({ kind: 'respond', status: 429, headers: { 'Retry-After': '3600' } });
    const r = await push();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/asked to wait 3600 s/);
    expect(sleeps).toEqual([]);
    expect(pushedRows()).toBe(0);
  });

  it('5xx: retries with exponential backoff and jitter, then succeeds', async () => {
    server.script.push({ kind: 'respond', status: 503 }, { kind: 'respond', status: 502, body: '<html>bad gateway</html>', headers: { 'Content-Type': 'text/html' } });
    const r = await push();
    expect(r.exitCode, r.stderr).toBe(0);
    // random() = 0.5 → d/2 + 0.5 · d/2 = 0.75 d, with d = 100, 200 ms.
    expect(sleeps).toEqual([75, 150]);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((q) => q.headers['idempotency-key'])).size).toBe(1);
  });

  it('5xx every time: gives up after the attempt limit, nothing recorded as pushed', async () => {
    for (let i = 0; i < 4; i++) server.script.push({ kind: 'respond', status: 500 });
    const r = await push();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Gave up after 4 attempts; last: HTTP 500/);
    expect(r.stderr).toMatch(/pushing again is safe/);
    expect(server.requests).toHaveLength(4);
    expect(pushedRows()).toBe(0);
    expect(attemptRows()).toEqual([{ outcome: 'failed', http_status: 500, error_code: 'server_error', attempts: 4 }]);
  });

  it('a slow answer past the timeout: the retry meets 409 while the first is processed, then 200 duplicate', async () => {
    server.script.push({ kind: 'slow', delayMs: 600 });
    const r = await runPushCommand({
      url: server.url,
      dataDir: dir.dir,
      env: { LLEM_STUDIO_TOKEN: TOKEN },
      // Real (short) sleeps here: the server must finish the first request before the last retry.
      client: { timeoutMs: 300, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100, random: () => 1 },
    });
    // Attempt 1 times out at 300 ms (the server works until 600 ms); attempt 2 at ~400 ms gets 409 and the
    // client stops: 409 is not retried.
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('HTTP 409');
    expect(pushedRows()).toBe(0);
    // The platform did accept it in the end: the next push is confirmed as a duplicate and recorded then.
    await new Promise((res) => setTimeout(res, 400));
    const again = await push();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('duplicate');
    expect(pushedRows()).toBe(1);
  });

  it('accepted but the answer never came: the retry is confirmed as a duplicate and recorded once', async () => {
    server.script.push({ kind: 'acceptThenHang' });
    const r = await push();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/attempt 1: no answer within 400 ms; retrying/);
    expect(r.stdout).toContain('duplicate');
    expect(server.accepted.size).toBe(1);
    const db = open();
    try {
      const listed = listPushedSubmissions(db);
      expect(listed.ok && listed.value.map((s) => s.status)).toEqual(['duplicate']);
    } finally {
      db.close();
    }
  });

  it('network errors (connection dropped, then refused) are retried and reported', async () => {
    server.script.push({ kind: 'drop' });
    const ok = await push();
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/attempt 1: network error/);
    const url = server.url;
    await server.close();
    const refused = await runPushCommand({
      url,
      dataDir: dir.dir,
      env: { LLEM_STUDIO_TOKEN: TOKEN },
      campaigns: [CAMPAIGN_B.id],
      client: { timeoutMs: 400, maxAttempts: 2, sleep: async () => undefined },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/Gave up after 2 attempts; last: network error \(ECONNREFUSED\)/);
    server = await startReferenceIngestServer({ tokens: [TOKEN] }); // for afterEach
  });

  it('a redirect is not followed (the token would travel to another URL)', async () => {
    server.script.push({ kind: 'respond', status: 307, headers: { Location: 'https://elsewhere.example/api/v1/submissions' } });
    const r = await push();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/redirect \(HTTP 307\) to "https:\/\/elsewhere.example/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('push: transport rules', () => {
  it('requires https except for loopback addresses, and refuses credentials in the URL', async () => {
    for (const url of ['http://platform.example.org', 'http://10.0.0.5:8080', 'http://[::2]:80']) {
      const r = await push({ url });
      expect(r.exitCode, url).toBe(2);
      expect(r.stderr).toMatch(/https is required/);
    }
    expect((await push({ url: 'https://user:pw@platform.example.org' })).stderr).toMatch(/no credentials in the URL/);
    expect((await push({ url: 'ftp://platform.example.org' })).exitCode).toBe(2);
    expect(resolveEndpoint('http://localhost:8080/base/').ok).toBe(true);
    expect(resolveEndpoint('http://[::1]:8080').ok).toBe(true);
    const e = resolveEndpoint('https://platform.example.org/llem/');
    expect(e.ok && e.value).toEqual({ url: 'https://platform.example.org/llem/api/v1/submissions', origin: 'https://platform.example.org' });
    const full = resolveEndpoint('https://platform.example.org/api/v1/submissions');
    expect(full.ok && full.value.url).toBe('https://platform.example.org/api/v1/submissions');
  });

  it('refuses a body over the client limit before sending anything', async () => {
    const r = await push({ client: { maxBodyBytes: 500 } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/over the 500-byte limit/);
    expect(server.requests).toHaveLength(0);
  });

  it('a response larger than the limit is an error, not a crash and not an acceptance', async () => {
    const db = open();
    try {
      const s = prepareSubmission(db, { generatorVersion: GEN });
      if (!s.ok) throw new Error(s.error.message);
      server.script.push({ kind: 'respond', status: 201, headers: { 'Content-Type': 'application/json' }, body: Buffer.alloc(3_000_000, 0x20) });
      const r = await sendSubmission(`${server.url}/api/v1/submissions`, TOKEN, s.value, { maxResponseBytes: 1_000_000, maxAttempts: 1 });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'bad_response', message: expect.stringContaining('larger than allowed') });
    } finally {
      db.close();
    }
  });
});

describe('push: the token', () => {
  it('--save-token stores it 0600 in the data directory once accepted; later pushes use it; another platform does not get it', async () => {
    const saved = await push({ saveToken: true });
    expect(saved.exitCode, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Token stored');
    const file = path.join(dir.dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(TOKEN);

    const fromStore = await push({ env: {} });
    expect(fromStore.exitCode, fromStore.stderr).toBe(0);
    expect(server.requests[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const other = await push({ env: {}, url: 'http://127.0.0.2:9' });
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/No token for http:\/\/127\.0\.0\.2:9/);
  });

  it('a secrets file readable by others is refused, not used', async () => {
    const store = new FileSecretStore(dir.dir);
    expect((await store.set(ingestTokenKey(server.origin), TOKEN)).ok).toBe(true);
    chmodSync(store.file, 0o644);
    const r = await push({ env: {} });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/can be read by other users \(mode 644\).*chmod 600/);
    expect(r.stderr).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
    writeFileSync(store.file, 'not json', { mode: 0o600 });
    chmodSync(store.file, 0o600);
    const broken = await store.get('x');
    expect(!broken.ok && broken.error.message).toMatch(/is not valid JSON/);
  });

  it('the token appears nowhere but the Authorization header: not in output, the database or the body', async () => {
    await push({ saveToken: true });
    server.script.push({ kind: 'respond', status: 500 }, { kind: 'respond', status: 401 });
    const failed = await push({ env: {} });
    expect(failed.stdout + failed.stderr).not.toContain(TOKEN);
    const dry = await push({ dryRun: true });
    expect(dry.stdout + dry.stderr).not.toContain(TOKEN);
    const db = open();
    try {
      const dump = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'push_%'")
        .pluck()
        .all()
        .map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${String(t)}"`).all()))
        .join('\n');
      expect(dump).not.toContain(TOKEN);
    } finally {
      db.close();
    }
    for (const q of server.requests) expect(q.body).not.toContain(TOKEN);
  });
});

