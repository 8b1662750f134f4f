import { spawn } from 'node:child_process';

/** What ran: exit code (null when it could not start or was killed), and its output. */
export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started (ENOENT…) or ran past its time limit. */
  error: string | null;
}

/**
 * Where the SLURM commands run: this machine, or a login node over SSH. `push`/`pull` move the bundle (a
 * no-op locally, where the work dir is the shared filesystem itself).
 */
export interface ClusterShell {
  describe: string;
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<ShellResult>;
  push(localDir: string, remoteDir: string): Promise<ShellResult>;
  pull(remoteDir: string, localDir: string): Promise<ShellResult>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs a program without a shell; output capped, a time limit, never throws. */
export function runProgram(command: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ShellResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (r: ShellResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stdout, stderr, error: `${command} did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s` });
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout = (stdout + c).slice(-MAX_OUTPUT)));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-MAX_OUTPUT)));
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    child.on('error', (e) => finish({ code: null, stdout, stderr, error: `cannot run ${command}: ${e.message}` }));
    child.on('close', (code) => finish({ code, stdout, stderr, error: null }));
  });
}

export function localShell(env: NodeJS.ProcessEnv = process.env): ClusterShell {
  const done: ShellResult = { code: 0, stdout: '', stderr: '', error: null };
  return {
    describe: 'this machine',
    run: (command, args, options) => runProgram(command, args, { ...options, env }),
    push: async () => done,
    pull: async () => done,
  };
}

/** POSIX shell quoting for the remote command line (ssh joins its arguments into one string for the remote shell). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * SLURM on a login node over SSH (key-based, BatchMode: never a password prompt). `sshOptions` are `-o`
 * values (e.g. `Port=2222`, `IdentityFile=~/.ssh/cluster`); the bundle goes there and back with rsync.
 */
export function sshShell(host: string, sshOptions: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): ClusterShell {
  const base = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=15', ...sshOptions.flatMap((o) => ['-o', o])];
  const sshCommand = ['ssh', ...base].map(shellQuote).join(' ');
  return {
    describe: `${host} over SSH`,
    run: (command, args, options) => runProgram('ssh', [...base, host, '--', [command, ...args].map(shellQuote).join(' ')], { ...options, env }),
    push: async (localDir, remoteDir) => {
      const made = await runProgram('ssh', [...base, host, '--', `mkdir -p ${shellQuote(remoteDir)}`], { env });
      if (made.code !== 0) return made;
      return runProgram('rsync', ['-a', '-e', sshCommand, `${localDir}/`, `${host}:${remoteDir}/`], { timeoutMs: 600_000, env });
    },
    // Only the node-written parts come back (tasks/, logs/); the rest is ours already.
    pull: (remoteDir, localDir) =>
      runProgram('rsync', ['-a', '-e', sshCommand, '--include=/tasks/***', '--include=/logs/***', '--exclude=*', `${host}:${remoteDir}/`, `${localDir}/`], { timeoutMs: 600_000, env }),
  };
}
