import react from '@vitejs/plugin-react';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/index.ts'),
          // The core's utility process (main/coreHost/coreProcess.ts forks out/main/coreHost.js).
          coreHost: resolve(__dirname, 'main/coreHost/utilityEntry.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    // Sandboxed preloads must be CommonJS (Electron cannot load an ES module preload in a sandbox).
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves the renderer unminified; a minified bundle is a third of the bytes for Chromium to
      // receive and parse before the first frame (issue #6: interactive ≤ 1 s after load).
      minify: 'esbuild',
      chunkSizeWarningLimit: 4000,
      rollupOptions: {
        input: resolve(__dirname, 'renderer/index.html'),
        onwarn(warning, warn) {
          // zod ships comments Rollup cannot place; harmless, and noise in every build.
          if (warning.code === 'INVALID_ANNOTATION') return;
          warn(warning);
        },
      },
    },
  },
});
