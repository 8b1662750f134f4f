// `npm start`, `npm run dev` and `npm run e2e:electron`: check that Electron can run here, prepare the Electron
// build of better-sqlite3 (scripts/electronNative.mjs; a no-op when cached), then hand over to electron-vite or
// Playwright. The check comes first so that a machine without the Electron binary gets one clear message
// within seconds, not a build followed by a stack trace.
//
//   node scripts/desktop.mjs start | dev | e2e [-- extra args] | prepare
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { electronBinaryStatus, electronMissingMessage } from './electronBinary.mjs';
import { ROOT, prepareElectronSqlite } from './electronNative.mjs';

const ELECTRON_VITE = path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const PLAYWRIGHT = path.join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

const COMMANDS = {
  start: { npm: 'npm start', steps: [[ELECTRON_VITE, 'build'], [ELECTRON_VITE, 'preview']] },
  dev: { npm: 'npm run dev', steps: [[ELECTRON_VITE, 'dev']] },
  e2e: { npm: 'npm run e2e:electron', steps: [[PLAYWRIGHT, 'test', '-c', 'tests/e2e-electron/playwright.config.ts']] },
  prepare: { npm: 'node scripts/desktop.mjs prepare', steps: [] },
};

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function runNode(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`llem Studio: could not run ${args[0]}: ${e.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(argv) {
  const [name, ...rest] = argv;
  const command = COMMANDS[name];
  if (!command) fail(`usage: node scripts/desktop.mjs ${Object.keys(COMMANDS).join('|')} [args]`);
  const extra = rest[0] === '--' ? rest.slice(1) : rest;

  const binary = electronBinaryStatus();
  if (binary.missing) {
    // The E2E suite skips (saying why) without the binary; it needs no native build then.
    if (name !== 'e2e') fail(electronMissingMessage(binary.detail, command.npm));
  } else {
    try {
      await prepareElectronSqlite();
    } catch (e) {
      fail(`llem Studio: \`${command.npm}\` ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  for (const [index, step] of command.steps.entries()) {
    const args = index === command.steps.length - 1 ? [...step, ...extra] : step;
    const code = await runNode(args);
    if (code !== 0) process.exit(code);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e) => fail(`llem Studio: ${e instanceof Error ? e.message : String(e)}`));
}
