// Bundles the headless core CLI (plain Node, no Electron) to out/cli/index.js.
// npm dependencies stay external (better-sqlite3 is native; the rest resolve from node_modules).
import { build } from 'esbuild';

await build({
  // The plan worker is its own entry: serve starts it as a worker thread from beside index.js (issue #15, finding 8).
  entryPoints: { index: 'core/cli/index.ts', planWorker: 'core/campaigns/planWorker.ts' },
  outdir: 'out/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  // `import text from './x.py?raw'` (vite's convention, core/slurm/nodeFiles.ts): esbuild drops the unknown
  // suffix when resolving, and this loader makes the file a string — the same in every esbuild bundle of the core.
  loader: { '.py': 'text' },
});
