#!/usr/bin/env node
// Builds scripts/gpu/makeSampleData.ts with esbuild (npm packages stay external) and runs it; see that file.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';

import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// Inside the repo so that the external npm packages resolve from its node_modules.
const dir = mkdtempSync(path.join(here, '.build-'));
const outfile = path.join(dir, 'makeSampleData.mjs');
try {
  await build({ entryPoints: [path.join(here, 'makeSampleData.ts')], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', loader: { '.py': 'text' }, logLevel: 'warning' });
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

