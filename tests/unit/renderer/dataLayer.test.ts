import { describe, expect, it } from 'vitest';
import { createInvalidationBus, invalidationBusFor } from '../../../renderer/src/api/invalidation';
import { readHashParam, writeHashParam } from '../../../renderer/src/hooks/useHashParam';
import { hashArgument, pageFromHash } from '../../../renderer/src/navigation';

describe('renderer data layer: invalidation', () => {
  it('calls the listeners of the invalidated methods only, once each, until they unsubscribe', () => {
    const bus = createInvalidationBus();
    const calls: string[] = [];
    const stop = bus.listen('runs.campaign', () => calls.push('campaign'));
    bus.listen('runs.campaigns', () => calls.push('queue'));
    bus.listen('app.info', () => calls.push('info'));
    bus.invalidate(['runs.campaign', 'runs.campaigns', 'runs.campaign']);
    expect(calls).toEqual(['campaign', 'queue']);
    stop();
    bus.invalidate(['runs.campaign']);
    expect(calls).toEqual(['campaign', 'queue']);
  });

  it('keeps one bus per API client', () => {
    const a = {};
    const b = {};
    expect(invalidationBusFor(a)).toBe(invalidationBusFor(a));
    expect(invalidationBusFor(a)).not.toBe(invalidationBusFor(b));
  });
});

describe('page state in the hash', () => {
  it('reads, sets and clears one parameter, leaving the page and its argument alone', () => {
    expect(readHashParam('#/runs/abc?run=12', 'run')).toBe('12');
    expect(readHashParam('#/runs/abc', 'run')).toBeNull();
    expect(writeHashParam('#/runs/abc', 'run', '7')).toBe('#/runs/abc?run=7');
    expect(writeHashParam('#/runs/abc?run=7', 'run', null)).toBe('#/runs/abc');
    expect(hashArgument('#/runs/abc?run=7')).toBe('abc');
    expect(pageFromHash('#/results?result=3')).toBe('results');
  });
});
