import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LineSplitter } from '../processes/lineSplitter';
import { ReplySchema } from './protocol';

/** resources/adaptive beside this install: core/adaptive/ in the source tree, out/cli/ or out/main/ when bundled. */
export function defaultSidecarScript(): string {
  return fileURLToPath(new URL('../../resources/adaptive/optuna_sidecar.py', import.meta.url));
}

/**
 * The Python that runs the sidecar: it must be llem's own venv (scripts/setup-adaptive-sidecar.sh installs Optuna
 * there). An explicit choice wins, then LLEM_STUDIO_ADAPTIVE_PYTHON, then the `python` beside the llem executable,
 * then the repository's .cache/llem-venv (a development checkout).
 */
export function resolveSidecarPython(options: { explicit?: string | null; llemCommand?: string | null; env?: NodeJS.ProcessEnv } = {}): string {
  const env = options.env ?? process.env;
  if (options.explicit) return options.explicit;
  if (env.LLEM_STUDIO_ADAPTIVE_PYTHON) return env.LLEM_STUDIO_ADAPTIVE_PYTHON;
  if (options.llemCommand) {
    const beside = path.join(path.dirname(options.llemCommand), process.platform === 'win32' ? 'python.exe' : 'python');
    if (/python[\d.]*(\.exe)?$/i.test(path.basename(options.llemCommand))) return options.llemCommand;
    if (existsSync(beside)) return beside;
  }
  return fileURLToPath(new URL('../../.cache/llem-venv/bin/python', import.meta.url));
}

/** A reply that says the sidecar refused a request (bad field, unknown trial, …): the request was at fault. */
export class SidecarRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fieldPath?: string,
  ) {
    super(fieldPath ? `${message} (at ${fieldPath})` : message);
  }
}

/** The sidecar process died, could not start, timed out or broke the protocol: a new one may be started. */
export class SidecarCrashedError extends Error {}

export interface SidecarClientOptions {
  python: string;
  script?: string;
  env?: NodeJS.ProcessEnv;
  /** Per request; init with 200k candidates takes seconds, an ask milliseconds. */
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  op: string;
}

const STDERR_TAIL_CHARS = 4000;

/**
 * One sidecar process and its JSON-lines conversation. Requests carry increasing ids; each reply is checked
 * against the protocol schema and matched by id. Any sign that the process can no longer be trusted (exit, spawn
 * error, stream error, a line that is not a valid reply, a reply to no request, a timeout) kills it and fails
 * every pending request with SidecarCrashedError; the owner (AdaptiveOptimizer) decides whether to restart.
 */
export class SidecarClient {
  private child: ChildProcessWithoutNullStreams | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: SidecarCrashedError | null = null;
  private stderrTail = '';

  constructor(private readonly options: SidecarClientOptions) {}

  start(): void {
    if (this.child) return;
    const script = this.options.script ?? defaultSidecarScript();
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(this.options.python, ['-u', script], {
        env: { ...(this.options.env ?? process.env), PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      this.fail(`could not start ${this.options.python}: ${(e as Error).message}`);
      return;
    }
    this.child = child;
    const lines = new LineSplitter((line) => this.onLine(line), 16 * 1024 * 1024);
    child.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (e) => this.fail(`sidecar process error (${this.options.python}): ${e.message}`));
    child.stdout.on('error', (e) => this.fail(`sidecar stdout: ${e.message}`));
    child.stderr.on('error', (e) => this.fail(`sidecar stderr: ${e.message}`));
    child.stdin.on('error', (e) => this.fail(`sidecar stdin: ${e.message}`));
    child.on('exit', (code, signal) => this.fail(`the optimizer sidecar exited (${signal ? `signal ${signal}` : `code ${code}`})`));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== null && this.dead === null;
  }

  /** Sends one request; resolves with its `result` parsed by `schema`. */
  request<T>(op: string, fields: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    if (!this.child) this.start();
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const line = JSON.stringify({ ...fields, id, op }) + '\n';
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(`the optimizer sidecar did not answer ${op} within ${this.options.requestTimeoutMs ?? 60_000} ms`),
        this.options.requestTimeoutMs ?? 60_000,
      );
      timer.unref();
      this.pending.set(id, {
        op,
        timer,
        reject,
        resolve: (result) => {
          const parsed = schema.safeParse(result);
          if (parsed.success) resolve(parsed.data);
          else {
            const e = new SidecarCrashedError(`the optimizer sidecar answered ${op} with an unexpected result: ${parsed.error.issues[0]?.message ?? ''}`);
            reject(e);
            this.fail(e.message);
          }
        },
      });
      this.child!.stdin.write(line);
    });
  }

  /** Asks the sidecar to exit; kills it if it has not after `graceMs`. */
  async close(graceMs = 2000): Promise<void> {
    const child = this.child;
    if (!child || this.dead) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, graceMs);
      timer.unref();
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end(JSON.stringify({ id: this.nextId++, op: 'shutdown' }) + '\n');
    });
    this.fail('closed');
  }

  /** For tests of crash recovery: kill the process as an OOM killer would. */
  killForTest(): void {
    this.child?.kill('SIGKILL');
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.fail(`the optimizer sidecar wrote a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
      return;
    }
    const reply = ReplySchema.safeParse(json);
    if (!reply.success) {
      this.fail(`the optimizer sidecar wrote a line that is not a protocol reply: ${JSON.stringify(line.slice(0, 200))}`);
      return;
    }
    const r = reply.data;
    const p = r.id === null ? undefined : this.pending.get(r.id);
    if (!p) {
      this.fail(
        r.ok ? `the optimizer sidecar answered request ${r.id}, which is not waiting` : `the optimizer sidecar could not read a request: ${r.error.message}`,
      );
      return;
    }
    this.pending.delete(r.id!);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new SidecarRequestError(r.error.code, `optimizer refused ${p.op}: ${r.error.message}`, r.error.path));
  }

  private fail(message: string): void {
    if (this.dead) return;
    const tail = this.stderrTail.trim();
    this.dead = new SidecarCrashedError(tail && message !== 'closed' ? `${message}; its last output: ${tail.slice(-800)}` : message);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.dead);
    }
    this.pending.clear();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
