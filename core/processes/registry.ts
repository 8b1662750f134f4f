import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { chooseGuardianRuntime, GuardianMessageSchema, guardianInvocation, type GuardianMessage, type GuardianRuntime } from './guardian';
import { LineSplitter } from './lineSplitter';
import { signalProcessTree } from './processTree';

/** Why the app stopped a process (null in ProcessExit = it ended on its own). */
export type StopReason = 'cancel' | 'timeout' | 'shutdown';

export interface ProcessExit {
  /** The exit code of the target (llem), as the guardian saw it; null when it died by a signal. */
  code: number | null;
  signal: string | null;
  /** Set when the target could not be started at all (ENOENT, EACCES…). */
  spawnError: string | null;
  stoppedBy: StopReason | null;
}

export interface SpawnSpec {
  /** Registry key, e.g. `run:42`. One live process per id. */
  id: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How long SIGINT may take before SIGKILL, both for stop() and for the guardian after an app crash. */
  graceMs: number;
  /**
   * Which guardian implementation runs the target (see guardian.ts). Default: this process's Node, which
   * exists only outside Electron; under Electron a missing runtime makes spawn() throw, never run unguarded.
   */
  guardian?: GuardianRuntime;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** The guardian reported the target (llem) started: where the app's spawn ends and the target's own start begins. */
  onTargetSpawned?: () => void;
}

export interface ManagedProcess {
  readonly id: string;
  /** Pid of the guardian = the process group id (what to signal, what to record for crash recovery). */
  readonly pid: number;
  readonly exited: Promise<ProcessExit>;
  /** SIGINT the group, SIGKILL it after the grace period; resolves when it is gone. First reason wins. */
  stop(reason: StopReason, graceMs?: number): Promise<ProcessExit>;
}

/** The guardian when the caller chose none: this process's Node. Under Electron there is none: an error, not an unguarded llem. */
function defaultGuardian(): GuardianRuntime {
  const chosen = chooseGuardianRuntime({ python: null });
  if (!chosen.ok) throw new Error(chosen.error.message);
  return chosen.value;
}

/**
 * Every child process the app owns, keyed by id. Each target runs under a guardian (see guardian.ts) in its
 * own process group, so stopping reaches the whole tree and an app crash never leaves an orphan behind.
 */
export class ProcessRegistry {
  private readonly live = new Map<string, ManagedProcess>();
  private exitHookInstalled = false;

  spawn(spec: SpawnSpec): ManagedProcess {
    if (this.live.has(spec.id)) throw new Error(`a process with id ${spec.id} is already running`);
    this.installExitHook();
    const invocation = guardianInvocation({ command: spec.command, args: spec.args }, spec.graceMs, spec.guardian ?? defaultGuardian());
    const child = spawn(invocation.command, invocation.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    const managed = this.track(spec, child);
    this.live.set(spec.id, managed);
    void managed.exited.finally(() => this.live.delete(spec.id));
    return managed;
  }

  get(id: string): ManagedProcess | undefined {
    return this.live.get(id);
  }

  ids(): string[] {
    return [...this.live.keys()];
  }

  /** Stops every live process (gracefully, in parallel) and waits for all of them. */
  async stopAll(reason: StopReason, graceMs?: number): Promise<void> {
    await Promise.all([...this.live.values()].map((p) => p.stop(reason, graceMs)));
  }

  /**
   * Last resort on app exit (synchronous; nothing can be awaited in an 'exit' handler): SIGINT every group.
   * The guardians see the app's end of fd 3 close at the same moment and escalate to SIGKILL after their grace.
   */
  signalAllNow(): void {
    for (const p of this.live.values()) signalProcessTree(p.pid, 'SIGINT');
  }

  private installExitHook(): void {
    if (this.exitHookInstalled) return;
    this.exitHookInstalled = true;
    process.once('exit', () => this.signalAllNow());
  }

  private track(spec: SpawnSpec, child: ChildProcess): ManagedProcess {
    let stoppedBy: StopReason | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    let lastMessage: GuardianMessage | null = null;
    let done = false;

    const control = child.stdio[3] as Readable | null;
    if (control) {
      const splitter = new LineSplitter((line) => {
        if (line.trim() === '') return;
        try {
          const parsed = GuardianMessageSchema.safeParse(JSON.parse(line));
          if (parsed.success && parsed.data.type === 'spawned') spec.onTargetSpawned?.();
          if (parsed.success && parsed.data.type !== 'spawned') lastMessage = parsed.data;
          else if (parsed.success && lastMessage === null) lastMessage = parsed.data;
        } catch {
          // not JSON: ignore; the guardian's exit status still tells us something
        }
      });
      control.on('data', (chunk: Buffer) => splitter.push(chunk));
      control.on('end', () => splitter.end());
      control.on('error', () => undefined);
    }
    if (spec.onStdout) child.stdout?.on('data', spec.onStdout);
    else child.stdout?.resume();
    if (spec.onStderr) child.stderr?.on('data', spec.onStderr);
    else child.stderr?.resume();

    const exited = new Promise<ProcessExit>((resolve) => {
      const settle = (guardianCode: number | null, guardianSignal: NodeJS.Signals | null, startError?: string) => {
        if (done) return;
        done = true;
        if (killTimer) clearTimeout(killTimer);
        // Give the control pipe a moment to deliver the guardian's last message (it is written before exit).
        setImmediate(() => {
          const msg = lastMessage as GuardianMessage | null;
          if (startError !== undefined) {
            resolve({ code: null, signal: null, spawnError: startError, stoppedBy });
          } else if (msg?.type === 'exit') {
            resolve({ code: msg.code, signal: msg.signal, spawnError: null, stoppedBy });
          } else if (msg?.type === 'spawn-error') {
            resolve({ code: null, signal: null, spawnError: msg.message, stoppedBy });
          } else {
            resolve({ code: guardianCode, signal: guardianSignal, spawnError: null, stoppedBy });
          }
        });
      };
      child.on('error', (e) => settle(null, null, `could not start the process guardian: ${e.message}`));
      child.on('exit', (code, signal) => {
        // Whatever the target left behind in its group (e.g. a worker that ignored SIGINT) goes now; that also
        // closes the output pipes those leftovers held open.
        if (process.platform !== 'win32' && child.pid) signalProcessTree(child.pid, 'SIGKILL');
        // A process that escaped the group (setsid) could hold the pipes forever: do not wait for it.
        setTimeout(() => settle(code, signal), 5000).unref();
      });
      // 'close' waits for stdio to end, so the fd 3 message and the last output lines are in.
      child.on('close', (code, signal) => settle(code, signal));
    });

    const stop = (reason: StopReason, graceMs = spec.graceMs): Promise<ProcessExit> => {
      if (done) return exited;
      if (stoppedBy === null) {
        stoppedBy = reason;
        if (child.pid) signalProcessTree(child.pid, 'SIGINT');
        killTimer = setTimeout(() => {
          if (!done && child.pid) signalProcessTree(child.pid, 'SIGKILL');
        }, graceMs);
      }
      return exited;
    };

    return { id: spec.id, pid: child.pid ?? -1, exited, stop };
  }
}
