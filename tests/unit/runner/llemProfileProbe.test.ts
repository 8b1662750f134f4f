import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearLlemProfileCache, detectInstalledProfile, detectLlemProfile } from '../../../core/runner/llemProfileProbe';

// The fake llem (tests/fixtures/fake-llem/llem.mjs) validates `--dry-run` configs with the shape its version implies
// (FAKE_LLEM_SHAPE overrides it) and lists `--cycles` in `run --help` except as v1.17.0.
const FAKE = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const llem = { command: process.execPath, args: [FAKE], source: 'configured' as const, display: 'fake llem' };
const envWith = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...extra });

beforeEach(() => clearLlemProfileCache());

describe('llem profile detection by behaviour (dry-run probes), not by the version string alone', () => {
  it.each([
    ['0.8.0', 'head'],
    ['1.18.0', 'v0.8'],
    ['1.17.0', 'v0.7'],
    ['0.7.0', 'pypi-0.7.0'],
  ] as const)('llem v%s is detected as %s, confidently', async (version, profile) => {
    const r = await detectLlemProfile(llem, envWith({ FAKE_LLEM_VERSION: version }));
    expect(r).toMatchObject({ ok: true, value: { version, profile, guessed: false } });
  });

  it('records what each probe answered', async () => {
    const r = await detectLlemProfile(llem, envWith({ FAKE_LLEM_VERSION: '1.17.0' }));
    expect(r.ok && r.value.evidence).toEqual({ versionOutput: 'llem v1.17.0', acceptsV2Shape: false, acceptsHeadShape: false, helpListsCycles: false });
  });

  it('trusts what llem accepts over a misleading version string', async () => {
    // Prints a HEAD version but validates the PyPI v2.0 shape: the configs must be written for what it accepts.
    const v2 = await detectLlemProfile(llem, envWith({ FAKE_LLEM_VERSION: '0.8.0', FAKE_LLEM_SHAPE: 'v2' }));
    expect(v2).toMatchObject({ ok: true, value: { profile: 'pypi-0.7.0', guessed: true, reason: expect.stringContaining('v2.0 config shape') } });
    // An unknown version string that accepts dataset_order is HEAD, and says so.
    const head = await detectLlemProfile(llem, envWith({ FAKE_LLEM_VERSION: '3.1.4', FAKE_LLEM_SHAPE: 'head' }));
    expect(head).toMatchObject({ ok: true, value: { version: '3.1.4', profile: 'head', guessed: false, reason: expect.stringContaining('dataset_order') } });
  });

  it('falls back to the version string, marked as a guess, when the probes get no answer', async () => {
    // A llem whose `run` crashes (exit 1) on everything: only `--version` answers.
    const crashing = { ...llem, args: ['-e', "if (process.argv.includes('--version')) { console.log('llem v1.18.0'); } else process.exit(1)", '--'] };
    const r = await detectLlemProfile(crashing, process.env);
    expect(r).toMatchObject({ ok: true, value: { profile: 'v0.8', guessed: true, reason: expect.stringContaining('behaviour not probed') } });
  });

  it('reports a llem whose --version fails, and leaves no probe directories behind', async () => {
    const before = readdirSync(os.tmpdir()).filter((f) => f.startsWith('llem-studio-probe-')).length;
    const broken = { ...llem, args: ['-e', 'process.exit(3)', '--'] };
    expect(await detectLlemProfile(broken, process.env)).toMatchObject({ ok: false, error: { message: expect.stringContaining('exited with 3') } });
    await detectLlemProfile(llem, envWith({ FAKE_LLEM_VERSION: '0.7.0' }));
    expect(readdirSync(os.tmpdir()).filter((f) => f.startsWith('llem-studio-probe-')).length).toBe(before);
  });

  it('with no llem installed, the default (HEAD) is used and the note says why', async () => {
    const r = await detectInstalledProfile({ env: { PATH: '' } });
    expect(r.profile).toBeNull();
    expect(r.note).toMatch(/not found.*HEAD/s);
  });
});
