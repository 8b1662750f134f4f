import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronSqliteCacheKey, resolveSqliteBinding, type SqliteRuntime } from '../../../main/sqliteBinding';
import * as script from '../../../scripts/electronNative.mjs';

/** Which better-sqlite3 build a process loads: the Node build under Node, the Electron build under Electron. */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const runtime = (over: Partial<SqliteRuntime>): SqliteRuntime => ({
  electronVersion: undefined,
  platform: 'linux',
  arch: 'x64',
  isPackaged: false,
  resourcesPath: '/opt/llem Studio/resources',
  appRoot: ROOT,
  ...over,
});
const installed = (await import(pathToFileURL(path.join(ROOT, 'node_modules/better-sqlite3/package.json')).href, { with: { type: 'json' } })) as {
  default: { version: string };
};

describe('the better-sqlite3 build each runtime loads', () => {
  it('under Node (CLI, serve, tests): the default build in node_modules, no nativeBinding', () => {
    expect(resolveSqliteBinding(runtime({}), () => false)).toMatchObject({ ok: true, value: { kind: 'node-build', nativeBinding: undefined } });
  });

  it('under Electron from the source tree: the cached Electron build for this Electron, platform and arch', () => {
    const expected = path.join(ROOT, '.cache/electron-native', `better-sqlite3-${installed.default.version}-electron-40.10.2-linux-x64`, 'better_sqlite3.node');
    const seen: string[] = [];
    const chosen = resolveSqliteBinding(runtime({ electronVersion: '40.10.2' }), (file) => (seen.push(file), true));
    expect(chosen).toEqual({ ok: true, value: { kind: 'electron-build', nativeBinding: expected, description: expect.stringContaining(expected) } });
    expect(chosen.ok && chosen.value.nativeBinding).not.toContain(path.join('node_modules', 'better-sqlite3', 'build'));
    // Another Electron or arch is another build.
    const arm = resolveSqliteBinding(runtime({ electronVersion: '41.0.0', arch: 'arm64' }), () => true);
    expect(arm.ok && arm.value.nativeBinding).toContain('electron-41.0.0-linux-arm64');
  });

  it('under Electron, a build that was never prepared is an error that says how to prepare it (never the Node build)', () => {
    const chosen = resolveSqliteBinding(runtime({ electronVersion: '40.10.2' }), () => false);
    expect(chosen).toMatchObject({ ok: false, error: { code: 'sqlite_binding_missing' } });
    expect(!chosen.ok && chosen.error.message).toMatch(/npm start.*npm run dev/);
  });

  it('in a packaged app: the build shipped in resources/native', () => {
    const file = path.join('/opt/llem Studio/resources', 'native', 'better_sqlite3.node');
    expect(resolveSqliteBinding(runtime({ electronVersion: '40.10.2', isPackaged: true }), (f) => f === file)).toMatchObject({
      ok: true,
      value: { kind: 'electron-build', nativeBinding: file },
    });
    const missing = resolveSqliteBinding(runtime({ electronVersion: '40.10.2', isPackaged: true }), () => false);
    expect(!missing.ok && missing.error.message).toMatch(/Reinstall llem Studio/);
  });

  it('the shell and the preparation script agree on the cache key', async () => {
    const target = { sqliteVersion: '12.11.1', electronVersion: '40.10.2', platform: 'darwin', arch: 'arm64' };
    expect(electronSqliteCacheKey(target)).toBe(script.electronSqliteCacheKey(target));
    expect(resolveSqliteBinding(runtime({ electronVersion: '40.10.2' }), () => true)).toMatchObject({
      value: { nativeBinding: script.electronSqliteBindingPath({ ...target, sqliteVersion: installed.default.version, platform: 'linux', arch: 'x64' }, ROOT) },
    });
  });
});
