/*
 * Stands in for Electron's utility-process runtime in unit tests: the real core entry (main/coreHost/utilityEntry.ts)
 * runs in a worker thread, and `process.parentPort` is emulated with Electron's shapes ('message' events carry
 * { data, ports }, ports are MessagePortMain-like). Bundled by coreWorker.ts.
 */
import { EventEmitter } from 'node:events';
import { parentPort, type MessagePort } from 'node:worker_threads';

function asMessagePortMain(port: MessagePort) {
  return {
    on(event: string, listener: (...args: unknown[]) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data, ports: [] }));
      else port.on(event, listener);
    },
    postMessage: (message: unknown) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
}

const electronParentPort = new EventEmitter();
parentPort!.on('message', (message: { data: unknown; port: MessagePort | null }) => {
  electronParentPort.emit('message', { data: message.data, ports: message.port ? [asMessagePortMain(message.port)] : [] });
});
Object.assign(process, { parentPort: electronParentPort });
await import('../../../main/coreHost/utilityEntry');
