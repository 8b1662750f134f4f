// electron-builder configuration entry for `npm run dist`: electron-builder.yml as it is (release fuses), or,
// with LLEM_STUDIO_TEST_BUILD=1, a test build for automation that differs in exactly the fuses Playwright's
// `_electron.launch` needs, and is written to its own folder with "test-build" in every artifact name so it
// cannot be mistaken for a release.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const TEST_BUILD_ENV = 'LLEM_STUDIO_TEST_BUILD';

/**
 * Playwright starts the app with `--inspect=0 --remote-debugging-port=0` and drives the main process through
 * the Node inspector; with the nodeCliInspect fuse off, Electron ignores `--inspect` and the launch times out.
 * Nothing else is relaxed.
 */
export const TEST_BUILD_FUSE_OVERRIDES = Object.freeze({ enableNodeCliInspectArguments: true });

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RELEASE_CONFIG_FILE = path.join(ROOT, 'electron-builder.yml');

export function isTestBuild(env = process.env) {
  return env[TEST_BUILD_ENV] === '1';
}

export function loadReleaseConfig(file = RELEASE_CONFIG_FILE) {
  return YAML.parse(readFileSync(file, 'utf8'));
}

/** The electron-builder configuration for this build: the release one, or the test build derived from it. */
export function builderConfig(env = process.env, release = loadReleaseConfig()) {
  if (!isTestBuild(env)) return release;
  if (!release.electronFuses) throw new Error('electron-builder.yml has no electronFuses: refusing to derive a test build from an unfused config');
  return {
    ...release,
    electronFuses: { ...release.electronFuses, ...TEST_BUILD_FUSE_OVERRIDES },
    directories: { ...release.directories, output: 'dist/test-build' },
    artifactName: '${productName}-${version}-test-build-${arch}.${ext}',
  };
}

export default function electronBuilderConfig() {
  return builderConfig(process.env);
}
