import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planStudy } from '../../../core/llem/studyPlanner';

/** Issue #15 (sibling of finding 5): a study, or the `base:` file it names, that is a device or a pipe. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-study-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study files are regular files of a sane size', () => {
  it('a study that is a link to /dev/zero, or a FIFO, fails at once with a clear error', () => {
    symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    expect(() => planStudy(path.join(dir, 'zero.yaml'))).toThrow(/Config file cannot be read: .*zero\.yaml: not a regular file \(a device\)/);
    expect(() => planStudy(path.join(dir, 'pipe.yaml'))).toThrow(/not a regular file \(a pipe\)/);
    expect(() => planStudy(path.join(dir, 'missing.yaml'))).toThrow(/Config file not found/);
  });

  it('a base: that names /dev/zero fails with the base error instead of reading forever', () => {
    writeFileSync(path.join(dir, 'study.yaml'), 'base: /dev/zero\nmodel: gpt2\nsweep: {n: [1]}\n');
    expect(() => planStudy(path.join(dir, 'study.yaml'))).toThrow(/base: .*\/dev\/zero/);
  });
});
