import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GUARDIAN_MARKER, guardianInvocation, type GuardianRuntime } from '../../../core/processes/guardian';
import { isProcessAlive, processCommandLine, signalProcessTree } from '../../../core/processes/processTree';
import { ProcessRegistry, type SpawnSpec } from '../../../core/processes/registry';
import { findOnPath } from '../../../core/system/findExecutable';
import { missingDependency } from '../../helpers/externalDependency';

/**
 * One behaviour suite, run against both guardian implementations (core/processes/guardianNode.ts and
 * guardianPython.ts): whatever the desktop app (Python) or the CLI without a known Python (Node) uses, llem is
 * watched over the same way. The targets are small Node scripts standing in for llem.
 */
const cwd = mkdtempSync(path.join(os.tmpdir(), 'llem-guardian-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
/** Processes a failed test may leave behind: killed after each test, so a failure cannot hang the run. */
const leftovers: (() => void)[] = [];
afterEach(() => {
  for (const kill of leftovers.splice(0)) kill();
});

const python = findOnPath('python3') ?? findOnPath('python');
const noPython = missingDependency('Python 3 (runs the Python process guardian)', python ? null : 'neither python3 nor python is on PATH');

const GUARDIANS: { name: string; runtime: GuardianRuntime | null }[] = [
  { name: 'Node', runtime: { kind: 'node', executable: process.execPath } },
  { name: 'Python', runtime: python && !noPython ? { kind: 'python', executable: python } : null },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe.each(GUARDIANS)('the $name process guardian', ({ runtime }) => {
  if (runtime === null) return;
  // One registry for the suite, as in the app (each registry adds one process 'exit' hook).
  const r = new ProcessRegistry();
  const spec = (id: string, script: string, graceMs = 500): SpawnSpec => ({ id, command: process.execPath, args: ['-e', script], cwd, env: process.env, graceMs, guardian: runtime });

  /** Spawns a target that prints "ready" once its SIGINT handler is installed, and waits for that. */
  async function ready(id: string, script: string, onLine?: (text: string) => void) {
    let seen = '';
    let resolveReady!: () => void;
    const isReady = new Promise<void>((res) => (resolveReady = res));
    const p = r.spawn({
      ...spec(id, script + "; console.log('ready')"),
      onStdout: (c) => {
        seen += c;
        onLine?.(seen);
        if (seen.includes('ready')) resolveReady();
      },
    });
    await isReady;
    return p;
  }

  it('carries the marker on its command line (crash recovery kills only a group led by a guardian)', async () => {
    const p = await ready('group', "process.on('SIGINT', () => process.exit(130)); setInterval(() => {}, 1000)");
    const cmdline = processCommandLine(p.pid) ?? '';
    // (The first word is the interpreter itself: a launcher such as a pyenv shim execs the real python.)
    expect(path.basename(cmdline.split(' ')[0]!)).toMatch(runtime.kind === 'python' ? /^python/ : /^node/);
    expect(cmdline).toContain(GUARDIAN_MARKER);
    await p.stop('cancel');
  });

  it("reports the target's real exit code and signal, and a start failure", async () => {
    expect(await r.spawn(spec('a', 'process.exit(7)')).exited).toEqual({ code: 7, signal: null, spawnError: null, stoppedBy: null });
    expect(await r.spawn(spec('b', "process.kill(process.pid, 'SIGTERM')")).exited).toMatchObject({ code: null, signal: 'SIGTERM', spawnError: null });
    const missing = await r.spawn({ ...spec('c', ''), command: '/nonexistent/binary', args: [] }).exited;
    expect(missing).toMatchObject({ code: null, signal: null });
    expect(missing.spawnError).toContain('ENOENT');
    expect(missing.spawnError).toContain('/nonexistent/binary');
  });

  it('SIGINT to the group reaches the target while the guardian stays to report its exit', async () => {
    let sawSigint = false;
    const p = await ready('int', "process.on('SIGINT', () => { console.log('got-sigint'); setTimeout(() => process.exit(130), 300); }); setInterval(() => {}, 1000)", (text) => {
      sawSigint ||= text.includes('got-sigint');
    });
    expect(signalProcessTree(p.pid, 'SIGINT')).toBe(true);
    expect(await waitFor(() => sawSigint, 5000)).toBe(true);
    // The target is still in its 300 ms wind-down; the guardian (group leader) ignored the same SIGINT.
    expect(isProcessAlive(p.pid)).toBe(true);
    expect(await p.exited).toEqual({ code: 130, signal: null, spawnError: null, stoppedBy: null });
  });

  it.skipIf(python === null || noPython)('a Python target that keeps the default SIGINT handling is interrupted by it (the guardian\'s own SIGINT immunity is not inherited)', async () => {
    // llem is Python; Python leaves SIGINT ignored when it starts with SIGINT ignored, so a guardian that used
    // SIG_IGN instead of a handler would make every llem deaf to Stop. (Node targets reset their signals.)
    let seen = '';
    const p = r.spawn({
      ...spec('py', ''),
      command: python!,
      args: ['-c', "import time; print('ready', flush=True); time.sleep(60)"],
      graceMs: 30_000,
      onStdout: (c) => (seen += c),
    });
    expect(await waitFor(() => seen.includes('ready'), 15_000)).toBe(true);
    // Python ≥ 3.8 ends an unhandled KeyboardInterrupt by dying of SIGINT; SIGKILL would mean it ignored SIGINT.
    expect(await p.stop('cancel')).toMatchObject({ signal: 'SIGINT', stoppedBy: 'cancel' });
  }, 40_000);

  it('stop() sends SIGINT (the target decides its exit code), then SIGKILLs the group after the grace period', async () => {
    const polite = await ready('p', "process.on('SIGINT', () => process.exit(130)); setInterval(() => {}, 1000)");
    expect(await polite.stop('cancel')).toEqual({ code: 130, signal: null, spawnError: null, stoppedBy: 'cancel' });
    const stubborn = await ready('s', "process.on('SIGINT', () => {}); setInterval(() => {}, 1000)");
    const t0 = Date.now();
    const out = await stubborn.stop('timeout', 300);
    expect(out).toMatchObject({ signal: 'SIGKILL', stoppedBy: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(isProcessAlive(stubborn.pid)).toBe(false);
  });

  it('streams stdout and stderr and refuses a second process with the same id', async () => {
    let out = '';
    let errOut = '';
    const p = r.spawn({ ...spec('io', "console.log('hello'); console.error('oops'); setTimeout(() => {}, 200)"), onStdout: (c) => (out += c), onStderr: (c) => (errOut += c) });
    expect(() => r.spawn(spec('io', '0'))).toThrow(/already running/);
    expect(r.ids()).toEqual(['io']);
    await p.exited;
    expect(out).toBe('hello\n');
    expect(errOut).toBe('oops\n');
    expect(r.ids()).toEqual([]);
  });

  /**
   * The app's death, for real: a parent process starts the guardian as the registry does (detached, fd 3 a
   * pipe) and is then SIGKILLed, so the OS closes its end of fd 3. The target logs each SIGINT with a time.
   */
  async function parentDies(name: string, onSigint: string, graceMs: number) {
    const log = path.join(cwd, `${runtime!.kind}-${name}.log`);
    const target = `const fs = require('fs'); const log = ${JSON.stringify(log)}; process.on('SIGINT', () => { fs.appendFileSync(log, 'SIGINT ' + Date.now() + '\\n'); ${onSigint} }); fs.appendFileSync(${JSON.stringify(log)}, 'ready ' + process.pid + '\\n'); setInterval(() => {}, 1000)`;
    const invocation = guardianInvocation({ command: process.execPath, args: ['-e', target] }, graceMs, runtime!);
    const parentSource = `const { spawn } = require('child_process');
      const inv = JSON.parse(process.env.GUARDIAN_INVOCATION);
      const g = spawn(inv.command, inv.args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
      g.on('error', (e) => { console.error(e.message); process.exit(3); });
      g.stdio[3].on('data', () => {});
      console.log(g.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentSource], { cwd, env: { ...process.env, GUARDIAN_INVOCATION: JSON.stringify(invocation) }, stdio: ['ignore', 'pipe', 'inherit'] });
    parent.on('error', () => undefined);
    leftovers.push(() => parent.kill('SIGKILL'));
    let stdout = '';
    parent.stdout.on('data', (c: Buffer) => (stdout += c));
    const read = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    expect(await waitFor(() => /ready \d+/.test(read()) && /^\d+\n/.test(stdout), 15_000)).toBe(true);
    const guardianPid = Number(stdout.trim());
    const targetPid = Number(/ready (\d+)/.exec(read())![1]);
    leftovers.push(() => signalProcessTree(guardianPid, 'SIGKILL'));
    expect(isProcessAlive(guardianPid) && isProcessAlive(targetPid)).toBe(true);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.once('close', r));
    const killedAt = Date.now();
    return { read, guardianPid, targetPid, killedAt };
  }

  it('parent death: the target gets SIGINT and may finish; the guardian goes with it', async () => {
    const { read, guardianPid, targetPid } = await parentDies('polite', 'process.exit(130);', 5000);
    expect(await waitFor(() => read().includes('SIGINT'), 10_000)).toBe(true);
    expect(await waitFor(() => !isProcessAlive(targetPid) && !isProcessAlive(guardianPid), 10_000)).toBe(true);
  }, 40_000);

  it('parent death: a target that ignores SIGINT is SIGKILLed with its group after the grace period, not before', async () => {
    const graceMs = 1500;
    const { read, guardianPid, targetPid } = await parentDies('stubborn', '', graceMs);
    expect(await waitFor(() => read().includes('SIGINT'), 10_000)).toBe(true);
    const sigintAt = Number(/SIGINT (\d+)/.exec(read())![1]);
    expect(await waitFor(() => !isProcessAlive(targetPid), graceMs + 15_000)).toBe(true);
    // Polling sees the death at or after it happened, so this lower bound holds however loaded the machine is.
    // (The margin is for SIGINT's delivery to the target, which may lag on a loaded machine; a SIGKILL sent
    // with the SIGINT would land within a few ms.)
    expect(Date.now() - sigintAt).toBeGreaterThanOrEqual(graceMs - 500);
    expect(await waitFor(() => !isProcessAlive(guardianPid), 5000)).toBe(true);
  }, 40_000);
});
