import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(REPO_ROOT, 'bin/llem-studio.js');

export interface ServeHandle {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts the built `llem-studio serve --port 0` with a fresh data directory (removed by stop()) and waits for its URL. */
export async function startServe(extraEnv: NodeJS.ProcessEnv = {}): Promise<ServeHandle> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'llem-studio-e2e-'));
  const served = await serveCli(CLI, dataDir, extraEnv);
  return {
    ...served,
    async stop() {
      await served.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `node <cli> serve --port 0 --data-dir <dataDir>` — the E2E tests' bin/llem-studio.js, or the UI benchmarks'
 * private copy of the built CLI (bench/_uiHarness.ts) — resolved once it prints its tokenised URL (rejected if it
 * has not within `urlTimeoutMs`, or exits first). stop() sends SIGINT (SIGKILL after 10 s) and leaves `dataDir`.
 * Uses neither REPO_ROOT nor CLI: bundled into out/bench/ (scripts/bench.mjs), this file's location is not the tests'.
 */
export async function serveCli(cli: string, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}, urlTimeoutMs = 20_000): Promise<ServeHandle> {
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (out += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL within ${urlTimeoutMs / 1000} s:\n${out}`)), urlTimeoutMs);
    const check = () => {
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    // The token is in the fragment (`/#token=…`), which the browser never sends to the server.
    token: /^#token=([^&]*)/.exec(parsed.hash)?.[1] ?? '',
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
