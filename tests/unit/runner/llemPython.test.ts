import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseGuardianRuntime, GUARDIAN_PYTHON_ENV } from '../../../core/processes/guardian';
import { ProcessRegistry } from '../../../core/processes/registry';
import { findLlemPython, guardianRuntimeForLlem } from '../../../core/runner/llemPython';
import { findOnPath } from '../../../core/system/findExecutable';
import { missingDependency } from '../../helpers/externalDependency';
import { locateLlemVenv, requireLlemOrSkip } from '../../helpers/llemOracle';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'llem-python-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FAKE_LLEM = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
const pathPython = findOnPath('python3');
const noPython = missingDependency('Python 3 on PATH (llem scripts name one)', pathPython ? null : 'python3 is not on PATH');
// The interpreter itself, not a launcher (pyenv's shims are shell scripts): what a venv's shebang names.
const realPython = pathPython ? realpathSync(pathPython) : '';

function script(name: string, text: string): string {
  const file = path.join(tmp, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

const noEnv: NodeJS.ProcessEnv = { PATH: '' };

describe('which guardian runs llem', () => {
  it('Python whenever one is known; Node only outside Electron; under Electron without Python, an error saying what and where', () => {
    expect(chooseGuardianRuntime({ python: '/venv/bin/python', underElectron: true })).toEqual({ ok: true, value: { kind: 'python', executable: '/venv/bin/python' } });
    expect(chooseGuardianRuntime({ python: '/venv/bin/python', underElectron: false })).toEqual({ ok: true, value: { kind: 'python', executable: '/venv/bin/python' } });
    expect(chooseGuardianRuntime({ python: null, underElectron: false, nodeExecutable: '/usr/bin/node' })).toEqual({ ok: true, value: { kind: 'node', executable: '/usr/bin/node' } });
    const missing = chooseGuardianRuntime({ python: null, underElectron: true, lookedFor: 'the first line of /opt/llem' });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error.code).toBe('guardian_python_missing');
    expect(missing.error.message).toContain('No Python interpreter was found to run the process guardian');
    expect(missing.error.message).toContain('the first line of /opt/llem');
    expect(missing.error.message).toContain(`Set the environment variable ${GUARDIAN_PYTHON_ENV}`);
  });

  it('the registry refuses to start llem under Electron without a guardian runtime, instead of running it unguarded', () => {
    const versions = process.versions as Record<string, string | undefined>;
    const had = Object.getOwnPropertyDescriptor(process.versions, 'electron');
    Object.defineProperty(process.versions, 'electron', { value: '40.0.0', configurable: true, enumerable: true });
    try {
      expect(versions.electron).toBe('40.0.0');
      const r = new ProcessRegistry();
      expect(() => r.spawn({ id: 'x', command: process.execPath, args: ['-e', '0'], cwd: tmp, env: process.env, graceMs: 100 })).toThrow(new RegExp(GUARDIAN_PYTHON_ENV));
      expect(r.ids()).toEqual([]);
    } finally {
      if (had) Object.defineProperty(process.versions, 'electron', had);
      else delete versions.electron;
    }
  });
});

describe.skipIf(noPython)('the Python that runs llem', () => {
  it('from a console script\'s shebang (what pip writes into a venv)', () => {
    const llem = script('venv1/bin/llem', `#!${realPython}\n# -*- coding: utf-8 -*-\nfrom llenergymeasure.cli import app\n`);
    expect(findLlemPython({ command: llem, args: [] }, noEnv)).toEqual({ ok: true, value: { python: realPython, how: `the first line of ${llem}` } });
  });

  it('from `#!/usr/bin/env python3`, on PATH', () => {
    const llem = script('envform/llem', '#!/usr/bin/env python3\nprint()\n');
    expect(findLlemPython({ command: llem, args: [] }, { PATH: path.dirname(pathPython!) })).toMatchObject({ ok: true, value: { python: pathPython } });
    // No python3 on PATH: not found (and under Electron that is the clear error).
    expect(findLlemPython({ command: llem, args: [] }, noEnv)).toMatchObject({ ok: true, value: { python: null } });
  });

  it("from pip's long-path form: #!/bin/sh, then '''exec' \"<python>\" \"$0\" \"$@\"", () => {
    const llem = script('long/llem', `#!/bin/sh\n'''exec' "${realPython}" "$0" "$@"\n' '''\nfrom llenergymeasure.cli import app\n`);
    expect(findLlemPython({ command: llem, args: [] }, noEnv)).toMatchObject({ ok: true, value: { python: realPython } });
  });

  it('from a python beside llem when its first line names none (a venv; Windows launchers)', () => {
    const dir = path.join(tmp, 'venv2/bin');
    const llem = script('venv2/bin/llem', 'not a shebang\n');
    symlinkSync(realPython, path.join(dir, 'python3'));
    expect(findLlemPython({ command: llem, args: [] }, noEnv)).toEqual({ ok: true, value: { python: path.join(dir, 'python3'), how: `beside ${llem}` } });
  });

  it('from the configured interpreter that starts llem with -c, and LLEM_STUDIO_PYTHON above all', () => {
    expect(findLlemPython({ command: realPython, args: ['-c', 'from llenergymeasure.cli import app; app()'] }, noEnv)).toMatchObject({ ok: true, value: { python: realPython } });
    const llem = script('venv3/bin/llem', '#!/usr/bin/env node\n');
    expect(findLlemPython({ command: llem, args: [] }, { [GUARDIAN_PYTHON_ENV]: realPython })).toEqual({ ok: true, value: { python: realPython, how: GUARDIAN_PYTHON_ENV } });
    const bad = findLlemPython({ command: llem, args: [] }, { [GUARDIAN_PYTHON_ENV]: path.join(tmp, 'nope') });
    expect(bad).toMatchObject({ ok: false, error: { code: 'guardian_python_missing', path: path.join(tmp, 'nope') } });
    if (!bad.ok) expect(bad.error.message).toContain(`${GUARDIAN_PYTHON_ENV} is set to ${path.join(tmp, 'nope')}, which is not an executable file`);
  });

  it('not from a script that names another interpreter (the fake llem runs on node): Node guardian for the CLI, an error under Electron', () => {
    const fake = { command: FAKE_LLEM, args: [] };
    expect(findLlemPython(fake, { PATH: path.dirname(pathPython!) })).toMatchObject({ ok: true, value: { python: null } });
    expect(guardianRuntimeForLlem(fake, noEnv, false)).toEqual({ ok: true, value: { kind: 'node', executable: process.execPath } });
    const underElectron = guardianRuntimeForLlem(fake, noEnv, true);
    expect(underElectron).toMatchObject({ ok: false, error: { code: 'guardian_python_missing' } });
    if (!underElectron.ok) expect(underElectron.error.message).toContain(`the first line of ${FAKE_LLEM}`);
    // The tests' other form, `node llem.mjs`: node is not llem's console script, so nothing beside it counts.
    expect(findLlemPython({ command: process.execPath, args: [FAKE_LLEM] }, noEnv)).toMatchObject({ ok: true, value: { python: null } });
  });
});

describe.skipIf(requireLlemOrSkip())('the real llem (PyPI llenergymeasure in the test venv)', () => {
  it("names its venv's Python in its first line; that Python runs the desktop app's guardian", () => {
    const venv = locateLlemVenv();
    if (!venv.found) throw new Error(venv.reason);
    const llem = path.join(venv.venvDir, 'bin', 'llem');
    const found = findLlemPython({ command: llem, args: [] }, noEnv);
    expect(found).toMatchObject({ ok: true, value: { how: `the first line of ${llem}` } });
    if (!found.ok || !found.value.python) throw new Error('no python found');
    expect(realpathSync(found.value.python)).toBe(realpathSync(venv.python));
    expect(guardianRuntimeForLlem({ command: llem, args: [] }, noEnv, true)).toEqual({ ok: true, value: { kind: 'python', executable: found.value.python } });
  });
});
