import { describe, expect, it } from 'vitest';
import type { ResultScopesView } from '../../../contract/apiResultScope';
import { defaultScope, scopeFilter, scopeFromUrl, scopeGroupOf, scopeGroups, scopeSummary, scopeToUrl, WITHOUT_CAMPAIGN_NAME } from '../../../renderer/src/pages/results/scope';

const scopes: ResultScopesView = {
  campaigns: [
    { id: 'c-new', name: 'precision-study', status: 'completed', results: 6, lastResultAt: '2026-12-06T10:00:00Z' },
    { id: 'c-old', name: 'batching-study', status: 'completed', results: 12, lastResultAt: '2026-12-05T10:00:00Z' },
  ],
  withoutCampaign: { results: 4, lastResultAt: '2026-11-01T00:00:00Z' },
};

describe('results scope (pure)', () => {
  it('defaults to the most recent campaign with results; with none, to the results of no campaign', () => {
    expect(scopeFromUrl(null, null, scopes)).toEqual({ campaignIds: ['c-new'], withoutCampaign: false });
    expect(defaultScope({ campaigns: [], withoutCampaign: { results: 4, lastResultAt: null } })).toEqual({ campaignIds: [], withoutCampaign: true });
    expect(defaultScope({ campaigns: [], withoutCampaign: { results: 0, lastResultAt: null } })).toEqual({ campaignIds: [], withoutCampaign: false });
  });

  it('reads several campaigns from the URL, drops unknown ones and duplicates, and writes them back', () => {
    const scope = scopeFromUrl('c-old,c-new,gone,c-old', '1', scopes);
    expect(scope).toEqual({ campaignIds: ['c-old', 'c-new'], withoutCampaign: true });
    expect(scopeToUrl(scope)).toEqual({ campaigns: 'c-old,c-new', loose: '1' });
    expect(scopeFilter(scope)).toEqual({ campaignIds: ['c-old', 'c-new'], withoutCampaign: true });
    // An empty choice stays empty (it is not "the default").
    expect(scopeFromUrl('', null, scopes)).toEqual({ campaignIds: [], withoutCampaign: false });
  });

  it('names the scope and groups configurations by campaign for colour', () => {
    const scope = { campaignIds: ['c-old', 'c-new'], withoutCampaign: true };
    expect(scopeSummary(scope, scopes)).toBe('batching-study + precision-study + imported results');
    expect(scopeSummary({ campaignIds: [], withoutCampaign: true }, scopes)).toBe(WITHOUT_CAMPAIGN_NAME);
    const configs = [{ campaignIds: ['c-new'] }, { campaignIds: [] }, { campaignIds: ['c-old'] }, { campaignIds: ['c-old', 'c-new'] }];
    expect(scopeGroupOf(configs[3]!, scope, scopes)).toEqual({ key: 'c-old+c-new', name: 'batching-study + precision-study' });
    expect(scopeGroups(configs, scope, scopes).map((g) => g.name)).toEqual(['batching-study', 'batching-study + precision-study', 'precision-study', WITHOUT_CAMPAIGN_NAME]);
  });
});
