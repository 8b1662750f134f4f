/*
 * Entry of the core's Electron utility process (built to out/main/coreHost.js by electron.vite.config.ts and
 * started by coreProcess.ts with utilityProcess.fork). The shell sends one message on process.parentPort that
 * carries the MessagePort; everything after that goes over the port (coreService.ts).
 */
import { createPortPeer, type PortLike } from './portPeer';
import { serveCore } from './coreService';
import { CORE_PORT_MESSAGE } from './protocol';

/** The shape of Electron's MessagePortMain that is used here. */
interface MessagePortMainLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

interface ParentPortLike {
  once(event: 'message', listener: (event: { data: unknown; ports: MessagePortMainLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) {
  console.error('llem Studio core: this file runs only as an Electron utility process (process.parentPort is missing).');
  process.exit(1);
}

parentPort.once('message', ({ data, ports }) => {
  const port = ports[0];
  if ((data as { type?: unknown } | null)?.type !== CORE_PORT_MESSAGE || !port) {
    console.error('llem Studio core: the first message from the shell did not carry the core port.');
    process.exit(1);
  }
  const adapted: PortLike = {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    close: () => port.close(),
  };
  // The shell closed its end (it quit or replaced this process): nothing can reach this core any more.
  port.on('close', () => process.exit(0));
  serveCore(createPortPeer(adapted));
  port.start();
});
