import { describe, expect, it } from 'vitest';
import type { CampaignRuns } from '../../../contract/apiRuns';
import { campaignTotals, energyCoverage, queueLine } from '../../../renderer/src/pages/runs/campaignTotals';

const counts = { total: 18, queued: 13, running: 1, succeeded: 3, failed: 1, interrupted: 0, cancelled: 0 };
type Run = CampaignRuns['runs'][number];
const run = (over: Partial<Run>): Run => ({
  id: 1, runIndex: 0, cycle: 1, summary: 's', label: 'l', status: 'succeeded', failureReason: null, errorMessage: null, attempt: 1, exitCode: 0,
  startedAt: null, endedAt: null, energy: null, ...over,
});

describe('Runs page campaign lines and totals', () => {
  it('counts failed runs as finished and says where the campaign runs', () => {
    expect(queueLine(counts, 'running', true)).toBe('4 of 18 finished · 1 failed · running here');
    expect(queueLine({ ...counts, queued: 0, running: 0, succeeded: 18, failed: 0 }, 'completed', false)).toBe('18 of 18 finished · completed');
  });

  it('sums wall time from first start to last end and the energy of every measured run, naming those that did not succeed', () => {
    const totals = campaignTotals([
      run({ startedAt: '2026-12-06T10:00:00Z', endedAt: '2026-12-06T10:01:00Z', energy: { counterJ: 100, integratedJ: 99, llemJ: 98 } }),
      run({ runIndex: 1, startedAt: '2026-12-06T10:01:10Z', endedAt: '2026-12-06T10:02:30Z', energy: { counterJ: null, integratedJ: 50, llemJ: 49 } }),
      run({ runIndex: 2, status: 'failed', startedAt: '2026-12-06T10:02:40Z', endedAt: '2026-12-06T10:03:00Z', energy: { counterJ: 7, integratedJ: 7, llemJ: null } }),
      run({ runIndex: 3, status: 'failed', energy: null }), // failed before measuring: nothing to count or name
    ]);
    expect(totals).toEqual({ wallSeconds: 180, energyJ: 157, energyRuns: 3, energyUnsucceeded: { failed: [3] } });
    expect(energyCoverage(totals)).toBe('GPU 0, measured windows of 3 runs; failed: run 3');
  });

  it('gives a campaign whose only measured run failed its energy (not a dash), and says so', () => {
    const totals = campaignTotals([
      run({ status: 'failed', energy: { counterJ: 10.9, integratedJ: 10.8, llemJ: null } }),
      run({ runIndex: 1, status: 'failed', energy: { counterJ: 4.1, integratedJ: null, llemJ: null } }),
      run({ runIndex: 2, status: 'cancelled', energy: { counterJ: null, integratedJ: 2, llemJ: null } }),
    ]);
    expect(totals.energyJ).toBeCloseTo(17, 9);
    expect(energyCoverage(totals)).toBe('GPU 0, measured windows of 3 runs; failed: runs 1, 2; cancelled: run 3');
    expect(energyCoverage(campaignTotals([run({ energy: { counterJ: 1, integratedJ: null, llemJ: null } })]))).toBe('GPU 0, measured windows of 1 succeeded run');
  });

  it('has no totals before anything ran', () => {
    expect(campaignTotals([run({ status: 'queued' })])).toEqual({ wallSeconds: null, energyJ: null, energyRuns: 0, energyUnsucceeded: {} });
  });
});
