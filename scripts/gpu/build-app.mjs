// Builds the self-contained headless CLI for a GPU machine without npm (issue #9): .gpu-bundle/app/
//
//   app/llem-studio.mjs          launcher (imports out/cli/index.mjs)
//   app/out/cli/index.mjs        core/cli/index.ts, every pure-JS npm dependency bundled in
//   app/energy-check.mjs         scripts/gpu/energy-check.ts (the app's own telemetry/energy code)
//   app/runner-gpu-energy.mjs    bench/runner-gpu-energy.ts (the sampler under a matmul load, issue 4)
//   app/sampler-gpu.mjs          bench/sampler-gpu.ts (issue 19: old vs new sampler CPU, bridged energy)
//   app/resources/site/          read at run time by `export` (core/export/exportLeaderboard.ts: ../../resources/site/
//                                from the bundle, the same two levels as out/cli/ → resources/ in the repo)
//   app/node_modules/            only the native modules and what they load at run time
//
// Usage: node scripts/gpu/build-app.mjs OUT_APP_DIR
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const app = path.resolve(process.argv[2] ?? path.join(root, '.gpu-bundle/app'));
const nm = path.join(root, 'node_modules');

/** Native npm modules (and the optional natives `ws` tries inside try/catch): left out of the bundle. */
const NATIVE = ['better-sqlite3', 'koffi'];
const OPTIONAL_NATIVE = ['bufferutil', 'utf-8-validate'];

rmSync(app, { recursive: true, force: true });
mkdirSync(app, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [...NATIVE, ...OPTIONAL_NATIVE],
  // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none, so give them one.
  banner: { js: "import { createRequire as __gpuCreateRequire } from 'node:module';\nconst require = __gpuCreateRequire(import.meta.url);" },
  legalComments: 'none',
  loader: { '.py': 'text' }, // core/slurm's `?raw` imports, as scripts/build-cli.mjs bundles them
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: root,
};

const results = await Promise.all([
  build({ ...common, entryPoints: ['core/cli/index.ts'], outfile: path.join(app, 'out/cli/index.mjs') }),
  build({ ...common, entryPoints: ['scripts/gpu/energy-check.ts'], outfile: path.join(app, 'energy-check.mjs') }),
  // Issue 4's real-GPU check of the sampler (NVML at 10 Hz under a matmul load): `node app/runner-gpu-energy.mjs`.
  build({ ...common, entryPoints: ['bench/runner-gpu-energy.ts'], outfile: path.join(app, 'runner-gpu-energy.mjs') }),
  // Issue 19's check: both samplers' CPU share and the bridged energy on the GPU (scripts/gpu/sampler-check.sh).
  build({ ...common, entryPoints: ['bench/sampler-gpu.ts'], outfile: path.join(app, 'sampler-gpu.mjs') }),
]);

// What stayed external must be exactly the native modules (plus Node built-ins).
const external = new Set();
for (const r of results) {
  for (const out of Object.values(r.metafile.outputs)) {
    for (const imp of out.imports) if (imp.external && !isBuiltin(imp.path)) external.add(imp.path);
  }
}
const unexpected = [...external].filter((p) => !NATIVE.includes(p) && !OPTIONAL_NATIVE.includes(p));
if (unexpected.length) {
  console.error(`build-app: unexpected external imports: ${unexpected.join(', ')}`);
  process.exit(1);
}

writeFileSync(
  path.join(app, 'llem-studio.mjs'),
  "#!/usr/bin/env node\n// llem Studio headless CLI, bundled for a GPU machine without npm (scripts/gpu/build-app.mjs).\nawait import('./out/cli/index.mjs');\n",
);
chmodSync(path.join(app, 'llem-studio.mjs'), 0o755);
writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'llem-studio-gpu-bundle', private: true, type: 'module' }, null, 2) + '\n');

// Run-time files the CLI reads from its install folder.
cpSync(path.join(root, 'resources/site'), path.join(app, 'resources/site'), { recursive: true });

// Native modules: only what loads at run time.
const copy = (rel, opts = {}) => {
  const from = path.join(nm, rel);
  if (!existsSync(from)) throw new Error(`build-app: missing ${from} (npm install?)`);
  cpSync(from, path.join(app, 'node_modules', rel), { recursive: true, ...opts });
};
for (const f of ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node']) copy(`better-sqlite3/${f}`);
for (const f of ['package.json', 'bindings.js', 'LICENSE.md']) copy(`bindings/${f}`);
for (const f of ['package.json', 'index.js', 'LICENSE']) copy(`file-uri-to-path/${f}`);
// koffi: its JS loader (ESM + CJS entries) and only the linux-x64 glibc prebuilt.
for (const f of ['package.json', 'LICENSE.txt', 'index.js', 'index.cjs', 'indirect.js', 'indirect.cjs']) copy(`koffi/${f}`);
const koffiSrc = path.join(nm, 'koffi/src/koffi');
for (const f of readdirSync(koffiSrc)) if (/\.(c?js)$/.test(f)) copy(`koffi/src/koffi/${f}`);
for (const f of readdirSync(path.join(koffiSrc, 'src'))) if (/\.(c?js)$/.test(f)) copy(`koffi/src/koffi/src/${f}`);
for (const f of ['package.json', 'index.js', 'linux_x64/koffi.node']) copy(`@koromix/koffi-linux-x64/${f}`);

console.log(`build-app: ${app} (${(duBytes(app) / 1048576).toFixed(1)} MiB)`);

function duBytes(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((sum, f) => sum + duBytes(path.join(p, f)), 0);
}
