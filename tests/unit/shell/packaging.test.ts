import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);

type BuilderConfig = Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  directories: { output: string };
  asarUnpack: string[];
  files: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[] };
  mac: { target: string[] };
  deb?: { depends?: string[] };
  artifactName?: string;
};

interface FusesModule {
  TEST_BUILD_ENV: string;
  TEST_BUILD_FUSE_OVERRIDES: Record<string, boolean>;
  builderConfig(env: Record<string, string | undefined>): BuilderConfig;
}

const fusesModulePath = pathToFileURL(path.join(ROOT, 'scripts/fuses.mjs')).href;
const loadFuses = async () => (await import(/* @vite-ignore */ fusesModulePath)) as FusesModule;
const releaseYaml = () => YAML.parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** electron-builder's own loader and schema check (what `electron-builder --config scripts/fuses.mjs` runs). */
async function loadAndValidate(testBuild: boolean): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string, options: null): Promise<BuilderConfig>;
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const saved = process.env.LLEM_STUDIO_TEST_BUILD;
  process.env.LLEM_STUDIO_TEST_BUILD = testBuild ? '1' : '';
  try {
    const config = await getConfig(ROOT, 'scripts/fuses.mjs', null);
    await validateConfiguration(config, new DebugLogger(false));
    return config;
  } finally {
    if (saved === undefined) delete process.env.LLEM_STUDIO_TEST_BUILD;
    else process.env.LLEM_STUDIO_TEST_BUILD = saved;
  }
}

describe('packaging (electron-builder)', () => {
  it('the release config is electron-builder.yml, unchanged, and passes electron-builder\'s schema', async () => {
    const { builderConfig } = await loadFuses();
    expect(builderConfig({})).toEqual(releaseYaml());
    const loaded = await loadAndValidate(false);
    expect(loaded.electronFuses).toEqual(releaseYaml().electronFuses);
    expect(loaded.directories.output).toBe('dist');
  });

  it('the test build differs from the release in exactly the fuse Playwright needs, and is labelled', async () => {
    const { builderConfig, TEST_BUILD_ENV, TEST_BUILD_FUSE_OVERRIDES } = await loadFuses();
    expect(TEST_BUILD_ENV).toBe('LLEM_STUDIO_TEST_BUILD');
    expect(TEST_BUILD_FUSE_OVERRIDES).toEqual({ enableNodeCliInspectArguments: true });
    const release = builderConfig({});
    const test = builderConfig({ LLEM_STUDIO_TEST_BUILD: '1' });
    const changed = Object.keys(test.electronFuses).filter((k) => test.electronFuses[k] !== release.electronFuses[k]);
    expect(changed).toEqual(['enableNodeCliInspectArguments']);
    expect(test.directories.output).toBe('dist/test-build');
    expect(test.artifactName).toContain('test-build');
    for (const value of ['0', 'true', 'yes', '']) expect(builderConfig({ LLEM_STUDIO_TEST_BUILD: value })).toEqual(release);
    const loaded = await loadAndValidate(true);
    expect(loaded.electronFuses.enableNodeCliInspectArguments).toBe(true);
  });

  it('builds AppImage, deb, nsis and dmg with the icon from resources/', () => {
    const config = releaseYaml();
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    const png = readFileSync(path.join(ROOT, config.linux.icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // electron-builder needs at least 256×256 for Windows and 512×512 for macOS icons.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    // An empty `depends` would drop electron-builder's defaults (libgtk, libnss…) and ship a broken deb.
    expect(config.deb?.depends).toBeUndefined();
  });

  it('native modules are unpacked from the asar archive, and the built app is in the package', () => {
    const config = releaseYaml();
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**']));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'resources/**', 'package.json']));
  });

  it('the Electron build of better-sqlite3 is prepared at package time only, shipped in resources/native, and node_modules is never rebuilt', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[hook] ?? '', hook).not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild|electronNative|desktop\.mjs/);
    }
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
    expect(pkg.scripts['dist:test-build']).toBe('node scripts/dist.mjs --test-build');
    const dist = readFileSync(path.join(ROOT, 'scripts/dist.mjs'), 'utf8');
    const order = ['await prepareElectronSqlite()', "'run', 'build'", 'copyFileSync(prepared.path', "'--config', 'scripts/fuses.mjs'"].map((s) => dist.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(dist).not.toMatch(/install-app-deps|'rebuild'/);
    const config = releaseYaml() as BuilderConfig & { extraResources: { from: string; to: string; filter: string[] }[]; npmRebuild: boolean };
    // Where main/sqliteBinding.ts looks in a packaged app: <resources>/native/better_sqlite3.node.
    expect(config.extraResources).toEqual([{ from: 'out/native', to: 'native', filter: ['better_sqlite3.node'] }]);
    expect(config.npmRebuild).toBe(false);
  });

  it('npm start, dev and e2e:electron go through the Electron check and the native preparation', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node scripts/desktop.mjs start');
    expect(pkg.scripts.dev).toBe('node scripts/desktop.mjs dev');
    expect(pkg.scripts['e2e:electron']).toBe('node scripts/desktop.mjs e2e');
  });
});
