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
