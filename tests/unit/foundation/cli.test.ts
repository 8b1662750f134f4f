import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../../helpers/serveProcess';

const built = existsSync(path.join(REPO_ROOT, 'out/cli/index.js'));
if (!built) console.warn('SKIP: the CLI is not built (npm run build); npm test builds it first.');

describe.skipIf(!built)('llem-studio CLI', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = run('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('--help lists the commands', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: llem-studio');
    expect(result.stdout).toContain('serve');
  });

  it('an unknown command is a usage error (exit 2)', () => {
    const result = run('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('serve refuses a port that is not a number', () => {
    const result = run('serve', '--port', 'eighty');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('expected a port number');
  });
});
