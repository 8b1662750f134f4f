import { useEffect, useState } from 'react';

export const PAGES = [
  { id: 'design', label: 'Design' },
  { id: 'runs', label: 'Runs' },
  { id: 'results', label: 'Results' },
  { id: 'demo', label: 'Demo' },
  { id: 'settings', label: 'Settings' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (PAGES.find((page) => page.id === id)?.id ?? 'design') as PageId;
}

/** `#/runs/<campaign id>` opens the Runs page on that campaign. */
export function hashArgument(hash: string = window.location.hash): string | null {
  // `?…` after the path is page state (renderer/src/hooks/useHashParam.ts), not part of the argument.
  const [, arg] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  return arg ? decodeURIComponent(arg) : null;
}

/** `replace`: swap the current history entry (the page chose the campaign, not the user: Back must not return to a page that chooses again). */
export function openCampaignRuns(campaignId: string, options: { replace?: boolean } = {}): void {
  const hash = `#/runs/${encodeURIComponent(campaignId)}`;
  if (options.replace) window.location.replace(hash);
  else window.location.hash = hash;
}

/** Hash routing: the page survives a reload and works under app:// and the loopback server alike. */
export function useCurrentPage(): [PageId, (page: PageId) => void] {
  const [page, setPage] = useState<PageId>(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return [page, (next) => (window.location.hash = `#/${next}`)];
}
