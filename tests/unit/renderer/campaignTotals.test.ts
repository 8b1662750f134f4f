import { describe, expect, it } from 'vitest';
import type { CampaignRuns } from '../../../contract/apiRuns';
import { campaignTotals, queueLine } from '../../../renderer/src/pages/runs/campaignTotals';

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

  it('sums wall time from first start to last end and the energy of succeeded runs only', () => {
    const totals = campaignTotals([
      run({ startedAt: '2026-12-06T10:00:00Z', endedAt: '2026-12-06T10:01:00Z', energy: { counterJ: 100, integratedJ: 99, llemJ: 98 } }),
      run({ startedAt: '2026-12-06T10:01:10Z', endedAt: '2026-12-06T10:02:30Z', energy: { counterJ: null, integratedJ: 50, llemJ: 49 } }),
      run({ status: 'failed', startedAt: '2026-12-06T10:02:40Z', endedAt: '2026-12-06T10:03:00Z', energy: { counterJ: 7, integratedJ: 7, llemJ: null } }),
    ]);
    expect(totals).toEqual({ wallSeconds: 180, energyJ: 150, energyRuns: 2 });
  });

  it('has no totals before anything ran', () => {
    expect(campaignTotals([run({ status: 'queued' })])).toEqual({ wallSeconds: null, energyJ: null, energyRuns: 0 });
  });
});
