import { randomBytes } from 'node:crypto';

/**
 * One-time links for browser-mode downloads of an export (the static site as a .zip). The page is authenticated on its
 * WebSocket only (the token never goes into a URL a server sees, and there is no cookie), so a plain link cannot carry
 * it: export.downloadLink, asked over the authenticated socket, issues a ticket — 256 random bits, bound to one export,
 * good for one request within TICKET_TTL_MS — and the loopback server's download route (core/server/exportDownloads.ts)
 * takes it. A used, expired or unknown ticket is refused.
 */

export const TICKET_TTL_MS = 60_000;
/** Tickets held at once; the oldest go first (nobody needs hundreds of unclaimed downloads). */
const MAX_TICKETS = 100;

export interface DownloadTicket {
  ticket: string;
  exportId: string;
  expiresAt: number;
}

export class DownloadTickets {
  private readonly tickets = new Map<string, DownloadTicket>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(exportId: string): DownloadTicket {
    this.prune();
    while (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value!);
    const t = { ticket: randomBytes(32).toString('hex'), exportId, expiresAt: this.now() + TICKET_TTL_MS };
    this.tickets.set(t.ticket, t);
    return t;
  }

  /** The export a ticket is for, once: the ticket is gone afterwards. Null when unknown, used or expired. */
  take(ticket: string): string | null {
    const t = this.tickets.get(ticket);
    if (!t) return null;
    this.tickets.delete(ticket);
    return t.expiresAt > this.now() ? t.exportId : null;
  }

  private prune(): void {
    const now = this.now();
    for (const [k, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(k);
  }
}

const byContext = new WeakMap<object, DownloadTickets>();

/** The tickets of one core (the API handler issues, the server's route takes: both find them by the core's context). */
export function downloadTicketsOf(context: object): DownloadTickets {
  let t = byContext.get(context);
  if (!t) {
    t = new DownloadTickets();
    byContext.set(context, t);
  }
  return t;
}
