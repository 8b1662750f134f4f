// `npm run dist [-- <electron-builder args, e.g. --linux deb>]` and `npm run dist:test-build`.
//
// 1. rebuild the native modules (better-sqlite3) for Electron's ABI — at package time only, never in postinstall;
// 2. build main, preload, renderer and the CLI;
// 3. electron-builder with scripts/fuses.mjs (electron-builder.yml + the test-build switch);
// 4. ALWAYS rebuild better-sqlite3 back for this Node, even when 3 failed: otherwise the CLI, `serve` and the
//    tests fail afterwards with "was compiled against a different Node.js version".
import { spawnSync } from 'node:child_process';
import { TEST_BUILD_ENV } from './fuses.mjs';

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

let status = run('npx', ['electron-builder', 'install-app-deps']);
if (status === 0) status = run('npm', ['run', 'build']);
if (status === 0) status = run('npx', ['electron-builder', '--config', 'scripts/fuses.mjs', ...args]);
const restored = run('npm', ['rebuild', 'better-sqlite3']);
if (restored !== 0) console.error('\nCould not rebuild better-sqlite3 for Node: run `npm rebuild better-sqlite3` before using the CLI or the tests.');
process.exit(status !== 0 ? status : restored);
