import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../contract/wire';

/**
 * Browser mode's session token (issue #15, finding 3). `llem-studio serve` prints `http://127.0.0.1:<port>/#token=…`:
 * the fragment never leaves the browser. The page moves the token into sessionStorage — scoped to this exact
 * origin (port included) and to this tab, so another web service on 127.0.0.1 or a second `serve` never sees it —
 * and removes it from the address bar (history, screenshots). The WebSocket presents it as a subprotocol.
 */
export const TOKEN_STORAGE_KEY = 'llem-studio.session-token';

/** Only base64url characters are valid in the handshake header; anything else is not our token. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

export interface SessionStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Takes the token from the fragment (`#token=…`, leaving any route after `&` in place) into `storage`, and
 * returns the token this tab holds, if any. `replaceHash` rewrites the address bar without a reload.
 */
export function adoptSessionToken(
  hash: string,
  storage: SessionStorageLike | undefined,
  replaceHash: (hash: string) => void,
): string | null {
  const match = /^#token=([^&]*)(?:&(.*))?$/.exec(hash);
  if (match) {
    const token = decodeURIComponent(match[1] ?? '');
    replaceHash(match[2] ? `#${match[2]}` : '');
    if (TOKEN_SHAPE.test(token)) {
      try {
        storage?.setItem(TOKEN_STORAGE_KEY, token);
      } catch {
        // Storage disabled: the token still works for this page load (returned below), not after a reload.
      }
      return token;
    }
  }
  try {
    const stored = storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
    return stored !== null && TOKEN_SHAPE.test(stored) ? stored : null;
  } catch {
    return null;
  }
}

/** The subprotocols the page offers on the WebSocket handshake. */
export function sessionProtocols(token: string): string[] {
  return [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token];
}
