import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';

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
 * The one way to the OS browser: refuses anything `isAllowedExternalUrl` refuses, and says so (the caller
 * decides whether to tell the user). `open` is `shell.openExternal`.
 */
export function createGuardedOpenExternal(open: (url: string) => Promise<void>, log: (message: string) => void = console.warn) {
  return (url: string): boolean => {
    if (!isAllowedExternalUrl(url)) {
      log(`openExternal refused: ${url.slice(0, 200)}`);
      return false;
    }
    open(url).catch((e: unknown) => log(`openExternal failed: ${(e as Error).message}`));
    return true;
  };
}

/**
 * An IPC message is served only when it comes from the top frame of one of our windows and that frame shows
 * the app:// UI: not from an iframe, not from a window we did not create, not after a navigation elsewhere.
 */
export function isAppSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  isAppWindowContents: (contents: WebContents) => boolean,
): boolean {
  const frame = event.senderFrame;
  if (!frame || !isAppUrl(frame.url)) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppWindowContents(event.sender);
}

/**
 * Navigation never leaves the app; new windows are never created; links go to the OS browser only through
 * the guarded opener.
 */
export function guardWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  // Subframes too (there are none by design; frame-ancestors/CSP keep it so).
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications via the web API, geolocation, HID/USB/serial…: the UI needs none of them. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}

/** Schemes a page of ours may load anything from: the app itself, inline data, and DevTools' own pages. */
const LOADABLE_SCHEMES = new Set([`${APP_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

export function isAllowedRequestUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return isAppUrl(url);
  return LOADABLE_SCHEMES.has(parsed.protocol);
}

/**
 * Defence in depth behind the CSP: the session refuses every request that is not for the app itself
 * (no http(s), no file://, no ws:), whatever the page (or a bug in it) asks for.
 */
export function blockNonAppRequests(session: Session, log: (message: string) => void = console.warn): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequestUrl(details.url);
    if (!allowed) log(`request blocked: ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
}
