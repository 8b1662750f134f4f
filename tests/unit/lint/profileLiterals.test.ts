import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LLEM_PROFILE_IDS } from '../../../contract/llem/profiles';
import { declaredProfileIds } from '../../../eslint-rules/noLlemProfileLiterals.js';
import { REPO_ROOT } from '../../helpers/serveProcess';

/**
 * llem profile ids are spelled only in the profile/family folders (core/llem/, the contract's llem schemas) and the
 * one declaration (contract/llem/profiles.ts): everything else asks the registry (eslint.config.js,
 * eslint-rules/noLlemProfileLiterals.js). Each case lints text at a path inside the part it pretends to live in.
 */
const eslint = new ESLint({ cwd: REPO_ROOT });

async function profileErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'llem/no-profile-literals').map((m) => m.message);
}

describe('llem profile id literals', () => {
  it('reads the ids from the one declaration, leaving out the ordinary word head', () => {
    expect(declaredProfileIds()).toEqual(LLEM_PROFILE_IDS.filter((id) => id !== 'head'));
    expect(declaredProfileIds("export const LLEM_PROFILE_IDS = ['head', 'pypi-0.9.1'] as const;")).toEqual(['pypi-0.9.1']);
    expect(() => declaredProfileIds('export const PROFILES = {};')).toThrow(/LLEM_PROFILE_IDS not found/);
  });

  it('rejects a profile comparison or default outside the family folders, in every part and spelling', async () => {
    const cases: [string, string][] = [
      ['core/api/bad.ts', "export const isPypi = (p: string) => p === 'pypi-0.7.0';\n"],
      ['core/cli/bad.ts', 'export const fallback = `v0.8`;\n'],
      ['renderer/src/pages/design/bad.tsx', "export const labels = { 'v0.7': 'old tag' };\n"],
      ['contract/apiBad.ts', "export type Old = 'v0.7' | 'v0.8';\n"],
      ['main/bad.ts', 'export const p = "pypi-0.7.0";\n'],
      ['scripts/bad.mjs', "export const p = 'pypi-0.7.0';\n"],
    ];
    for (const [file, code] of cases) {
      const errors = await profileErrors(file, code);
      expect(errors.length, `${file}: ${code}`).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/is a llem profile id: ask the family registry/);
    }
  });

  it('allows the ids inside core/llem/, the declaration and the families\' contract schemas', async () => {
    const code = "export const isPypi = (p: string) => p === 'pypi-0.7.0' || p === 'v0.7';\n";
    for (const file of ['core/llem/families/pypi070/fine.ts', 'core/llem/registry.ts', 'contract/llem/profiles.ts', 'contract/llem/pypi070/fine.ts', 'contract/llem/studyConfig.ts']) {
      expect(await profileErrors(file, code), file).toEqual([]);
    }
  });

  it('allows ids inside longer text and other words, and leaves tests and benchmarks alone', async () => {
    expect(await profileErrors('core/cli/fine.ts', "export const help = 'head, v0.8, v0.7 or pypi-0.7.0';\nexport const end = 'head';\n")).toEqual([]);
    expect(await profileErrors('tests/unit/fine.test.ts', "export const p = 'pypi-0.7.0';\n")).toEqual([]);
    expect(await profileErrors('bench/fine.ts', "export const p = 'pypi-0.7.0';\n")).toEqual([]);
  });

  it('holds for the files that used to compare profile ids', async () => {
    const files = ['contract/doctor.ts', 'core/campaigns/templates.ts', 'core/cli/doctor.ts', 'core/cli/slurm.ts', 'core/cli/index.ts', 'core/runner/llemDiscovery.ts', 'renderer/src/pages/design/DesignPage.tsx', 'renderer/src/pages/design/profileSchema.ts'];
    const results = await eslint.lintFiles(files.map((f) => path.join(REPO_ROOT, f)));
    const found = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'llem/no-profile-literals').map((m) => `${path.relative(REPO_ROOT, r.filePath)}:${m.line}`));
    expect(found).toEqual([]);
    expect(results).toHaveLength(files.length);
  });
});
