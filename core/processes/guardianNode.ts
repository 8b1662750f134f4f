/**
 * The Node implementation of the process guardian (protocol: guardian.ts). Run as `node -e` with the Node that
 * runs the CLI or `serve`, so no file has to ship beside a bundle. Never run with the Electron binary: the
 * desktop app's runAsNode fuse is off, so it uses the Python implementation (guardianPython.ts).
 * Arguments after `--`: marker, grace period in ms, command, command's arguments.
 */
export const GUARDIAN_NODE_SOURCE = String.raw`'use strict';
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
    if (child && child.pid) spawn('taskkill', ['/T', '/F', '/PID', String(child.pid)], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
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
try {
  child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], windowsHide: true });
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
