import type { Session, WebContents } from 'electron';

/** The scheme the UI is served from; confined to the built renderer folder (see appProtocol.ts). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://ui`;

/** Hosts that links in the UI may open in the user's browser (docs, the llem project, the leaderboard). */
export const EXTERNAL_LINK_ALLOWLIST = ['github.com', 'pypi.org', 'ml.energy'];

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** https only, and only to allow-listed hosts (or their subdomains); no credentials in the URL. */
export function isAllowedExternalUrl(url: string, allowlist: readonly string[] = EXTERNAL_LINK_ALLOWLIST): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return allowlist.some((host) => parsed.hostname === host || parsed.hostname.endsWith(`.${host}`));
}

/**
 * Navigation never leaves the app; new windows are never created; links go to the OS browser only through
 * the guarded opener.
 */
export function guardWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications via the web API, geolocation…: the UI needs none of them. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
