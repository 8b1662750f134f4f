import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/client';
import { withEarlyCalls } from '../../../renderer/src/api/earlyCalls';

/** A client that records its calls and answers each with its own sequence number. */
function fakeClient() {
  const calls: { method: string; params: unknown }[] = [];
  const client = {
    transport: 'websocket',
    call: (async (method: string, params: unknown) => {
      calls.push({ method, params });
      return { ok: true, value: calls.length };
    }) as unknown as ApiClient['call'],
    subscribe: () => () => {},
  } as ApiClient;
  return { client, calls };
}

describe('early API calls (start-up)', () => {
  it('sends an early call at once and gives its answer to the first identical call, once', async () => {
    const { client, calls } = fakeClient();
    const early = withEarlyCalls(client);
    early.callEarly('campaign.templates', { profile: 'head' });
    expect(calls).toEqual([{ method: 'campaign.templates', params: { profile: 'head' } }]);

    expect(await early.client.call('campaign.templates', { profile: 'head' })).toEqual({ ok: true, value: 1 });
    expect(calls).toHaveLength(1);
    // A second identical call asks again.
    expect(await early.client.call('campaign.templates', { profile: 'head' })).toEqual({ ok: true, value: 2 });
    expect(calls).toHaveLength(2);
  });

  it('passes calls with other params or other methods through', async () => {
    const { client, calls } = fakeClient();
    const early = withEarlyCalls(client);
    early.callEarly('campaign.templates', { profile: 'head' });
    await early.client.call('campaign.templates', { profile: 'v0.7' });
    await early.client.call('campaign.list', {});
    expect(calls.map((c) => [c.method, c.params])).toEqual([
      ['campaign.templates', { profile: 'head' }],
      ['campaign.templates', { profile: 'v0.7' }],
      ['campaign.list', {}],
    ]);
  });

  it('does not hand out an early answer that has grown old', async () => {
    const { client, calls } = fakeClient();
    let now = 0;
    const early = withEarlyCalls(client, () => now);
    early.callEarly('campaign.list', {});
    now = 60_000;
    expect(await early.client.call('campaign.list', {})).toEqual({ ok: true, value: 2 });
    expect(calls).toHaveLength(2);
  });

  it('keeps the transport and subscriptions of the client it wraps', () => {
    const { client } = fakeClient();
    const early = withEarlyCalls(client);
    expect(early.client.transport).toBe('websocket');
    expect(early.client.subscribe).toBe(client.subscribe);
  });
});
