import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../contract/result';

/**
 * Where ingest tokens are kept. The Electron shell implements this with safeStorage (OS keychain
 * encryption); the CLI and browser mode use FileSecretStore. Implementations never log values, and a
 * value is never part of an error message.
 */
export interface SecretStore {
  /** Where the secrets are, for messages (never a secret). */
  readonly description: string;
  get(key: string): Promise<Result<string | null>>;
  set(key: string, value: string): Promise<Result<void>>;
  delete(key: string): Promise<Result<void>>;
}

/** Tokens are bound to the platform's origin: a token for one platform is never sent to another. */
export function ingestTokenKey(origin: string): string {
  return `ingest-token:${origin}`;
}

export const SECRETS_FILE_NAME = 'secrets.json';

const SecretsFileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) }).strict();

/**
 * `<dataDir>/secrets.json`, mode 0600, `{"version": 1, "secrets": {key: value}}`. On POSIX a file that
 * group or others can read is refused (fix with chmod 600) rather than used. Writes go to a 0600 temp
 * file that replaces the old one, so the secrets are never readable by others, even for a moment.
 */
export class FileSecretStore implements SecretStore {
  readonly file: string;
  readonly description: string;

  constructor(dataDir: string, private readonly platform: NodeJS.Platform = process.platform) {
    this.file = path.join(dataDir, SECRETS_FILE_NAME);
    this.description = `${this.file} (readable by your user only)`;
  }

  async get(key: string): Promise<Result<string | null>> {
    const all = this.readAll();
    if (!all.ok) return all;
    return ok(all.value.get(key) ?? null);
  }

  async set(key: string, value: string): Promise<Result<void>> {
    const all = this.readAll();
    if (!all.ok) return all;
    all.value.set(key, value);
    return this.writeAll(all.value);
  }

  async delete(key: string): Promise<Result<void>> {
    const all = this.readAll();
    if (!all.ok) return all;
    if (!all.value.delete(key)) return ok(undefined);
    return this.writeAll(all.value);
  }

  /** A Map, not an object: a key such as "__proto__" must stay a key. */
  private readAll(): Result<Map<string, string>> {
    let st;
    try {
      st = statSync(this.file, { throwIfNoEntry: false });
    } catch (e) {
      return err('secret_store_error', `Cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { path: this.file });
    }
    if (!st) return ok(new Map());
    if (!st.isFile()) return err('secret_store_error', `${this.file} is not a file`, { path: this.file });
    if (this.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      return err(
        'insecure_secret_file',
        `${this.file} can be read by other users (mode ${(st.mode & 0o777).toString(8)}); it was not used. Run: chmod 600 "${this.file}"`,
        { path: this.file },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      // The message names the file only: its content is secret.
      return err('secret_store_error', `${this.file} is not valid JSON; fix or delete it (then store the token again)`, { path: this.file });
    }
    const checked = SecretsFileSchema.safeParse(parsed);
    if (!checked.success) return err('secret_store_error', `${this.file} is not a llem Studio secrets file (version 1)`, { path: this.file });
    // Entries of the parsed text itself: zod rebuilds records by assignment, which would drop "__proto__".
    return ok(new Map(Object.entries((parsed as { secrets: Record<string, string> }).secrets)));
  }

  private writeAll(secrets: Map<string, string>): Result<void> {
    const temp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const obj: Record<string, string> = {};
      for (const [k, v] of secrets) Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      writeFileSync(temp, `${JSON.stringify({ version: 1, secrets: obj }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      if (this.platform !== 'win32') chmodSync(temp, 0o600); // umask can only narrow, but be explicit
      renameSync(temp, this.file);
      return ok(undefined);
    } catch (e) {
      rmSync(temp, { force: true });
      return err('secret_store_error', `Cannot write ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: this.file });
    }
  }
}

/** In-memory store (tests, and shells that keep nothing on disk). */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory (not persisted)';
  private readonly values = new Map<string, string>();
  async get(key: string): Promise<Result<string | null>> {
    return ok(this.values.get(key) ?? null);
  }
  async set(key: string, value: string): Promise<Result<void>> {
    this.values.set(key, value);
    return ok(undefined);
  }
  async delete(key: string): Promise<Result<void>> {
    this.values.delete(key);
    return ok(undefined);
  }
}

export const TOKEN_ENV = 'LLEM_STUDIO_TOKEN';

export type TokenSource = 'env' | 'store';

/** LLEM_STUDIO_TOKEN wins; else the token stored for this origin. */
export async function resolveToken(origin: string, store: SecretStore, env: NodeJS.ProcessEnv = process.env): Promise<Result<{ token: string; source: TokenSource }>> {
  const fromEnv = env[TOKEN_ENV]?.trim();
  if (fromEnv) return ok({ token: fromEnv, source: 'env' });
  const stored = await store.get(ingestTokenKey(origin));
  if (!stored.ok) return stored;
  if (stored.value) return ok({ token: stored.value, source: 'store' });
  return err('no_token', `No token for ${origin}: set ${TOKEN_ENV}, or store it with --save-token (kept in ${store.description})`);
}
