import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/serveProcess';
import { circlesThrough, sourceFiles } from './importCircles';

/**
 * `core/api` must have no import circle (issue #18): the handlers depend on `core/coreContext.ts` (a leaf that
 * imports only types), and only `core/startCore.ts` depends on the handlers.
 */
describe('import circles in core/api', () => {
  it('there are none', () => {
    const api = sourceFiles(REPO_ROOT, 'core/api');
    expect(api.length).toBeGreaterThan(5);
    expect(circlesThrough(REPO_ROOT, api).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('would be found: a handler that imports the module that builds the handlers', () => {
    const api = sourceFiles(REPO_ROOT, 'core/api');
    const read = (file: string) =>
      file === 'core/api/campaignHandlers.ts' ? "import { startCore } from '../startCore';\nexport const x = startCore;\n" : undefined;
    const circles = circlesThrough(REPO_ROOT, api, read).map((c) => c.join(' -> '));
    expect(circles).toContain('core/api/campaignHandlers.ts -> core/startCore.ts -> core/api/handlers.ts -> core/api/campaignHandlers.ts');
  });

  it('the context is a leaf: it imports nothing at run time', () => {
    const text = readFileSync(`${REPO_ROOT}/core/coreContext.ts`, 'utf8');
    const valueImports = text.split('\n').filter((l) => /^import /.test(l) && !/^import type /.test(l));
    expect(valueImports).toEqual([]);
  });
});
