import { describe, expect, it } from 'vitest';
import { gapsBefore } from '../../../core/runner/gaps';
import { defaultTimeoutSeconds } from '../../../core/runner/runPlan';

describe('llem gap semantics (contract §2.8)', () => {
  const s = { experimentGapSeconds: 60, cycleGapSeconds: 300 };
  it('no gap before the first run; experiment gap before every later one; cycle gap when i % n_unique == 0', () => {
    expect(gapsBefore(0, 3, s)).toEqual([]);
    expect(gapsBefore(1, 3, s)).toEqual([{ kind: 'experiment', seconds: 60 }]);
    expect(gapsBefore(3, 3, s)).toEqual([
      { kind: 'experiment', seconds: 60 },
      { kind: 'cycle', seconds: 300 },
    ]);
    expect(gapsBefore(4, 3, s)).toEqual([{ kind: 'experiment', seconds: 60 }]);
  });
  it('null or 0 means no gap (llem never applies the user-config defaults)', () => {
    expect(gapsBefore(3, 3, { experimentGapSeconds: null, cycleGapSeconds: null })).toEqual([]);
    expect(gapsBefore(3, 3, { experimentGapSeconds: 0, cycleGapSeconds: 5 })).toEqual([{ kind: 'cycle', seconds: 5 }]);
  });
  it('default timeout: configured value, else 3 × estimate (≥ 10 min), else 2 h', () => {
    expect(defaultTimeoutSeconds({ estimateSeconds: 1000 }, 42)).toBe(42);
    expect(defaultTimeoutSeconds({ estimateSeconds: 1000 })).toBe(3000);
    expect(defaultTimeoutSeconds({ estimateSeconds: 10 })).toBe(600);
    expect(defaultTimeoutSeconds({})).toBe(7200);
  });
});
