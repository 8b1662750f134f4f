import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateLlem, parseLlemConfig, parseLlemVersion, readLlemConfig, readLlemVersion } from '../../../core/runner/llemDiscovery';

const FAKE = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'llem-disc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('llem --version → schema profile (contract §0, §4.10)', () => {
  it('maps the known, non-monotonic version strings exactly', () => {
    expect(parseLlemVersion('llem v1.17.0\n')).toEqual({ ok: true, value: { version: '1.17.0', profile: 'v0.7', guessed: false } });
    expect(parseLlemVersion('llem v1.18.0\n')).toEqual({ ok: true, value: { version: '1.18.0', profile: 'v0.8', guessed: false } });
    expect(parseLlemVersion('llem v0.8.0\n')).toEqual({ ok: true, value: { version: '0.8.0', profile: 'head', guessed: false } });
  });
  it('guesses (and says so) for unknown versions, and rejects non-version output', () => {
    expect(parseLlemVersion('llem v0.9.1')).toMatchObject({ ok: true, value: { profile: 'head', guessed: true } });
    expect(parseLlemVersion('llem v1.16.2')).toMatchObject({ ok: true, value: { profile: 'v0.7', guessed: true } });
    expect(parseLlemVersion('Traceback …')).toMatchObject({ ok: false, error: { code: 'llem_version_unreadable' } });
  });
});

describe('llem config parsing (contract §4.9)', () => {
  it('reads GPUs, driver, backends, energy backend, config status and Python', () => {
    const out = [
      'GPU',
      '  NVIDIA A100-PCIE-40GB  39.4 GB',
      '  NVIDIA A100-PCIE-40GB  39.4 GB',
      '  Driver: 550.54.15',
      'Backends',
      '  pytorch: installed  (2.5.1)',
      '  vllm: not installed  (pip install llenergymeasure[vllm])',
      '  tensorrt: not installed  (pip install llenergymeasure[tensorrt])',
      'Energy',
      '  Energy: zeus',
      'Config',
      '  Path: /home/u/.config/llenergymeasure/config.yaml',
      '  Status: loaded',
      '    runners.pytorch: local',
      'Python',
      '  3.11.7',
    ].join('\n');
    expect(parseLlemConfig(out)).toEqual({
      gpus: [
        { name: 'NVIDIA A100-PCIE-40GB', vramGb: 39.4 },
        { name: 'NVIDIA A100-PCIE-40GB', vramGb: 39.4 },
      ],
      driver: '550.54.15',
      backends: [
        { name: 'pytorch', installed: true, version: '2.5.1' },
        { name: 'vllm', installed: false, version: null },
        { name: 'tensorrt', installed: false, version: null },
      ],
      energy: 'zeus',
      configPath: '/home/u/.config/llenergymeasure/config.yaml',
      configLoaded: true,
      python: '3.11.7',
    });
  });
  it('handles "No GPU detected" and "Energy: none"', () => {
    const r = parseLlemConfig('GPU\n  No GPU detected\nEnergy\n  Energy: none (install nvidia-ml-py for NVML)\nConfig\n  Status: using defaults (no config file)\n');
    expect(r).toMatchObject({ gpus: [], energy: null, configLoaded: false });
  });
});

describe('finding llem', () => {
  it('prefers a configured path, then LLEM_STUDIO_LLEM, then PATH; says why when absent', async () => {
    const env = { PATH: tmp, LLEM_STUDIO_LLEM: FAKE };
    expect(await locateLlem({ configuredPath: FAKE, env })).toMatchObject({ ok: true, value: { source: 'configured', command: FAKE } });
    expect(await locateLlem({ env })).toMatchObject({ ok: true, value: { source: 'env' } });
    expect(await locateLlem({ env: { PATH: tmp, LLEM_STUDIO_LLEM: '/nope/llem' } })).toMatchObject({ ok: false, error: { code: 'llem_not_found', message: expect.stringContaining('/nope/llem') } });
    expect(await locateLlem({ env: { PATH: tmp } })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not on PATH') } });
    const onPath = path.join(tmp, 'llem');
    writeFileSync(onPath, `#!/bin/sh\nexec "${process.execPath}" "${FAKE}" "$@"\n`);
    chmodSync(onPath, 0o755);
    expect(await locateLlem({ env: { PATH: tmp } })).toMatchObject({ ok: true, value: { source: 'path', command: onPath } });
  });

  it('uses a Python interpreter only when it can import llenergymeasure', async () => {
    const fakePython = path.join(tmp, 'python3');
    // A stand-in interpreter: "-c 'import llenergymeasure'" fails unless HAS_LLEM is set.
    writeFileSync(fakePython, '#!/bin/sh\n[ -n "$HAS_LLEM" ] && exit 0\necho "ModuleNotFoundError: No module named \'llenergymeasure\'" >&2\nexit 1\n');
    chmodSync(fakePython, 0o755);
    expect(await locateLlem({ pythonInterpreter: fakePython, env: { PATH: '' } })).toMatchObject({ ok: false, error: { message: expect.stringContaining('No module named') } });
    const ok = await locateLlem({ pythonInterpreter: fakePython, env: { PATH: '', HAS_LLEM: '1' } });
    // llem script beside the interpreter wins (created in the previous test), else `python -c <entry point>`.
    expect(ok).toMatchObject({ ok: true, value: { source: 'python', command: path.join(tmp, 'llem') } });
  });

  it('reads version and config from the (fake) llem process', async () => {
    const llem = { command: process.execPath, args: [FAKE], source: 'configured' as const, display: 'fake' };
    expect(await readLlemVersion(llem, { ...process.env, FAKE_LLEM_VERSION: '1.18.0' })).toMatchObject({ ok: true, value: { profile: 'v0.8' } });
    expect(await readLlemConfig(llem)).toMatchObject({ ok: true, value: { energy: 'nvml', backends: [{ name: 'pytorch', installed: true }, {}, {}] } });
    const broken = { ...llem, args: ['-e', 'process.exit(3)', '--'] };
    expect(await readLlemVersion(broken)).toMatchObject({ ok: false, error: { message: expect.stringContaining('exited with 3') } });
  });
});

describe('llem versions and profiles', () => {
  it('maps the PyPI release (llem v0.7.0) to its own profile, not to HEAD', () => {
    expect(parseLlemVersion('llem v0.7.0\n')).toEqual({ ok: true, value: { version: '0.7.0', profile: 'pypi-0.7.0', guessed: false } });
  });
});
