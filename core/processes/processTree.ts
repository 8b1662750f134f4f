import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Signals a whole process group (POSIX) or process tree (Windows). Children are spawned `detached`, which on
 * POSIX makes them lead their own group, so `-pid` reaches llem and everything llem started (multiprocessing
 * workers, vLLM engine processes) without touching the app. Returns false when nothing was there to signal.
 */
export function signalProcessTree(pid: number, signal: NodeJS.Signals, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') {
    // Windows has no process groups or SIGINT for console-less children: taskkill /T walks the tree.
    // A graceful first step is impossible there, so every signal is a forced kill.
    try {
      execFileSync('taskkill', ['/T', '/F', '/PID', String(pid)], { stdio: 'ignore', windowsHide: true });
      return true;
    } catch {
      return false;
    }
  }
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while `pid` names a running process. A zombie (exited, not yet reaped — common for orphans inside
 * containers whose PID 1 does not reap) counts as dead: it holds no resources and cannot be signalled away.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 3 (after the parenthesised command, which may itself contain spaces or parentheses).
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The command line of a live process, or null when it cannot be read (gone, or not Linux/macOS). */
export function processCommandLine(pid: number): string | null {
  if (process.platform === 'linux') {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return null;
    }
  }
  if (process.platform === 'darwin') {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
    } catch {
      return null;
    }
  }
  return null;
}
