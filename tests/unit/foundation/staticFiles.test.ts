import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../core/server/staticFiles';

let root: string;
beforeAll(() => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'llem-static-'));
  root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<html></html>');
  writeFileSync(path.join(root, 'assets', 'app.js'), '');
  writeFileSync(path.join(base, 'secret.txt'), 'do not serve');
});

describe('resolveStaticPath', () => {
  it('serves files inside the root', () => {
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
  });
  it('falls back to index.html for client routes, not for missing assets', () => {
    expect(resolveStaticPath(root, '/results')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/missing.js')).toBeNull();
  });
  it('never escapes the root', () => {
    for (const attempt of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt', '/%00', '/..\\secret.txt', '/%E0%A4%A']) {
      const resolved = resolveStaticPath(root, attempt);
      if (resolved !== null) expect(resolved.startsWith(root + path.sep)).toBe(true);
      expect(resolved?.endsWith('secret.txt') ?? false).toBe(false);
    }
  });
});
