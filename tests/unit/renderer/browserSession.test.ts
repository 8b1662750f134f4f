import { describe, expect, it } from 'vitest';
import { adoptSessionToken, sessionProtocols, TOKEN_STORAGE_KEY } from '../../../renderer/src/api/browserSession';

/** Issue #15, finding 3: the token travels in the fragment, is kept per tab and origin, and leaves the address bar. */
function memoryStorage(): Map<string, string> & { getItem(k: string): string | null; setItem(k: string, v: string): void } {
  const m = new Map<string, string>() as Map<string, string> & { getItem(k: string): string | null; setItem(k: string, v: string): void };
  m.getItem = (k) => m.get(k) ?? null;
  m.setItem = (k, v) => void m.set(k, v);
  return m;
}

const TOKEN = 'Zm9vYmFyYmF6cXV4LXRva2VuLWZvci10ZXN0cw_-';

describe('adoptSessionToken', () => {
  it('takes the token from #token=…, stores it for the tab and clears it from the address bar', () => {
    const storage = memoryStorage();
    const hashes: string[] = [];
    expect(adoptSessionToken(`#token=${TOKEN}`, storage, (h) => hashes.push(h))).toBe(TOKEN);
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(hashes).toEqual(['']);
  });

  it('keeps a route given after the token, and reuses the stored token on a reload', () => {
    const storage = memoryStorage();
    const hashes: string[] = [];
    adoptSessionToken(`#token=${TOKEN}&/results`, storage, (h) => hashes.push(h));
    expect(hashes).toEqual(['#/results']);
    expect(adoptSessionToken('#/settings', storage, () => hashes.push('x'))).toBe(TOKEN);
    expect(hashes).toEqual(['#/results']);
  });

  it('has no token without one, and refuses one that is not base64url (it would not fit the header)', () => {
    expect(adoptSessionToken('', memoryStorage(), () => undefined)).toBeNull();
    const storage = memoryStorage();
    expect(adoptSessionToken('#token=a%2Cb%20c-not-a-token', storage, () => undefined)).toBeNull();
    expect(storage.size).toBe(0);
    expect(adoptSessionToken(`#token=${TOKEN}`, undefined, () => undefined)).toBe(TOKEN); // storage blocked: this load only
  });

  it('offers the API protocol and the token as WebSocket subprotocols', () => {
    expect(sessionProtocols(TOKEN)).toEqual(['llem-studio', `llem-token.${TOKEN}`]);
  });
});
