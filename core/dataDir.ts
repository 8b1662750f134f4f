import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Environment variable that overrides the data directory for the app, the CLI and serve mode alike. */
export const DATA_DIR_ENV = 'LLEM_STUDIO_DATA_DIR';

/**
 * The one default data directory shared by the Electron app, the CLI and serve mode, so a campaign
 * started in one is seen in the others. It matches Electron's `app.getPath('userData')` for the
 * product name "llem Studio" on each platform (the shell passes it explicitly anyway).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env[DATA_DIR_ENV];
  if (override && override.trim() !== '') return path.resolve(override);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'llem Studio');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'llem Studio');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'llem Studio');
}

/** `--data-dir` wins, then the env var, then the platform default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ? path.resolve(flag) : defaultDataDir(env);
}

/**
 * Creates the data folder readable by its owner only (0700, whatever the umask), so other users of a shared GPU
 * server cannot read the database, run folders or llem's outputs (issue #15, finding 10). An existing folder is
 * left as it is: `--data-dir` may name a folder the user shares on purpose, and chmod on it would be a surprise.
 */
export function ensurePrivateDataDir(dataDir: string): void {
  if (existsSync(dataDir)) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dataDir, 0o700);
}

/**
 * Makes `file` owner-only (0600): created empty if missing (SQLite then gives its -wal and -shm files the same
 * mode), tightened if it exists with group or other bits — it is llem Studio's own file.
 */
export function ensurePrivateFile(file: string): void {
  if (process.platform === 'win32') return;
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
}
