import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, defaultDataDir, resolveDataDir } from '../../../core/dataDir';

describe('data directory', () => {
  it('uses the env var when set', () => {
    expect(defaultDataDir({ [DATA_DIR_ENV]: '/srv/llem' }, 'linux')).toBe(path.resolve('/srv/llem'));
  });
  it('follows the platform convention otherwise', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/u/.config' }, 'linux')).toBe(path.join('/home/u/.config', 'llem Studio'));
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library[/\\]Application Support[/\\]llem Studio$/);
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toContain('llem Studio');
  });
  it('lets --data-dir win over the env var', () => {
    expect(resolveDataDir('/tmp/flag', { [DATA_DIR_ENV]: '/srv/llem' })).toBe(path.resolve('/tmp/flag'));
    expect(resolveDataDir(undefined, { [DATA_DIR_ENV]: '/srv/llem' })).toBe(path.resolve('/srv/llem'));
  });
});
