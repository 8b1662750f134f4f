import { buildSync } from 'esbuild';
import { EventEmitter } from 'node:events';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/*
 * Electron's utilityProcess and MessageChannelMain for unit tests, backed by a worker thread that runs the real
 * core entry (main/coreHost/utilityEntry.ts, bundled with esbuild next to node_modules so better-sqlite3
 * resolves): real SQLite, real dispatcher, a real thread that can be terminated mid-call.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
let bundled: string | null = null;

/** Bundles the shim and the core entry once per test process (synchronously: utilityProcess.fork is synchronous). */
export function coreWorkerBundle(): string {
  if (bundled) return bundled;
  const dir = path.join(ROOT, '.cache', 'unit-core-host');
  mkdirSync(dir, { recursive: true });
  // Built under a name of its own, then renamed: test files in parallel processes share one bundle file safely.
  const staging = path.join(dir, `core-host-${process.pid}.mjs`);
  const outfile = path.join(dir, 'core-host.mjs');
  buildSync({
    entryPoints: [path.join(ROOT, 'tests/unit/shell/coreWorkerShim.ts')],
    outfile: staging,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    loader: { '.py': 'text' }, // core/slurm's `?raw` imports, as scripts/build-cli.mjs bundles them
    logLevel: 'error',
  });
  renameSync(staging, outfile);
  bundled = outfile;
  return outfile;
}

const nodePortOf = new WeakMap<object, MessagePort>();

/** Electron's MessagePortMain shape over a Node MessagePort. */
function messagePortMain(port: MessagePort) {
  const wrapped = {
    on(event: string, listener: (...args: unknown[]) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data, ports: [] }));
      else port.on(event, listener);
      return wrapped;
    },
    postMessage: (message: unknown) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
  nodePortOf.set(wrapped, port);
  return wrapped;
}

export class FakeMessageChannelMain {
  readonly port1;
  readonly port2;
  constructor() {
    const channel = new MessageChannel();
    this.port1 = messagePortMain(channel.port1);
    this.port2 = messagePortMain(channel.port2);
  }
}

/** Electron's UtilityProcess shape over a worker thread running `bundle`. */
export class WorkerUtilityProcess extends EventEmitter {
  static forked: { modulePath: string; options: unknown; child: WorkerUtilityProcess }[] = [];
  readonly worker: Worker;
  pid: number | undefined = process.pid;
  exited = false;

  constructor(bundle: string) {
    super();
    this.worker = new Worker(bundle);
    this.worker.on('error', (e) => this.emit('error-in-test', e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.pid = undefined;
      this.emit('exit', code);
    });
  }

  postMessage(data: unknown, transfer: object[] = []) {
    const port = transfer[0] ? nodePortOf.get(transfer[0]) : undefined;
    this.worker.postMessage({ data, port: port ?? null }, port ? [port] : []);
  }

  kill() {
    void this.worker.terminate();
    return true;
  }

  /** utilityProcess.fork: runs the core entry's bundle, whatever file the shell asked for (recorded). */
  static fork(modulePath: string, _args: string[], options: unknown) {
    const child = new WorkerUtilityProcess(coreWorkerBundle());
    WorkerUtilityProcess.forked.push({ modulePath, options, child });
    return child;
  }
}
