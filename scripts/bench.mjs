// Runs every benchmark in bench/ (or the ones named on the command line), one after another, in this process's
// Node. TypeScript benchmarks are bundled with esbuild first (npm packages stay external).
// Speed and memory goals live here, not in tests: each benchmark prints its measurements and its goal.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describeOutcome, runnerExitCode } from './benchOutcomes.mjs';

const benchDir = path.resolve('bench');
const outDir = path.resolve('out/bench');
const wanted = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => /\.(mjs|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(wanted.length ? `No benchmark matches ${wanted.join(', ')}.` : 'No benchmarks in bench/.');
  process.exit(1);
}

mkdirSync(outDir, { recursive: true });
// Exit codes per benchmark: scripts/benchOutcomes.mjs.
const outcomes = [];
for (const file of files) {
  let entry = path.join(benchDir, file);
  if (file.endsWith('.ts')) {
    const outfile = path.join(outDir, file.replace(/\.ts$/, '.mjs'));
    await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', loader: { '.py': 'text' }, logLevel: 'warning' });
    entry = outfile;
  }
  console.log(`\n### ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', entry], { stdio: 'inherit' });
  outcomes.push({ file, status: run.status, signal: run.signal });
}
console.log('\n### summary');
for (const o of outcomes) console.log(`${describeOutcome(o).padEnd(14)} ${o.file}`);
process.exit(runnerExitCode(outcomes));
