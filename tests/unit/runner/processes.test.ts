import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../core/processes/lineSplitter';
import { isProcessAlive } from '../../../core/processes/processTree';
import { ProcessRegistry } from '../../../core/processes/registry';

const cwd = mkdtempSync(path.join(os.tmpdir(), 'llem-proc-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and \\r, across chunk boundaries, keeping UTF-8 characters whole', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('a\r\nb\rc\n✗ é\nlast', 'utf8');
    for (const b of bytes) s.push(Buffer.from([b]));
    s.end();
    expect(lines).toEqual(['a', 'b', 'c', '✗ é', 'last']);
  });

  it('gives the same lines however the stream is chunked (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', 'é', '\n', '\r', '\r\n', 'yz'), { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), (parts, cuts) => {
        const text = parts.join('');
        const whole: string[] = [];
        const a = new LineSplitter((l) => whole.push(l));
        a.push(Buffer.from(text));
        a.end();
        const pieces: string[] = [];
        const b = new LineSplitter((l) => pieces.push(l));
        const buf = Buffer.from(text);
        let i = 0;
        for (let k = 0; i < buf.length; k++) {
          const n = cuts[k % cuts.length]!;
          b.push(buf.subarray(i, i + n));
          i += n;
        }
        b.end();
        expect(pieces).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts over-long lines instead of buffering without bound', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('y'.repeat(25));
    s.end();
    expect(lines.every((l) => l.length <= 10)).toBe(true);
    expect(lines.join('')).toBe('y'.repeat(25));
  });
});

describe('ProcessRegistry (guardian in its own process group)', () => {
  const spec = (id: string, script: string) => ({ id, command: process.execPath, args: ['-e', script], cwd, env: process.env, graceMs: 500 });

  it('reports the target\'s real exit code and signal, and a start failure', async () => {
    const r = new ProcessRegistry();
    expect(await r.spawn(spec('a', 'process.exit(7)')).exited).toEqual({ code: 7, signal: null, spawnError: null, stoppedBy: null });
    expect(await r.spawn(spec('b', "process.kill(process.pid, 'SIGTERM')")).exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    const missing = await r.spawn({ ...spec('c', ''), command: '/nonexistent/binary', args: [] }).exited;
    expect(missing.spawnError).toContain('ENOENT');
  });

  /** Spawns a target that prints "ready" once its SIGINT handler is installed, and waits for that. */
  async function ready(r: ProcessRegistry, id: string, script: string) {
    let seen = '';
    let resolveReady!: () => void;
    const isReady = new Promise<void>((res) => (resolveReady = res));
    const p = r.spawn({ ...spec(id, script + "; console.log('ready')"), onStdout: (c) => (seen += c) && seen.includes('ready') && resolveReady() });
    await isReady;
    return p;
  }

  it('stop() sends SIGINT (the target decides its exit code), then SIGKILLs the group after the grace period', async () => {
    const r = new ProcessRegistry();
    const polite = await ready(r, 'p', "process.on('SIGINT', () => process.exit(130)); setInterval(() => {}, 1000)");
    expect(await polite.stop('cancel')).toEqual({ code: 130, signal: null, spawnError: null, stoppedBy: 'cancel' });
    const stubborn = await ready(r, 's', "process.on('SIGINT', () => {}); setInterval(() => {}, 1000)");
    const t0 = Date.now();
    const out = await stubborn.stop('timeout', 300);
    expect(out).toMatchObject({ signal: 'SIGKILL', stoppedBy: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(isProcessAlive(stubborn.pid)).toBe(false);
  });

  it('streams stdout and stderr and refuses a second process with the same id', async () => {
    const r = new ProcessRegistry();
    let out = '';
    let errOut = '';
    const p = r.spawn({ ...spec('io', "console.log('hello'); console.error('oops'); setTimeout(() => {}, 200)"), onStdout: (c) => (out += c), onStderr: (c) => (errOut += c) });
    expect(() => r.spawn(spec('io', '0'))).toThrow(/already running/);
    expect(r.ids()).toEqual(['io']);
    await p.exited;
    expect(out).toBe('hello\n');
    expect(errOut).toBe('oops\n');
    expect(r.ids()).toEqual([]);
  });
});
