import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../contract/result';

/*
 * Which better-sqlite3 native build a process loads. better-sqlite3 is a V8 addon (not Node-API), so one build
 * serves exactly one runtime: under Node (CLI, serve, tests) the default build `npm install` put in
 * node_modules; under Electron the Electron build, passed as better-sqlite3's `nativeBinding` option:
 *   - packaged app: <resources>/native/better_sqlite3.node (scripts/dist.mjs stages it, electron-builder.yml ships it);
 *   - from the source tree: the cache scripts/electronNative.mjs fills (`npm start`, `npm run dev`,
 *     `npm run e2e:electron`), keyed by better-sqlite3 version, Electron version, platform and arch.
 * Under Electron the Node build is never a fallback: it would fail to load ("compiled against a different
 * Node.js version"), so a missing Electron build is an error that says how to prepare it.
 */

/** Relative to the project root; keep in step with NATIVE_CACHE_DIR and electronSqliteCacheKey in scripts/electronNative.mjs. */
export const NATIVE_CACHE_DIR = path.join('.cache', 'electron-native');
export const BINDING_FILE = 'better_sqlite3.node';
export const PACKAGED_NATIVE_DIR = 'native';

export interface SqliteRuntime {
  /** process.versions.electron; undefined under plain Node. */
  electronVersion: string | undefined;
  platform: string;
  arch: string;
  /** app.isPackaged */
  isPackaged: boolean;
  /** process.resourcesPath (packaged apps) */
  resourcesPath: string;
  /** The project root when running from the source tree (app.getAppPath()). */
  appRoot: string;
}

export type SqliteBinding =
  | { kind: 'node-build'; nativeBinding: undefined; description: string }
  | { kind: 'electron-build'; nativeBinding: string; description: string };

export function electronSqliteCacheKey(target: { sqliteVersion: string; electronVersion: string; platform: string; arch: string }): string {
  return `better-sqlite3-${target.sqliteVersion}-electron-${target.electronVersion}-${target.platform}-${target.arch}`;
}

function installedSqliteVersion(appRoot: string): Result<string> {
  const file = path.join(appRoot, 'node_modules', 'better-sqlite3', 'package.json');
  try {
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    if (typeof version === 'string') return ok(version);
    return err('sqlite_binding_missing', `${file} has no version.`);
  } catch (e) {
    return err('sqlite_binding_missing', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The build this runtime must load, checked to exist (under Electron). */
export function resolveSqliteBinding(runtime: SqliteRuntime, fileExists: (file: string) => boolean = existsSync): Result<SqliteBinding> {
  if (!runtime.electronVersion) return ok({ kind: 'node-build', nativeBinding: undefined, description: 'the Node build in node_modules' });
  if (runtime.isPackaged) {
    const file = path.join(runtime.resourcesPath, PACKAGED_NATIVE_DIR, BINDING_FILE);
    if (!fileExists(file)) {
      return err('sqlite_binding_missing', `The Electron build of better-sqlite3 is missing from this installation (${file}). Reinstall llem Studio.`, { path: file });
    }
    return ok({ kind: 'electron-build', nativeBinding: file, description: `the packaged Electron build (${file})` });
  }
  const version = installedSqliteVersion(runtime.appRoot);
  if (!version.ok) return version;
  const key = electronSqliteCacheKey({ sqliteVersion: version.value, electronVersion: runtime.electronVersion, platform: runtime.platform, arch: runtime.arch });
  const file = path.join(runtime.appRoot, NATIVE_CACHE_DIR, key, BINDING_FILE);
  if (!fileExists(file)) {
    return err(
      'sqlite_binding_missing',
      `The Electron build of better-sqlite3 for Electron ${runtime.electronVersion} (${runtime.platform}-${runtime.arch}) has not been prepared: ${file} is missing. ` +
        'Start the app with `npm start` or `npm run dev`, which prepare it (or run `node scripts/desktop.mjs prepare`).',
      { path: file },
    );
  }
  return ok({ kind: 'electron-build', nativeBinding: file, description: `the Electron build ${file}` });
}
