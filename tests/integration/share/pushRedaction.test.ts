import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPushCommand } from '../../../core/cli/push';
import { redactCredentials, REDACTED } from '../../../core/push/redact';
import { openDatabase } from '../../../core/store/database';
import { tempDir } from '../../unit/results/helpers';
import { CAMPAIGN_A, seedCampaign } from '../../unit/share/seed';

/**
 * Issue #15, finding 7: a platform that echoes the Authorization header in its error answers must not get the
 * token shown on stderr, stored in push_attempts.message or passed on (the UI shows the same messages).
 * A real local HTTP server answers each way a platform might echo it.
 */
const TOKEN = 'tok-SECRET-5f2b9c1e7a0d4e6b8c3f';

type Echo = (auth: string) => { status: number; type: string; body: string; headers?: Record<string, string> };
const ECHOES: Record<string, Echo> = {
  '401 JSON error echoing the header': (auth) => ({ status: 401, type: 'application/json', body: JSON.stringify({ error: { code: 'unauthorized', message: `bad credentials: ${auth}` } }) }),
  '400 JSON field errors echoing it': (auth) => ({
    status: 400,
    type: 'application/json',
    body: JSON.stringify({ error: { code: 'invalid', message: 'invalid', fields: [{ path: `headers.${auth}`, message: `Authorization was "${auth}"` }] } }),
  }),
  '500 plain text echoing it (retried, then given up)': (auth) => ({ status: 500, type: 'text/plain', body: `upstream failed for ${auth}` }),
  '403 JSON echoing only the bare token, near the truncation limit': (auth) => ({
    status: 403,
    type: 'application/json',
    body: JSON.stringify({ error: { code: 'forbidden', message: `${'x'.repeat(480)} token=${auth.slice(7)}` } }),
  }),
  '302 redirect with the token in the Location': (auth) => ({ status: 302, type: 'text/plain', body: '', headers: { location: `https://elsewhere.example/?access_token=${auth.slice(7)}` } }),
};

let dir: ReturnType<typeof tempDir>;
let server: Server;
let url = '';
let echo: Echo = ECHOES['401 JSON error echoing the header']!;

beforeEach(async () => {
  dir = tempDir('llem-push-redact-');
  const db = openDatabase(dir.dir);
  if (!db.ok) throw new Error(db.error.message);
  await seedCampaign(db.value, CAMPAIGN_A);
  db.value.close();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = echo(String(req.headers.authorization));
      res.writeHead(answer.status, { 'Content-Type': answer.type, ...answer.headers }).end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  dir.cleanup();
});

describe('the push token never leaves in a message', () => {
  for (const [name, answer] of Object.entries(ECHOES)) {
    it(name, async () => {
      echo = answer;
      const out = await runPushCommand({
        url,
        dataDir: dir.dir,
        env: { LLEM_STUDIO_TOKEN: TOKEN },
        client: { timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined, random: () => 0.5 },
      });
      expect(out.exitCode).not.toBe(0);
      expect(out.stderr.length).toBeGreaterThan(0);
      expect(out.stderr + out.stdout).not.toContain(TOKEN);
      expect(out.stderr + out.stdout).not.toContain(TOKEN.slice(0, 12));
      const db = openDatabase(dir.dir);
      if (!db.ok) throw new Error(db.error.message);
      const rows = db.value.prepare('SELECT message FROM push_attempts').all() as { message: string | null }[];
      db.value.close();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.message ?? '').not.toContain(TOKEN.slice(0, 12));
    });
  }
});

describe('redactCredentials', () => {
  it('removes the known secret and anything that looks like a credential, and leaves the rest', () => {
    expect(redactCredentials(`a ${TOKEN} b ${encodeURIComponent(TOKEN)}`, [TOKEN])).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(redactCredentials('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactCredentials('{"api_key": "k-123456", "password":"hunter22"}')).toBe(`{"api_key": "${REDACTED}", "password":"${REDACTED}"}`);
    expect(redactCredentials('?access_token=xyz98765&x=1')).toBe(`?access_token=${REDACTED}&x=1`);
    expect(redactCredentials('HTTP 500: the database is down')).toBe('HTTP 500: the database is down');
    expect(redactCredentials('missing or unknown bearer token; password: required')).toBe('missing or unknown bearer token; password: required');
  });
});
