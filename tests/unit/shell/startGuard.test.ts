import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinaryStatus } from '../../../scripts/electronBinary.mjs';

/*
 * `npm start` (and `npm run dev`) where Electron cannot run: the real npm script, run to its end. It must stop
 * before building anything, with one message that says what is missing, how to get it, and that
 * `npm run serve` gives the same UI in a browser — and never a stack trace.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const empty = mkdtempSync(path.join(os.tmpdir(), 'llem-no-electron-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

function npm(script: string, env: Record<string, string>) {
  const result = spawnSync('npm', ['run', '--silent', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    // Generous: the guard answers in well under a second; this only stops a run that went on to build.
    timeout: 60_000,
    shell: process.platform === 'win32',
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

function expectTheOneMessage(run: ReturnType<typeof npm>, command: string) {
  expect(run.signal, 'the guard must not hang or go on to a build').toBeNull();
  expect(run.status).toBe(1);
  expect(run.output).toContain(`\`${command}\` cannot open the desktop app: the Electron binary is not installed`);
  expect(run.output).toContain('node node_modules/electron/install.js');
  expect(run.output).toContain('npm run serve');
  expect(run.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
  expect(run.output).not.toMatch(/vite|building/i); // stopped before the build
}

describe('npm start without the Electron binary', () => {
  it('npm start exits 1 at once with the one clear message (binary pointed at an empty folder)', () => {
    expectTheOneMessage(npm('start', { ELECTRON_OVERRIDE_DIST_PATH: empty }), 'npm start');
  });

  it('npm run dev says the same', () => {
    expectTheOneMessage(npm('dev', { ELECTRON_OVERRIDE_DIST_PATH: empty }), 'npm run dev');
  });

  const status = electronBinaryStatus();
  if (!status.missing) console.warn(`SKIP (this case only): the Electron binary is installed here (${status.path}); the case above covers the guard.`);
  it.skipIf(!status.missing)('npm start as installed here, where npm skipped the Electron download', () => {
    expectTheOneMessage(npm('start', {}), 'npm start');
  });
});
