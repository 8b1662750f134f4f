import { isIP } from 'node:net';
import { err, ok, type Result } from '../../contract/result';

export const SUBMISSIONS_PATH = 'api/v1/submissions';

export interface Endpoint {
  /** The URL that is POSTed to. */
  url: string;
  /** scheme://host[:port] — what a stored token is bound to. */
  origin: string;
}

/**
 * The platform URL → the submissions endpoint. https is required: the bearer token and the data
 * travel in the request. Plain http only to a loopback address (a test server, an SSH tunnel).
 * A URL with credentials, a query or a fragment is refused rather than guessed at.
 */
export function resolveEndpoint(input: string): Result<Endpoint> {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return err('invalid_url', `"${input}" is not a URL (expected e.g. https://platform.example.org)`, { path: 'url' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return err('invalid_url', `${u.protocol} URLs are not supported; use https://`, { path: 'url' });
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return err('insecure_url', `https is required for ${u.hostname} (plain http is allowed only for loopback addresses such as 127.0.0.1)`, {
      path: 'url',
    });
  }
  if (u.username !== '' || u.password !== '') {
    return err('invalid_url', 'Put no credentials in the URL; the token comes from LLEM_STUDIO_TOKEN or the stored one', { path: 'url' });
  }
  if (u.search !== '' || u.hash !== '') return err('invalid_url', 'The platform URL must not have a query (?…) or fragment (#…)', { path: 'url' });
  const base = u.pathname.replace(/\/+$/, '');
  const pathname = base.endsWith(`/${SUBMISSIONS_PATH}`) ? base : `${base}/${SUBMISSIONS_PATH}`;
  return ok({ url: `${u.origin}${pathname}`, origin: u.origin });
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
