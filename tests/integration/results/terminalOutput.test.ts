import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runImportCommand } from '../../../core/cli/import';
import { runResultsCommand } from '../../../core/cli/results';
import { terminalField, terminalText } from '../../../core/cli/terminalText';
import { tempDir } from '../../unit/results/helpers';
import { makeResult } from '../../unit/results/makeResult';

/**
 * Issue #15, finding 9: `llem-studio results` printed model names and ids from imported files with raw escape
 * sequences. Real files, imported and listed through the CLI commands.
 */
const HOSTILE_MODEL = 'org/m\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b1A\u202etxt.exe\nsecond line';
/** Any terminal control: C0 but \n (checked per line), DEL, C1, bidi overrides/isolates, line separators. */
// eslint-disable-next-line no-control-regex -- the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

let root: string;
let dataDir: string;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir('llem-cli-terminal-');
  root = path.join(t.dir, 'files');
  dataDir = path.join(t.dir, 'data');
  cleanup = t.cleanup;
});
afterEach(() => cleanup());

describe('data printed to a terminal', () => {
  it('results: the table shows control characters as escapes, one line per result; --json keeps the exact data', async () => {
    const dir = path.join(root, `run\u001b[1m`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(makeResult({ model: HOSTILE_MODEL }, { experiment_id: 'exp\u001b[8mhidden' })));
    const imported = await runImportCommand({ paths: [root], dataDir });
    expect(imported.stdout).not.toMatch(RAW_CONTROL);
    expect(imported.stdout).toContain('run\\u001b[1m');

    const table = await runResultsCommand({ json: false, dataDir });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(2); // the header and one row: the \n in the name did not split it
    expect(table.stdout).toContain('org/m\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31mred\\u009b1A\\u202etxt.exe\\u000asecond line');
    expect(table.stdout).toContain('exp\\u001b[8mhidden');

    const json = await runResultsCommand({ json: true, dataDir });
    const rows = JSON.parse(json.stdout) as { model: string }[];
    expect(rows[0]!.model).toBe(HOSTILE_MODEL);
  });

  it('terminalText keeps line feeds and tabs of whole messages; terminalField shows them too', () => {
    expect(terminalText('a\tb\nc\u001b[0m\r')).toBe('a\tb\nc\\u001b[0m\\u000d');
    expect(terminalField('a\tb\nc')).toBe('a\\u0009b\\u000ac');
    expect(terminalField(null)).toBe('');
    expect(terminalField('Llama-3.1-8B · H100 80GB — ok')).toBe('Llama-3.1-8B · H100 80GB — ok');
  });
});
