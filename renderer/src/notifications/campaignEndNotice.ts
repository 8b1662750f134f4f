import type { RunEvent } from '../../../contract/runEvents';

type Finished = Extract<RunEvent, { type: 'campaign.finished' }>;

export interface CampaignEndNotice {
  campaignId: string;
  severity: 'success' | 'error' | 'info' | 'warning';
  title: string;
  body: string;
}

/** What to tell the user when a campaign ends: one wording for the in-app snackbar and the system notification. */
export function campaignEndNotice(event: Finished, name: string): CampaignEndNotice {
  const { counts } = event;
  const title =
    event.status === 'completed' ? `“${name}” finished` : event.status === 'cancelled' ? `“${name}” was cancelled` : `“${name}” ${event.status === 'failed' ? 'failed' : event.status}`;
  const parts = [`${counts.succeeded} of ${counts.total} runs succeeded`];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.cancelled) parts.push(`${counts.cancelled} cancelled`);
  const body = `${parts.join(', ')}.${event.message ? ` ${event.message}` : ''}`;
  const severity = event.status === 'failed' ? 'error' : event.status === 'completed' ? (counts.failed ? 'warning' : 'success') : 'info';
  return { campaignId: event.campaignId, severity, title, body };
}

/**
 * Browser mode: asks for permission to show system notifications. Call it from a click (browsers only ask on a user
 * gesture). The desktop app needs none: its shell notifies natively (main/campaignActivity.ts).
 */
export function askNotificationPermission(): void {
  if (window.llem?.desktop || typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** A system notification in browser mode when allowed; the desktop shell shows its own (no second one here). */
export function showSystemNotification(notice: CampaignEndNotice): void {
  if (window.llem?.desktop || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const note = new Notification(notice.title, { body: notice.body, tag: `campaign-${notice.campaignId}` });
    note.onclick = () => {
      window.focus();
      window.location.hash = `#/runs/${encodeURIComponent(notice.campaignId)}`;
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the in-app snackbar still says it.
  }
}
