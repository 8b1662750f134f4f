// `npm run dist [-- <electron-builder args, e.g. --linux deb>]` and `npm run dist:test-build`.
//
// 1. prepare the Electron build of better-sqlite3 in the cache (scripts/electronNative.mjs; a no-op when cached).
//    node_modules keeps its Node build, so the CLI, `serve` and the tests work before, during and after;
// 2. build main, preload, renderer and the CLI;
// 3. stage the Electron build at out/native/, which electron-builder.yml ships as resources/native/
//    (main/sqliteBinding.ts loads it from there in a packaged app);
// 4. electron-builder with scripts/fuses.mjs (electron-builder.yml + the test-build switch).
// The native build is for this machine's platform and arch: build each platform's package on that platform.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { BINDING_FILE, ROOT, prepareElectronSqlite } from './electronNative.mjs';
import { TEST_BUILD_ENV } from './fuses.mjs';

const STAGED_NATIVE_DIR = path.join('out', 'native');

const args = process.argv.slice(2);
const env = { ...process.env };
if (args[0] === '--test-build') {
  args.shift();
  env[TEST_BUILD_ENV] = '1';
}

function run(command, commandArgs) {
  console.log(`\n> ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  return result.status ?? 1;
}

let prepared;
try {
  prepared = await prepareElectronSqlite();
} catch (e) {
  console.error(`\nnpm run dist: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
let status = run('npm', ['run', 'build']);
if (status === 0) {
  mkdirSync(path.join(ROOT, STAGED_NATIVE_DIR), { recursive: true });
  copyFileSync(prepared.path, path.join(ROOT, STAGED_NATIVE_DIR, BINDING_FILE));
  status = run('npx', ['electron-builder', '--config', 'scripts/fuses.mjs', ...args]);
}
process.exit(status);
