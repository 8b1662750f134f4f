import { execFile } from 'node:child_process';

export interface Captured {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started or was killed for running past the timeout. */
  failure?: string;
}

/**
 * Runs a short-lived helper command (`llem --version`, `nvidia-smi -L`) with a hard timeout and an output cap,
 * never throwing: probes must not take the app down when a tool is broken or hangs.
 */
export function execCapture(file: string, args: string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<Captured> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, env: options.env ?? process.env, windowsHide: true, ...(options.cwd ? { cwd: options.cwd } : {}) },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr });
        const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (e.killed) return resolve({ exitCode: null, stdout, stderr, failure: `timed out after ${options.timeoutMs} ms` });
        if (typeof e.code === 'number') return resolve({ exitCode: e.code, stdout, stderr });
        resolve({ exitCode: null, stdout, stderr, failure: e.message });
      },
    );
  });
}
