import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../contract/result';
import type { SecretStore } from '../core/push/secretStore';

/** The part of Electron's safeStorage this store uses (injected, so tests need no Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const FileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) }).strict();
export const SAFE_SECRETS_FILE = 'secrets.safe.json';

/**
 * Ingest tokens in the desktop app: each value encrypted with Electron's safeStorage (the OS keychain:
 * Keychain, DPAPI, libsecret/kwallet), stored base64 in `<dataDir>/secrets.safe.json` with mode 0600.
 * The core only sees the SecretStore interface.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly file: string;
  readonly description: string;

  constructor(dataDir: string, private readonly safeStorage: SafeStorageLike) {
    this.file = path.join(dataDir, SAFE_SECRETS_FILE);
    this.description = `encrypted with the operating system's keychain, in ${this.file}`;
  }

  async get(key: string): Promise<Result<string | null>> {
    const all = this.read();
    if (!all.ok) return all;
    const encrypted = all.value[key];
    if (encrypted === undefined) return ok(null);
    try {
      return ok(this.safeStorage.decryptString(Buffer.from(encrypted, 'base64')));
    } catch {
      return err('secret_unreadable', `A stored token could not be decrypted (was ${this.file} copied from another user or machine?). Enter it again.`);
    }
  }

  async set(key: string, value: string): Promise<Result<void>> {
    if (!this.safeStorage.isEncryptionAvailable()) {
      return err('no_keychain', 'The operating system keychain is not available, so the token cannot be stored safely. Use the LLEM_STUDIO_TOKEN environment variable instead.');
    }
    const all = this.read();
    if (!all.ok) return all;
    all.value[key] = this.safeStorage.encryptString(value).toString('base64');
    return this.write(all.value);
  }

  async delete(key: string): Promise<Result<void>> {
    const all = this.read();
    if (!all.ok) return all;
    if (!(key in all.value)) return ok(undefined);
    delete all.value[key];
    return this.write(all.value);
  }

  private read(): Result<Record<string, string>> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(Object.create(null) as Record<string, string>);
      return err('secret_store_unreadable', `${this.file} could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      const parsed = FileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return ok(Object.assign(Object.create(null) as Record<string, string>, parsed.data.secrets));
    } catch {
      // fall through
    }
    return err('secret_store_invalid', `${this.file} is not a llem Studio secrets file; move it away to start afresh.`);
  }

  private write(secrets: Record<string, string>): Result<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify({ version: 1, secrets }), { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, this.file);
      return ok(undefined);
    } catch (e) {
      return err('secret_store_unwritable', `${this.file} could not be written: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
