import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, type MethodHandlers, type SubscriptionHandlers } from '../../../core/api/dispatcher';
import type { AppInfo } from '../../../contract/api';
import { ok } from '../../../contract/result';

const info: AppInfo = {
  appVersion: '1.0.0',
  dataDir: '/d',
  databaseFile: '/d/x.sqlite',
  sqliteVersion: '3.50.0',
  schemaVersion: 1,
  mode: 'browser',
  llem: { found: false, reason: 'not on PATH' },
  llemProfile: { id: 'head', detected: false, reason: 'no llem found' },
  gpus: { found: false, reason: 'none found' },
};

function dispatcherWith(appInfo: MethodHandlers['app.info'], log = vi.fn()) {
  // Only app.info is exercised; the other handlers are never reached by these tests.
  const methods = { 'app.info': appInfo } as unknown as MethodHandlers;
  const subscriptions = {
    'app.heartbeat': (_params: unknown, emit: (e: unknown) => void) => {
      emit({ at: 'now', uptimeSeconds: 1 });
      return () => undefined;
    },
  } as unknown as SubscriptionHandlers;
  return { dispatcher: createDispatcher(methods, subscriptions, log), log };
}

describe('dispatcher', () => {
  it('answers a contract method with its validated result', async () => {
    const { dispatcher } = dispatcherWith(async () => ok(info));
    expect(await dispatcher.call('app.info', {})).toEqual({ ok: true, value: info });
  });

  it('refuses names outside the contract, including prototype keys', async () => {
    const { dispatcher } = dispatcherWith(async () => ok(info));
    for (const name of ['nope', '__proto__', 'constructor', 'toString']) {
      const result = await dispatcher.call(name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown_method');
    }
  });

  it('refuses invalid params and names the offending field', async () => {
    const handler = vi.fn(async () => ok(info));
    const { dispatcher } = dispatcherWith(handler);
    const result = await dispatcher.call('app.info', { surprise: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_params');
      expect(JSON.stringify(result.error.issues)).toContain('surprise');
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('turns a throwing handler into an error result and logs the stack', async () => {
    const { dispatcher, log } = dispatcherWith(async () => {
      throw new Error('disk on fire');
    });
    const result = await dispatcher.call('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk on fire'));
  });

  it('does not let a handler return something the contract does not allow', async () => {
    const { dispatcher } = dispatcherWith(async () => ok({ ...info, schemaVersion: 'one' } as unknown as AppInfo));
    const result = await dispatcher.call('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('starts contract subscriptions and refuses others', () => {
    const { dispatcher } = dispatcherWith(async () => ok(info));
    const events: unknown[] = [];
    const started = dispatcher.subscribe('app.heartbeat', {}, (e) => events.push(e));
    expect(started.ok).toBe(true);
    expect(events).toEqual([{ at: 'now', uptimeSeconds: 1 }]);
    expect(dispatcher.subscribe('hasOwnProperty', {}, () => undefined).ok).toBe(false);
  });
});
