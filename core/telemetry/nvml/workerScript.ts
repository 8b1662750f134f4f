import { bindNvmlLibrary, createFakeNvml, openNvmlDevices, readNvmlSample } from './nvmlCalls';
import { nvmlWorkerMain } from './workerMain';

/**
 * The sampler thread's program, assembled from the source text of self-contained functions and run with
 * `new Worker(code, { eval: true })`. An eval worker is a CommonJS script: `require` is there.
 */
export function nvmlWorkerScript(): string {
  return [
    `'use strict';`,
    `const bindNvmlLibrary = (${bindNvmlLibrary.toString()});`,
    `const createFakeNvml = (${createFakeNvml.toString()});`,
    `const openNvmlDevices = (${openNvmlDevices.toString()});`,
    `const readNvmlSample = (${readNvmlSample.toString()});`,
    `(${nvmlWorkerMain.toString()})({ bindNvmlLibrary, createFakeNvml, openNvmlDevices, readNvmlSample, require });`,
  ].join('\n');
}
