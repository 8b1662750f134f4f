#!/usr/bin/env node
// Thin launcher: the CLI is bundled to out/cli/index.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/cli/index.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('llem-studio is not built yet: run "npm run build" in the llem Studio folder first.\n');
  process.exit(1);
}
await import(cli);
