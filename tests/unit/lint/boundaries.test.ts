import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/serveProcess';

/**
 * The process boundary is enforced by ESLint (eslint.config.js), not by discipline. Each case lints a
 * deliberately bad file (given as text at a path inside the part it pretends to live in).
 */
const eslint = new ESLint({ cwd: REPO_ROOT });

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('rejects electron outside the shell', async () => {
    for (const file of ['core/bad.ts', 'contract/bad.ts', 'renderer/src/bad.tsx']) {
      const errors = await importErrors(file, "import { app } from 'electron';\nexport const x = app;\n");
      expect(errors.join('\n'), file).toMatch(/Only the Electron shell/);
    }
    expect(await importErrors('main/fine.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
    expect(await importErrors('preload/fine.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toEqual([]);
  });

  it('rejects Node built-ins in the renderer and the contract, in every spelling', async () => {
    for (const file of ['renderer/src/bad.ts', 'contract/bad.ts']) {
      for (const specifier of ['fs', 'node:fs', 'node:child_process', 'path', 'node:fs/promises']) {
        const errors = await importErrors(file, `import * as m from '${specifier}';\nexport const x = m;\n`);
        expect(errors.length, `${file} importing ${specifier}`).toBeGreaterThan(0);
      }
    }
  });

  it('rejects core (and shell) imports inside the renderer and the contract', async () => {
    expect(await importErrors('renderer/src/bad.ts', "import { startCore } from '../../core/startCore';\nexport const x = startCore;\n")).not.toEqual([]);
    expect(await importErrors('renderer/src/bad.ts', "import { registerIpc } from '../../main/ipc';\nexport const x = registerIpc;\n")).not.toEqual([]);
    expect(await importErrors('contract/bad.ts', "import { openDatabase } from '../core/store/database';\nexport const x = openDatabase;\n")).not.toEqual([]);
  });

  it('rejects UI and shell imports inside the core', async () => {
    expect(await importErrors('core/bad.ts', "import { App } from '../renderer/src/App';\nexport const x = App;\n")).not.toEqual([]);
    expect(await importErrors('core/bad.ts', "import React from 'react';\nexport const x = React;\n")).not.toEqual([]);
  });

  it('allows what each part legitimately needs', async () => {
    expect(await importErrors('core/fine.ts', "import { readFileSync } from 'node:fs';\nimport { ok } from '../contract/result';\nexport const x = [readFileSync, ok];\n")).toEqual([]);
    expect(await importErrors('renderer/src/fine.ts', "import { apiMethods } from '../../contract/api';\nexport const x = apiMethods;\n")).toEqual([]);
    expect(await importErrors('contract/fine.ts', "import { z } from 'zod';\nexport const x = z;\n")).toEqual([]);
  });
});
