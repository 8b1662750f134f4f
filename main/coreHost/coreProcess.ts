import { MessageChannelMain, utilityProcess, type MessagePortMain } from 'electron';
import type { CoreProcess } from './coreClient';
import type { PortLike } from './portPeer';
import { CORE_PORT_MESSAGE } from './protocol';

/** Electron's MessagePortMain as the PortLike portPeer.ts speaks. */
export function adaptMessagePortMain(port: MessagePortMain): PortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    close: () => port.close(),
  };
}

/**
 * Starts the core in an Electron utility process (a Node environment of its own, outside the main process, so
 * a long plan, a big import or a slow NVML call never blocks the window) and hands it one end of a
 * MessageChannelMain. Its stdout/stderr go to the app's.
 */
export function forkCoreProcess(entry: string): CoreProcess {
  const child = utilityProcess.fork(entry, [], { serviceName: 'llem Studio core', stdio: 'inherit' });
  const { port1, port2 } = new MessageChannelMain();
  child.postMessage({ type: CORE_PORT_MESSAGE }, [port2]);
  port1.start();
  return {
    port: adaptMessagePortMain(port1),
    get pid() {
      return child.pid;
    },
    onExit: (listener) => void child.once('exit', listener),
    kill: () => void child.kill(),
  };
}
