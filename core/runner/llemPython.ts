import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../contract/result';
import { chooseGuardianRuntime, GUARDIAN_PYTHON_ENV, type GuardianRuntime } from '../processes/guardian';
import { findOnPath, isExecutableFile } from '../system/findExecutable';
import type { LlemCommand } from './llemDiscovery';

/** A console script's first lines are all we read: a shebang, or pip's `#!/bin/sh` + `'''exec' "python"` form. */
const HEAD_BYTES = 1024;
const PYTHON_NAME = /^python(\d+(\.\d+)*)?(\.exe)?$/i;
const LLEM_SCRIPT_NAME = /^llem(\.exe)?$/i;

export interface LlemPython {
  /** The interpreter, or null when none was found. */
  python: string | null;
  /** Where it came from, or (when null) where it was looked for — for messages. */
  how: string;
}

/**
 * The Python interpreter that runs llem, for the process guardian. llem is a Python console script, so one
 * always exists; it is found, in this order, from:
 * 1. `LLEM_STUDIO_PYTHON` (an explicit choice; an error when it is not an executable file);
 * 2. llem started as `<python> -c <entry point>` (the CLI's --python);
 * 3. the llem script's shebang (`#!/venv/bin/python3`, `#!/usr/bin/env python3`, or pip's long-path
 *    `#!/bin/sh` + `'''exec' "/venv/bin/python" …` form);
 * 4. a `python3`/`python` (Windows: `python.exe`) beside the llem script (named `llem`), as in every venv
 *    (Windows' llem.exe is a launcher, so this is how a Windows venv is found).
 * Only names that look like a Python count: a shebang naming node (the test suite's fake llem) is not one.
 */
export function findLlemPython(llem: Pick<LlemCommand, 'command' | 'args'>, env: NodeJS.ProcessEnv = process.env): Result<LlemPython> {
  const configured = env[GUARDIAN_PYTHON_ENV];
  if (configured) {
    return isExecutableFile(configured)
      ? ok({ python: configured, how: GUARDIAN_PYTHON_ENV })
      : err('guardian_python_missing', `${GUARDIAN_PYTHON_ENV} is set to ${configured}, which is not an executable file.`, { path: configured });
  }
  if (llem.args[0] === '-c' && isPythonName(llem.command) && isExecutableFile(llem.command)) return ok({ python: llem.command, how: 'the configured Python' });
  const fromShebang = shebangPython(llem.command, env);
  if (fromShebang) return ok({ python: fromShebang, how: `the first line of ${llem.command}` });
  // Only beside llem's own console script (llem, llem.exe): a python beside some other program says nothing.
  if (!LLEM_SCRIPT_NAME.test(path.basename(llem.command))) return ok({ python: null, how: `the first line of ${llem.command}` });
  const dirs = [path.dirname(llem.command)];
  try {
    const real = path.dirname(realpathSync(llem.command));
    if (real !== dirs[0]) dirs.push(real);
  } catch {
    // llem itself is missing: nothing beside it either
  }
  const names = process.platform === 'win32' ? ['python.exe'] : ['python3', 'python'];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return ok({ python: candidate, how: `beside ${llem.command}` });
    }
  }
  return ok({ python: null, how: `the first line of ${llem.command} and ${names.join('/')} in ${dirs.join(' and ')}` });
}

/** The guardian for runs of this llem: Python when found (see findLlemPython), Node only outside Electron. */
export function guardianRuntimeForLlem(
  llem: Pick<LlemCommand, 'command' | 'args'>,
  env: NodeJS.ProcessEnv = process.env,
  underElectron?: boolean,
): Result<GuardianRuntime> {
  const found = findLlemPython(llem, env);
  if (!found.ok) return found;
  return chooseGuardianRuntime({ python: found.value.python, lookedFor: found.value.how, underElectron });
}

function isPythonName(file: string): boolean {
  return PYTHON_NAME.test(path.basename(file));
}

/** The interpreter a script's first lines name, when it is an executable Python; else null. */
export function shebangPython(script: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const head = readHead(script);
  if (head === null || !head.startsWith('#!')) return null;
  const lines = head.split(/\r?\n/);
  const words = lines[0]!.slice(2).trim().split(/\s+/);
  let interpreter = words[0] ?? '';
  if (path.basename(interpreter) === 'env') {
    const name = words.slice(1).find((w) => !w.startsWith('-'));
    interpreter = name && isPythonName(name) ? (findOnPath(name, env) ?? '') : '';
  } else if (/^\/bin\/(ba|da)?sh$/.test(interpreter)) {
    // pip/distlib, for interpreter paths too long (or with spaces) for a shebang: '''exec' "/path/python" "$0" "$@"
    const exec = /^'''exec' "([^"]+)"/.exec(lines[1] ?? '') ?? /^'''exec' (\S+)/.exec(lines[1] ?? '');
    interpreter = exec?.[1] ?? '';
  }
  return interpreter && isPythonName(interpreter) && isExecutableFile(interpreter) ? interpreter : null;
}

/** The first HEAD_BYTES of a regular file, or null (missing, not a regular file, unreadable). */
function readHead(file: string): string | null {
  let fd: number | null = null;
  try {
    if (!statSync(file).isFile()) return null;
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
