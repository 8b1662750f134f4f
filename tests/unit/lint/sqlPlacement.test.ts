import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/serveProcess';

/**
 * SQL lives in core/store/** and in domain store modules named core/<domain>/<name>Store.ts (issue #18), enforced
 * by no-restricted-syntax in eslint.config.js. Each case lints a made-up file at a path inside the part it pretends
 * to live in.
 */
const eslint = new ESLint({ cwd: REPO_ROOT });

async function sqlErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const handlerWithSql = `import type { CoreContext } from '../coreContext';
export function createThingHandlers(ctx: CoreContext) {
  return { 'thing.count': async () => ctx.db.prepare('SELECT COUNT(*) AS n FROM results').get() };
}
`;
const storeModule = `import type { Db } from '../store/database';
export function countThings(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM results').get() as { n: number }).n;
}
export function resetThings(db: Db): void {
  db.exec('DELETE FROM things');
}
`;

describe('where SQL may be written', () => {
  it('flags .prepare( in an API handler, a CLI command and domain logic', async () => {
    for (const file of ['core/api/thingHandlers.ts', 'core/cli/thing.ts', 'core/results/thingView.ts', 'core/api/results/thing.ts']) {
      const errors = await sqlErrors(file, handlerWithSql);
      expect(errors.join('\n'), file).toMatch(/SQL belongs in core\/store/);
    }
  });

  it('flags exec on a db (db.exec and ctx.db.exec), but not a RegExp exec', async () => {
    expect(await sqlErrors('core/runner/thing.ts', "import type { Db } from '../store/database';\nexport const f = (db: Db) => db.exec('VACUUM');\n")).toHaveLength(1);
    expect(await sqlErrors('core/api/thing.ts', "import type { CoreContext } from '../coreContext';\nexport const f = (ctx: CoreContext) => ctx.db.exec('VACUUM');\n")).toHaveLength(1);
    expect(await sqlErrors('core/runner/thing.ts', 'export const f = (s: string) => /a(b)/.exec(s)?.[1];\n')).toEqual([]);
  });

  it('passes a domain store module and the store itself', async () => {
    expect(await sqlErrors('core/results/thingStore.ts', storeModule)).toEqual([]);
    expect(await sqlErrors('core/slurm/nested/thingStore.ts', storeModule)).toEqual([]);
    expect(await sqlErrors('core/store/things.ts', storeModule)).toEqual([]);
  });

  it('a name that only contains "Store" is not a store module', async () => {
    expect(await sqlErrors('core/results/storeView.ts', storeModule)).toHaveLength(2);
    expect(await sqlErrors('core/results/thingStoreHelpers.ts', storeModule)).toHaveLength(2);
  });
});
