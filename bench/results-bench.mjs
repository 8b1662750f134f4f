// Runs bench/results-bench.ts: bundles it with esbuild into out/bench/ (next to node_modules, so the
// native better-sqlite3 and other packages resolve) and executes it. Plain `node bench/results-bench.mjs`.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const outfile = fileURLToPath(new URL('../out/bench/results-bench.mjs', import.meta.url));
await build({
  entryPoints: [fileURLToPath(new URL('./results-bench.ts', import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external', loader: { '.py': 'text' },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
