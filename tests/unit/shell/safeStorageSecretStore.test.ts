import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAFE_SECRETS_FILE, SafeStorageSecretStore, type SafeStorageLike } from '../../../main/safeStorageSecretStore';

/** Stands in for Electron's safeStorage: reversible, and visibly not the plain text. */
const fakeSafeStorage = (available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
  decryptString: (buffer) => {
    const text = buffer.toString();
    if (!text.startsWith('enc:')) throw new Error('cannot decrypt');
    return Buffer.from(text.slice(4), 'hex').toString();
  },
});

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'llem-safe-'));

describe('SafeStorageSecretStore', () => {
  it('stores tokens encrypted, in a file only the user can read, and reads them back', async () => {
    const d = dir();
    const store = new SafeStorageSecretStore(d, fakeSafeStorage());
    expect(await store.set('ingest-token:https://p.example', 's3cret-token')).toEqual({ ok: true, value: undefined });
    const file = path.join(d, SAFE_SECRETS_FILE);
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-token');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o077).toBe(0);
    expect(await store.get('ingest-token:https://p.example')).toEqual({ ok: true, value: 's3cret-token' });
    expect(await store.get('ingest-token:https://other.example')).toEqual({ ok: true, value: null });
    await store.delete('ingest-token:https://p.example');
    expect(await store.get('ingest-token:https://p.example')).toEqual({ ok: true, value: null });
  });

  it('refuses to store a token when the OS keychain is unavailable', async () => {
    const result = await new SafeStorageSecretStore(dir(), fakeSafeStorage(false)).set('k', 'value-123');
    expect(result).toMatchObject({ ok: false, error: { code: 'no_keychain' } });
  });

  it('explains a damaged or foreign file instead of crashing, without echoing secrets', async () => {
    const d = dir();
    writeFileSync(path.join(d, SAFE_SECRETS_FILE), '{"version": 1, "secrets": {"k": "bm90LWVuY3J5cHRlZA=="}}');
    const store = new SafeStorageSecretStore(d, fakeSafeStorage());
    const undecryptable = await store.get('k');
    expect(undecryptable).toMatchObject({ ok: false, error: { code: 'secret_unreadable' } });
    writeFileSync(path.join(d, SAFE_SECRETS_FILE), 'garbage');
    expect(await store.get('k')).toMatchObject({ ok: false, error: { code: 'secret_store_invalid' } });
  });
});
