import { describe, expect, it } from 'vitest';
import { campaignEndNotice } from '../../../renderer/src/notifications/campaignEndNotice';

const counts = { total: 3, queued: 0, running: 0, succeeded: 3, failed: 0, interrupted: 0, cancelled: 0 };
const at = '2026-12-06T23:00:00Z';

describe('the notice when a campaign ends', () => {
  it('names the campaign and its runs, graded by how it went', () => {
    expect(campaignEndNotice({ type: 'campaign.finished', campaignId: 'c', at, status: 'completed', counts, message: null }, 'batch sweep')).toEqual({
      campaignId: 'c',
      severity: 'success',
      title: '“batch sweep” finished',
      body: '3 of 3 runs succeeded.',
    });
    const someFailed = campaignEndNotice({ type: 'campaign.finished', campaignId: 'c', at, status: 'completed', counts: { ...counts, succeeded: 2, failed: 1 }, message: null }, 'x');
    expect(someFailed).toMatchObject({ severity: 'warning', body: '2 of 3 runs succeeded, 1 failed.' });
    const cancelled = campaignEndNotice({ type: 'campaign.finished', campaignId: 'c', at, status: 'cancelled', counts: { ...counts, succeeded: 1, cancelled: 2 }, message: null }, 'x');
    expect(cancelled).toMatchObject({ severity: 'info', title: '“x” was cancelled', body: '1 of 3 runs succeeded, 2 cancelled.' });
    const failed = campaignEndNotice({ type: 'campaign.finished', campaignId: 'c', at, status: 'failed', counts: { ...counts, total: 0, succeeded: 0 }, message: 'No llem found.' }, 'x');
    expect(failed).toMatchObject({ severity: 'error', title: '“x” failed', body: '0 of 0 runs succeeded. No llem found.' });
  });
});
