import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../core/server/auth';

/**
 * Raw-TCP clients for the browser-mode hardening tests (issue #15): they speak just enough HTTP/WebSocket to
 * reach each stage of the handshake and then misbehave (reset, send malformed frames, stop reading).
 */

export interface UpgradeRequest {
  port: number;
  path?: string;
  host?: string;
  origin?: string;
  token?: string;
}

export function upgradeRequestText(r: UpgradeRequest): string {
  const host = r.host ?? `127.0.0.1:${r.port}`;
  const lines = [
    `GET ${r.path ?? '/api'} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    `Origin: ${r.origin ?? `http://${host}`}`,
  ];
  if (r.token !== undefined) lines.push(`Sec-WebSocket-Protocol: ${API_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${r.token}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `text` and resets the connection (RST: SO_LINGER 0) after `afterBytes` of it, or right after all of it. */
export async function sendThenReset(port: number, text: string, afterBytes = text.length, delayMs = 0): Promise<void> {
  const socket = await connect(port);
  socket.on('error', () => undefined);
  socket.write(text.slice(0, afterBytes));
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  socket.resetAndDestroy();
  await new Promise((r) => socket.once('close', r));
}

/** A completed WebSocket handshake over a raw socket (the 101 consumed); frames are then written by hand. */
export async function rawWebSocket(port: number, token: string): Promise<net.Socket> {
  const socket = await connect(port);
  socket.on('error', () => undefined);
  socket.write(upgradeRequestText({ port, token }));
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        if (head.startsWith('HTTP/1.1 101')) resolve();
        else reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

/** One client→server frame, masked as RFC 6455 requires; `declaredLength` may lie about the payload. */
export function clientFrame(opcode: number, payload: Buffer, options: { fin?: boolean; rsv?: number; declaredLength?: number; masked?: boolean } = {}): Buffer {
  const length = options.declaredLength ?? payload.length;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, body]);
}

/** Opens a fresh socket the way a script does and makes one call: proof that the server is up and serving. */
export async function healthCall(port: number, token: string, method = 'app.info'): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${port}` });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    ws.send(JSON.stringify({ type: 'call', id: 1, method, params: {} }));
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply to the health call within 5 s')), 5000);
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; id: number; result?: unknown };
        if (message.type === 'reply' && message.id === 1) {
          clearTimeout(timer);
          resolve(message.result);
        }
      });
    });
  } finally {
    ws.terminate();
  }
}
