import type { ConfigView } from '../../../../contract/apiResults';
import type { ResultScopesView } from '../../../../contract/apiResultScope';

/**
 * The Results page's campaign scope as data: which campaigns' results the charts, headline and table show,
 * kept in the URL hash (`#/results?campaigns=<id>,<id>&loose=1&reference=1`) so it survives a reload and a link.
 * Pure: tested in tests/unit/renderer/resultsScope.test.ts.
 */
export interface ResultScope {
  campaignIds: string[];
  /** Own results of no campaign: imported files and the shipped H100 sample runs. */
  withoutCampaign: boolean;
}

/** The hash parameters the scope is kept in (read and written with renderer/src/hooks/useHashParam.ts). */
export const SCOPE_PARAM = { campaigns: 'campaigns', withoutCampaign: 'loose', reference: 'reference' } as const;

/** The name of the results of no campaign, wherever the scope is shown. */
export const WITHOUT_CAMPAIGN_NAME = 'Imported, no campaign (e.g. the H100 sample)';

/**
 * The scope the URL asks for, or, when it asks for none, the default: the most recent campaign that has results
 * (else the results of no campaign, when those are all there is). Campaigns the store does not hold are dropped.
 */
export function scopeFromUrl(campaignsParam: string | null, looseParam: string | null, scopes: ResultScopesView | null): ResultScope {
  if (campaignsParam === null && looseParam === null) return defaultScope(scopes);
  const known = scopes ? new Set(scopes.campaigns.map((c) => c.id)) : null;
  const campaignIds = (campaignsParam ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((id) => id !== '' && (known === null || known.has(id)));
  return { campaignIds: [...new Set(campaignIds)], withoutCampaign: looseParam === '1' };
}

export function defaultScope(scopes: ResultScopesView | null): ResultScope {
  const latest = scopes?.campaigns[0];
  if (latest) return { campaignIds: [latest.id], withoutCampaign: false };
  return { campaignIds: [], withoutCampaign: (scopes?.withoutCampaign.results ?? 0) > 0 };
}

/** The URL form of a scope: `campaigns` is always written (an empty list is a choice, not "the default"). */
export function scopeToUrl(scope: ResultScope): { campaigns: string; loose: string | null } {
  return { campaigns: scope.campaignIds.join(','), loose: scope.withoutCampaign ? '1' : null };
}

/** The filter the API takes for a scope (contract/apiResults.ts campaignIds / withoutCampaign). */
export function scopeFilter(scope: ResultScope): { campaignIds: string[]; withoutCampaign: boolean } {
  return { campaignIds: scope.campaignIds, withoutCampaign: scope.withoutCampaign };
}

export function scopeIsEmpty(scope: ResultScope): boolean {
  return scope.campaignIds.length === 0 && !scope.withoutCampaign;
}

/** "batching-study", "batching-study + precision-study", "2 campaigns + imported": the scope in a few words. */
export function scopeSummary(scope: ResultScope, scopes: ResultScopesView | null): string {
  const names = scope.campaignIds.map((id) => scopes?.campaigns.find((c) => c.id === id)?.name ?? id);
  const parts = names.length <= 2 ? names : [`${names.length} campaigns`];
  if (scope.withoutCampaign) parts.push(names.length > 0 ? 'imported results' : WITHOUT_CAMPAIGN_NAME);
  return parts.length > 0 ? parts.join(' + ') : 'nothing';
}

/** One colour group of the charts: a campaign of the scope, or the results of no campaign. */
export interface ScopeGroup {
  key: string;
  name: string;
}

/**
 * The group a configuration is coloured by: the first scope campaign it was measured in (a configuration measured
 * in two campaigns of the scope names both), or the results of no campaign.
 */
export function scopeGroupOf(config: Pick<ConfigView, 'campaignIds'>, scope: ResultScope, scopes: ResultScopesView | null): ScopeGroup {
  const inScope = scope.campaignIds.filter((id) => config.campaignIds.includes(id));
  if (inScope.length === 0) return { key: '', name: WITHOUT_CAMPAIGN_NAME };
  const name = (id: string) => scopes?.campaigns.find((c) => c.id === id)?.name ?? id;
  return { key: inScope.join('+'), name: inScope.map(name).join(' + ') };
}

/** The groups present among `configs`, in scope order; a single group means "nothing to colour by". */
export function scopeGroups(configs: readonly Pick<ConfigView, 'campaignIds'>[], scope: ResultScope, scopes: ResultScopesView | null): ScopeGroup[] {
  const seen = new Map<string, ScopeGroup>();
  for (const c of configs) {
    const g = scopeGroupOf(c, scope, scopes);
    if (!seen.has(g.key)) seen.set(g.key, g);
  }
  const order = (key: string) => (key === '' ? Number.MAX_SAFE_INTEGER : scope.campaignIds.indexOf(key.split('+')[0]!));
  return [...seen.values()].sort((a, b) => order(a.key) - order(b.key) || a.key.localeCompare(b.key));
}
