import { z } from 'zod';

/**
 * The guardian is a tiny Node program (run with `node -e`, so no file needs to ship beside a bundle) that sits
 * between the app and llem:
 *
 *   app ──(spawn, detached: own process group)──▶ guardian ──(same group)──▶ llem ──▶ llem's own children
 *        ◀──────── fd 3: JSON lines (spawned / exit / spawn-error) ────────
 *
 * Why: if the app dies without warning (kill -9, power-button quit, Electron crash) nothing else would stop
 * a GPU run that may last hours. The OS closes the app's end of fd 3 whatever way the app dies; the guardian
 * sees that, sends SIGINT to its group (llem exits 130 and releases the GPU), and SIGKILLs the group after a
 * grace period. While the app is alive the guardian ignores SIGINT, so the app's "SIGINT the group" reaches
 * llem and the guardian stays to report llem's real exit code or signal over fd 3.
 */
export const GUARDIAN_MARKER = 'llem-studio-guardian';

export const GUARDIAN_SOURCE = String.raw`'use strict';
const { spawn } = require('node:child_process');
const net = require('node:net');
const argv = process.argv.slice(1);
const graceMs = Number(argv[1]) || 10000;
const command = argv[2];
const args = argv.slice(3);
let control = null;
try { control = new net.Socket({ fd: 3, readable: true, writable: true }); } catch { control = null; }
const send = (msg) => {
  if (control && !control.destroyed) { try { control.write(JSON.stringify(msg) + '\n'); } catch {} }
};
let child = null;
let childExited = false;
let orphaned = false;
const killGroup = (signal) => {
  if (process.platform === 'win32') {
    if (child && child.pid) spawn('taskkill', ['/T', '/F', '/PID', String(child.pid)], { stdio: 'ignore', windowsHide: true });
    return;
  }
  try { process.kill(-process.pid, signal); } catch {}
};
const finish = (code) => {
  if (orphaned) killGroup('SIGKILL');
  const exit = () => process.exit(code);
  if (control && !control.destroyed) { control.end(exit); setTimeout(exit, 2000); } else exit();
};
const parentGone = () => {
  if (orphaned || childExited) return;
  orphaned = true;
  killGroup('SIGINT');
  setTimeout(() => killGroup('SIGKILL'), graceMs);
};
if (control) {
  control.on('error', parentGone);
  control.on('end', parentGone);
  control.on('close', parentGone);
  control.resume();
}
process.on('SIGINT', () => {});
const env = Object.assign({}, process.env);
delete env.ELECTRON_RUN_AS_NODE;
try {
  child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env, windowsHide: true });
} catch (e) {
  childExited = true;
  send({ type: 'spawn-error', message: String(e && e.message || e) });
  finish(127);
}
if (child) {
  child.on('spawn', () => send({ type: 'spawned', pid: child.pid }));
  child.on('error', (e) => { childExited = true; send({ type: 'spawn-error', message: String(e && e.message || e) }); finish(127); });
  child.on('exit', (code, signal) => {
    childExited = true;
    send({ type: 'exit', code, signal });
    finish(code === null ? 1 : code);
  });
}
`;

/** Messages the guardian writes on fd 3, validated at this process boundary. */
export const GuardianMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('spawned'), pid: z.number().int().positive() }),
  z.object({ type: z.literal('spawn-error'), message: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type GuardianMessage = z.infer<typeof GuardianMessageSchema>;

/**
 * How to start the guardian with the current runtime. Under Electron `process.execPath` is the Electron
 * binary, which behaves as plain Node only with ELECTRON_RUN_AS_NODE=1 (the guardian removes it for llem).
 */
export function guardianInvocation(
  target: { command: string; args: string[] },
  graceMs: number,
): { command: string; args: string[]; extraEnv: Record<string, string> } {
  const isElectron = typeof process.versions.electron === 'string';
  return {
    command: process.execPath,
    args: ['-e', GUARDIAN_SOURCE, '--', GUARDIAN_MARKER, String(Math.max(0, Math.round(graceMs))), target.command, ...target.args],
    extraEnv: isElectron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}
