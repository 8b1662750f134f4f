import { describe, expect, it } from 'vitest';
import { nextCampaignName, ranCampaignWords } from '../../../renderer/src/pages/design/ranCampaign';

describe('opening a campaign that has run', () => {
  it('suggests the first free numbered name, never a "(copy)"', () => {
    expect(nextCampaignName('batch sweep', ['batch sweep'])).toBe('batch sweep (2)');
    expect(nextCampaignName('batch sweep', ['batch sweep', 'batch sweep (2)', 'batch sweep (3)'])).toBe('batch sweep (4)');
    // Opening "(2)" again numbers from its base name.
    expect(nextCampaignName('batch sweep (2)', ['batch sweep', 'batch sweep (2)'])).toBe('batch sweep (3)');
  });

  it('says what state the campaign is in and that nothing is saved yet', () => {
    expect(ranCampaignWords({ id: 'c', name: 'sweep', status: 'completed' })).toMatch(/^“sweep” has run, so its design stays as it ran\. .*not saved/);
    expect(ranCampaignWords({ id: 'c', name: 'sweep', status: 'paused' })).toContain('is paused part-way');
    expect(ranCampaignWords({ id: 'c', name: 'sweep', status: 'cancelled' })).toContain('ended cancelled');
  });
});
