import { describe, expect, it } from 'vitest';
import { ADAPTIVE_METRICS } from '../../../contract/apiAdaptive';
import { METRICS } from '../../../core/adaptive/metrics';

describe('adaptive metric names', () => {
  it('the contract (UI) and the core name the same metrics', () => {
    expect([...ADAPTIVE_METRICS].sort()).toEqual(Object.keys(METRICS).sort());
  });
});
