// Refactor guard for the llem study model: plans every study YAML the repository holds (files under tests/ and
// resources/, YAML string literals in tests/, the designer's templates) with every llem profile, and writes one
// deterministic JSON file: plans, hashes, estimates, gaps, the YAML the writers emit, the form's field specs.
// Run it before and after a change and `cmp` the two files: behaviour is unchanged when they are identical.
//   node scripts/plan-snapshot.mjs /tmp/plan-before.json
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/plan-snapshot.mjs <output.json>');
  process.exit(2);
}
const bundle = path.resolve('out/plan-snapshot/snapshot.mjs');
await build({
  entryPoints: [path.resolve('scripts/plan-snapshot/snapshot.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.py': 'text' },
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [bundle, path.resolve(out)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
