// The Electron build of better-sqlite3, side by side with the Node build that `npm install` put in
// node_modules (which the CLI, `serve` and the tests keep using). better-sqlite3 is a V8 addon, not Node-API, so
// Electron refuses the Node build ("compiled against a different Node.js version"); the desktop app loads this
// one instead, through better-sqlite3's `nativeBinding` option (main/sqliteBinding.ts).
//
// Prepared by `npm start`, `npm run dev`, `npm run e2e:electron` and `npm run dist` (never in postinstall) into
//   .cache/electron-native/better-sqlite3-<version>-electron-<version>-<platform>-<arch>/better_sqlite3.node
// A no-op when that file is there. node_modules is never modified: the build happens in a copy of the package.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Relative to the project root; ignored by git (.cache/). Keep in step with main/sqliteBinding.ts. */
export const NATIVE_CACHE_DIR = path.join('.cache', 'electron-native');
export const BINDING_FILE = 'better_sqlite3.node';
export const STAMP_FILE = 'build.json';

/** The cache key: a build is valid for exactly one better-sqlite3 version, Electron version, platform and arch. */
export function electronSqliteCacheKey({ sqliteVersion, electronVersion, platform, arch }) {
  return `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${platform}-${arch}`;
}

export function readPackageVersion(root, name) {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Where the Electron build for this target lives (whether or not it was prepared yet). */
export function electronSqliteBindingPath(target, root = ROOT) {
  return path.join(root, NATIVE_CACHE_DIR, electronSqliteCacheKey(target), BINDING_FILE);
}

/** Runs a command, capturing its output; never throws (a failed start is exit code 127). */
export function runCommand(command, args, options) {
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      resolve({ code: 127, output: String(e?.message ?? e) });
      return;
    }
    const collect = (chunk) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (e) => resolve({ code: 127, output: `${output}\n${e.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, output: signal ? `${output}\n(killed by ${signal})` : output }));
  });
}

/**
 * The two ways to get the build, in order: the prebuilt binary better-sqlite3 publishes for this Electron
 * (prebuild-install, a download from GitHub releases), else a compile against Electron's headers (node-gyp,
 * which needs Python 3 and a C++ toolchain, and downloads the headers from electronjs.org).
 */
export function buildAttempts(target, root = ROOT) {
  const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
  return [
    {
      name: 'prebuild-install (download the prebuilt Electron binary)',
      command: process.execPath,
      args: [bin('prebuild-install', 'bin.js'), '--runtime=electron', `--target=${target.electronVersion}`, `--platform=${target.platform}`, `--arch=${target.arch}`, '--verbose'],
    },
    {
      name: "node-gyp (compile against Electron's headers)",
      command: process.execPath,
      args: [
        bin('node-gyp', path.join('bin', 'node-gyp.js')),
        'rebuild',
        '--release',
        `--target=${target.electronVersion}`,
        `--arch=${target.arch}`,
        '--dist-url=https://electronjs.org/headers',
      ],
    },
  ];
}

const tail = (text, lines = 8) => text.trim().split('\n').slice(-lines).map((l) => `      ${l}`).join('\n');

/**
 * Makes sure the Electron build for `target` is in the cache. Resolves `{ status: 'cached' | 'built', path }`;
 * rejects with an Error whose message says what failed and what to do (never a stack trace for the user).
 * `run` is injectable so tests can fake the download/compile.
 */
export async function prepareElectronSqlite({
  root = ROOT,
  electronVersion = readPackageVersion(root, 'electron'),
  platform = process.platform,
  arch = process.arch,
  run = runCommand,
  attempts,
  log = (line) => console.log(line),
} = {}) {
  const sqliteVersion = readPackageVersion(root, 'better-sqlite3');
  const target = { sqliteVersion, electronVersion, platform, arch };
  const key = electronSqliteCacheKey(target);
  const cacheDir = path.join(root, NATIVE_CACHE_DIR, key);
  const binding = path.join(cacheDir, BINDING_FILE);
  if (isPrepared(cacheDir, key)) return { status: 'cached', path: binding, key };

  log(
    `llem Studio: preparing better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${platform}-${arch}), once per version ` +
      '(a download; a few minutes if it has to compile)…',
  );
  const cacheRoot = path.join(root, NATIVE_CACHE_DIR);
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(path.join(cacheRoot, '.work-'));
  const failures = [];
  try {
    const packageCopy = path.join(work, 'better-sqlite3');
    // The package without its Node build: the copy is built for Electron, node_modules stays as it is.
    cpSync(path.join(root, 'node_modules', 'better-sqlite3'), packageCopy, {
      recursive: true,
      filter: (source) => path.relative(path.join(root, 'node_modules', 'better-sqlite3'), source).split(path.sep)[0] !== 'build',
    });
    // node-gyp keeps Electron's headers here, not in the user's ~/.cache (shared with other projects' Node headers).
    const env = { ...process.env, npm_config_devdir: path.join(cacheRoot, '.electron-gyp') };
    for (const attempt of attempts ?? buildAttempts(target, root)) {
      const result = await run(attempt.command, attempt.args, { cwd: packageCopy, env });
      const built = path.join(packageCopy, 'build', 'Release', BINDING_FILE);
      if (result.code === 0 && existsSync(built)) {
        const staged = path.join(work, 'staged');
        mkdirSync(staged);
        cpSync(built, path.join(staged, BINDING_FILE));
        writeFileSync(path.join(staged, STAMP_FILE), `${JSON.stringify({ key, ...target, method: attempt.name, builtAt: new Date().toISOString() }, null, 2)}\n`);
        rmSync(cacheDir, { recursive: true, force: true });
        renameSync(staged, cacheDir);
        log(`llem Studio: better-sqlite3 for Electron ready (${attempt.name}): ${binding}`);
        return { status: 'built', path: binding, key };
      }
      failures.push(`  - ${attempt.name}: ${result.code === 0 ? `finished without producing build/Release/${BINDING_FILE}` : `exit code ${result.code}`}\n${tail(result.output)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  throw new Error(
    [
      `could not prepare better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${platform}-${arch}).`,
      'Tried:',
      ...failures,
      'To fix: allow downloads from github.com (the prebuilt binary) or install Python 3 and a C++ compiler',
      '(build-essential / Xcode command line tools / Visual Studio Build Tools) and allow electronjs.org (the headers), then run the command again.',
      'Nothing in node_modules was changed: the CLI and `npm run serve` (the same UI in a browser) still work.',
    ].join('\n'),
  );
}

function isPrepared(cacheDir, key) {
  if (!existsSync(path.join(cacheDir, BINDING_FILE))) return false;
  try {
    return JSON.parse(readFileSync(path.join(cacheDir, STAMP_FILE), 'utf8')).key === key;
  } catch {
    return false;
  }
}
