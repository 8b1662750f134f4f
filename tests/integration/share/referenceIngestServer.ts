import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SubmissionSchema } from '../../../core/push/submission';

/**
 * A reference implementation of resources/openapi/ingest-v1.yaml on 127.0.0.1 (real HTTP), for
 * tests: bearer tokens, Idempotency-Key = sha256 of the body, 201 created / 200 duplicate, 400 with
 * field errors, 401, 409 (same key still being processed), 413, plus scripted misbehaviour (429 with
 * Retry-After, 5xx, slow or hanging answers, garbage, huge bodies, dropped connections).
 */

export type Scripted =
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string | Buffer }
  /** Process normally but wait this long before answering. */
  | { kind: 'slow'; delayMs: number }
  /** Store the submission (if valid) but never answer. */
  | { kind: 'acceptThenHang' }
  /** Read the request, never answer. */
  | { kind: 'hang' }
  /** Close the connection without an HTTP answer. */
  | { kind: 'drop' }
  /** Send headers and part of the body, then close. */
  | { kind: 'truncate'; status: number }
  /** Send headers, then the body one byte every `everyMs`. */
  | { kind: 'drip'; status: number; body: string; everyMs: number };

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ServerOptions {
  tokens?: string[];
  maxBodyBytes?: number;
}

export interface ReferenceIngestServer {
  url: string;
  origin: string;
  requests: ReceivedRequest[];
  /** Idempotency-Key → submission id, for what the server has accepted. */
  accepted: Map<string, { id: string; entries: number }>;
  script: Scripted[];
  close: () => Promise<void>;
}

export async function startReferenceIngestServer(options: ServerOptions = {}): Promise<ReferenceIngestServer> {
  const tokens = new Set(options.tokens ?? ['test-token-abc123']);
  const maxBody = options.maxBodyBytes ?? 10_000_000;
  const requests: ReceivedRequest[] = [];
  const accepted = new Map<string, { id: string; entries: number }>();
  const inFlight = new Set<string>();
  const script: Scripted[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  type Answer = { status: number; body: unknown };
  const error = (status: number, code: string, message: string, fields?: { path: string; message: string }[]): Answer => ({
    status,
    body: { error: { code, message, ...(fields ? { fields } : {}) } },
  });
  const send = (res: http.ServerResponse, a: Answer): void => {
    const text = JSON.stringify(a.body);
    res.writeHead(a.status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  /** The contract itself: what a correct platform does with one request. */
  const handle = (req: http.IncomingMessage, body: Buffer, size: number): Answer => {
    if (req.url !== '/api/v1/submissions') return error(404, 'not_found', 'no such endpoint');
    if (req.method !== 'POST') return error(405, 'method_not_allowed', 'POST only');
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!m || !tokens.has(m[1]!)) return error(401, 'unauthorized', 'missing or unknown bearer token');
    if (size > maxBody) return error(413, 'too_large', `body over ${maxBody} bytes`);
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (ct !== 'application/json') return error(400, 'invalid_request', 'Content-Type must be application/json', [{ path: 'header:Content-Type', message: 'expected application/json' }]);
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !/^[0-9a-f]{64}$/.test(key)) {
      return error(400, 'invalid_request', 'Idempotency-Key missing or malformed', [{ path: 'header:Idempotency-Key', message: 'expected 64 hex digits' }]);
    }
    if (createHash('sha256').update(body).digest('hex') !== key) {
      return error(400, 'invalid_request', 'Idempotency-Key is not the sha256 of the body', [{ path: 'header:Idempotency-Key', message: 'does not match the body' }]);
    }
    const known = accepted.get(key);
    if (known) return { status: 200, body: { submission_id: known.id, status: 'duplicate', entries: known.entries } };
    if (inFlight.has(key)) return error(409, 'in_progress', 'a request with this Idempotency-Key is still being processed');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'invalid_json', 'the body is not JSON', [{ path: '', message: 'not JSON' }]);
    }
    const checked = SubmissionSchema.safeParse(parsed);
    if (!checked.success) {
      return error(
        400,
        'invalid_submission',
        'the submission does not match the schema',
        checked.error.issues.map((i) => ({ path: `/${i.path.map(String).join('/')}`, message: i.message })),
      );
    }
    const id = `sub-${nextId++}`;
    accepted.set(key, { id, entries: checked.data.entries.length });
    return { status: 201, body: { submission_id: id, status: 'created', entries: checked.data.entries.length } };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c); // past the limit only count: the answer is 413
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      const step = script.shift();
      if (!step) return send(res, handle(req, body, size));
      switch (step.kind) {
        case 'respond':
          res.writeHead(step.status, step.headers ?? {});
          res.end(step.body ?? '');
          return;
        case 'slow': {
          // Processed at the end of the delay; meanwhile the key is "in progress" (a repeat gets 409).
          const key = String(req.headers['idempotency-key']);
          inFlight.add(key);
          later(step.delayMs, () => {
            inFlight.delete(key);
            const answer = handle(req, body, size);
            if (!res.destroyed) send(res, answer);
          });
          return;
        }
        case 'acceptThenHang':
          handle(req, body, size);
          return;
        case 'hang':
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'truncate':
          res.writeHead(step.status, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
          res.write('{"submission_id": "sub-');
          later(5, () => req.socket.destroy());
          return;
        case 'drip': {
          res.writeHead(step.status, { 'Content-Type': 'application/json' });
          let i = 0;
          const tick = (): void => {
            if (res.destroyed) return;
            if (i >= step.body.length) return void res.end();
            res.write(step.body[i++]!);
            later(step.everyMs, tick);
          };
          tick();
          return;
        }
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    requests,
    accepted,
    script,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
