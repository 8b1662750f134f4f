import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { prepareElectronSqlite, type CommandRunner } from '../../../scripts/electronNative.mjs';

/*
 * The preparation of the Electron build of better-sqlite3 (scripts/electronNative.mjs), with the download and
 * the compile faked: there is no network to GitHub releases or electronjs.org here.
 */

let root: string;
const target = { electronVersion: '40.10.2', platform: 'linux', arch: 'x64' };
const log = () => undefined;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'llem-native-'));
  const pkg = path.join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
  mkdirSync(path.join(pkg, 'src'), { recursive: true });
  writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  writeFileSync(path.join(pkg, 'src', 'better_sqlite3.cpp'), '// source');
  writeFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'NODE BUILD');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A fake prebuild-install/node-gyp: writes a build into the package copy it runs in, like the real ones. */
const producing = (content: string): CommandRunner =>
  vi.fn(async (_command, _args, { cwd }) => {
    expect(existsSync(path.join(cwd, 'build')), 'the copy starts without the Node build').toBe(false);
    mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), content);
    return { code: 0, output: 'ok' };
  });
const failing = (output: string): CommandRunner => vi.fn(async () => ({ code: 1, output }));
const cacheFile = () => path.join(root, '.cache/electron-native/better-sqlite3-12.11.1-electron-40.10.2-linux-x64/better_sqlite3.node');

describe('preparing the Electron build of better-sqlite3', () => {
  it('cache miss: builds in a copy of the package, stores it under the version/platform/arch key, and leaves node_modules alone', async () => {
    const run = producing('ELECTRON BUILD');
    const result = await prepareElectronSqlite({ root, ...target, run, log });
    expect(result).toEqual({ status: 'built', path: cacheFile(), key: 'better-sqlite3-12.11.1-electron-40.10.2-linux-x64' });
    expect(readFileSync(cacheFile(), 'utf8')).toBe('ELECTRON BUILD');
    expect(readFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 'utf8')).toBe('NODE BUILD');
    // The first way tried is the prebuilt download for this Electron.
    const [command, args] = (run as ReturnType<typeof vi.fn>).mock.calls[0]!;
    expect(command).toBe(process.execPath);
    expect(args).toEqual(expect.arrayContaining([expect.stringContaining('prebuild-install'), '--runtime=electron', '--target=40.10.2', '--arch=x64']));
    const stamp = JSON.parse(readFileSync(path.join(path.dirname(cacheFile()), 'build.json'), 'utf8')) as Record<string, string>;
    expect(stamp).toMatchObject({ key: result.key, electronVersion: '40.10.2', method: expect.stringContaining('prebuild-install') });
    // No work folder is left behind.
    expect(readdirSync(path.join(root, '.cache/electron-native')).filter((n) => n.startsWith('.work-'))).toEqual([]);
  });

  it('cache hit: nothing runs', async () => {
    await prepareElectronSqlite({ root, ...target, run: producing('ELECTRON BUILD'), log });
    const run = vi.fn();
    expect(await prepareElectronSqlite({ root, ...target, run, log })).toMatchObject({ status: 'cached', path: cacheFile() });
    expect(run).not.toHaveBeenCalled();
  });

  it('another Electron version is another cache entry', async () => {
    await prepareElectronSqlite({ root, ...target, run: producing('40'), log });
    const run = producing('41');
    const next = await prepareElectronSqlite({ root, ...target, electronVersion: '41.0.0', run, log });
    expect(next.status).toBe('built');
    expect(next.path).toContain('electron-41.0.0-linux-x64');
    expect(readFileSync(cacheFile(), 'utf8')).toBe('40');
  });

  it('falls back to compiling against Electron headers when the download fails', async () => {
    let call = 0;
    const run: CommandRunner = vi.fn(async (command, args, options) => {
      call += 1;
      if (call === 1) return { code: 1, output: 'prebuild-install warn install No prebuilt binaries found' };
      return producing('COMPILED')(command, args, options);
    });
    const result = await prepareElectronSqlite({ root, ...target, run, log });
    expect(result.status).toBe('built');
    expect(readFileSync(cacheFile(), 'utf8')).toBe('COMPILED');
    const [, args] = (run as ReturnType<typeof vi.fn>).mock.calls[1]!;
    expect(args).toEqual(expect.arrayContaining(['rebuild', '--target=40.10.2', '--dist-url=https://electronjs.org/headers']));
  });

  it('failure: a message that names each attempt, its output, and what to do; nothing half-written in the cache', async () => {
    const run = failing('gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org');
    const error = await prepareElectronSqlite({ root, ...target, run, log }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/could not prepare better-sqlite3 12\.11\.1 for Electron 40\.10\.2 \(linux-x64\)/);
    expect(error!.message).toContain('prebuild-install');
    expect(error!.message).toContain('node-gyp');
    expect(error!.message).toContain('ENOTFOUND electronjs.org');
    expect(error!.message).toContain('npm run serve');
    expect(existsSync(cacheFile())).toBe(false);
    expect(readdirSync(path.join(root, '.cache/electron-native')).filter((n) => n.startsWith('.work-'))).toEqual([]);
  });

  it('a command that exits 0 without producing the file is a failure too', async () => {
    const run: CommandRunner = vi.fn(async () => ({ code: 0, output: '' }));
    await expect(prepareElectronSqlite({ root, ...target, run, log })).rejects.toThrow(/finished without producing build\/Release\/better_sqlite3\.node/);
  });

  it('a cache entry without its stamp (an interrupted copy) is built again', async () => {
    mkdirSync(path.dirname(cacheFile()), { recursive: true });
    writeFileSync(cacheFile(), 'TRUNCATED');
    const run = producing('ELECTRON BUILD');
    expect((await prepareElectronSqlite({ root, ...target, run, log })).status).toBe('built');
    expect(readFileSync(cacheFile(), 'utf8')).toBe('ELECTRON BUILD');
  });
});

