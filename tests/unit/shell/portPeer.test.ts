import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { err, ok } from '../../../contract/result';
import { createPortPeer, type PortLike } from '../../../main/coreHost/portPeer';

/** Request/answer and notes over a real MessagePort pair, as between the shell and the core process. */

const channels: MessageChannel[] = [];
function pair() {
  const channel = new MessageChannel();
  channels.push(channel);
  const wrap = (port: MessageChannel['port1']): PortLike => ({
    postMessage: (m) => port.postMessage(m),
    onMessage: (l) => port.on('message', l),
    close: () => port.close(),
  });
  return { a: wrap(channel.port1), b: wrap(channel.port2), raw: channel.port1 };
}
afterEach(() => {
  for (const c of channels.splice(0)) c.port1.close();
});

describe('portPeer', () => {
  it('a request gets its own answer, also when several are in flight', async () => {
    const { a, b } = pair();
    const shell = createPortPeer(a);
    const core = createPortPeer(b);
    core.handle('double', async (args) => {
      const n = (args as { n: number }).n;
      await new Promise((r) => setTimeout(r, n === 1 ? 30 : 0));
      return ok(n * 2);
    });
    expect(await Promise.all([shell.request('double', { n: 1 }), shell.request('double', { n: 2 })])).toEqual([ok(2), ok(4)]);
  });

  it('a handler that throws, and an op nobody handles, answer with an error Result', async () => {
    const { a, b } = pair();
    const log = vi.fn();
    const shell = createPortPeer(a);
    const core = createPortPeer(b, log);
    core.handle('boom', () => {
      throw new Error('disk on fire');
    });
    expect(await shell.request('boom')).toEqual(err('internal', 'boom failed: disk on fire'));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk on fire'));
    expect(await shell.request('nope')).toMatchObject({ ok: false, error: { code: 'unknown_op' } });
  });

  it('notes reach their listeners; a malformed message is logged and ignored', async () => {
    const { a, b, raw } = pair();
    const log = vi.fn();
    const core = createPortPeer(b, log);
    const shell = createPortPeer(a);
    const seen = vi.fn();
    core.onNote('tick', seen);
    shell.notify('tick', { at: 1 });
    raw.postMessage({ t: 'res', id: -1 });
    raw.postMessage('not an envelope');
    await vi.waitFor(() => expect(seen).toHaveBeenCalledWith({ at: 1 }));
    await vi.waitFor(() => expect(log).toHaveBeenCalledTimes(2));
    expect(log.mock.calls[0]![0]).toMatch(/malformed message/);
  });

  it('failPending answers what waits and refuses what comes later, with the reason', async () => {
    const { a } = pair();
    const shell = createPortPeer(a);
    const waiting = shell.request('never.answered');
    shell.failPending({ code: 'core_stopped', message: 'The core stopped (exit code 9).' });
    expect(await waiting).toEqual(err('core_stopped', 'The core stopped (exit code 9).'));
    expect(await shell.request('later')).toEqual(err('core_stopped', 'The core stopped (exit code 9).'));
  });
});
