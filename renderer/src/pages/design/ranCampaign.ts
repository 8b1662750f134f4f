/**
 * A campaign that has run, opened in Design: its design stays as it ran, so nothing is saved until the user
 * chooses "Save as new campaign" or "Run again" (issue 17, point 8: no silent "(copy)").
 */
export interface RanCampaign {
  id: string;
  name: string;
  status: string;
}

/** A name for the new campaign that no campaign has yet: "sweep (2)", "sweep (3)", … (the user may change it). */
export function nextCampaignName(original: string, existing: readonly string[]): string {
  const base = original.replace(/ \(\d+\)$/, '');
  const taken = new Set(existing);
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The banner's first sentence for a campaign in this status. */
export function ranCampaignWords(campaign: RanCampaign): string {
  const how =
    campaign.status === 'completed'
      ? 'has run'
      : campaign.status === 'running' || campaign.status === 'queued'
        ? 'is running'
        : campaign.status === 'paused'
          ? 'is paused part-way'
          : `ended ${campaign.status}`;
  return `“${campaign.name}” ${how}, so its design stays as it ran. You are looking at it here; edits are not saved until you choose one of these.`;
}
