import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The window's process stays a thin shell: whatever main/index.ts pulls in, transitively, must not include SQLite,
 * NVML, the runner or the importers — those run in the core's utility process (main/coreHost/utilityEntry.ts).
 * Checked on the real import graph (esbuild's metafile), so a stray import anywhere below main/ fails here.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function importGraph(entry: string) {
  const result = await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    loader: { '.py': 'text' }, // core/slurm's `?raw` imports, as scripts/build-cli.mjs bundles them
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const packages = new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)));
  return { inputs, packages };
}

describe('what each desktop process loads', () => {
  it('the main process: no better-sqlite3, no koffi (NVML), no store, runner, telemetry or importers', async () => {
    const { inputs, packages } = await importGraph('main/index.ts');
    expect([...packages]).not.toContain('better-sqlite3');
    expect([...packages]).not.toContain('koffi');
    const heavy = inputs.filter((f) => /^core\/(store|runner|telemetry|results|campaigns|processes)\//.test(f));
    expect(heavy).toEqual([]);
    expect(inputs).toContain('main/coreHost/coreClient.ts');
  });

  it('the core process: the store and the runner, and no electron', async () => {
    const { inputs, packages } = await importGraph('main/coreHost/utilityEntry.ts');
    expect([...packages]).toContain('better-sqlite3');
    expect([...packages]).not.toContain('electron');
    expect(inputs).toEqual(expect.arrayContaining(['core/store/database.ts', 'core/startCore.ts', 'core/api/dispatcher.ts']));
  });
});
