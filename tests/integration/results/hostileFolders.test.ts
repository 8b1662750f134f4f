import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../core/results/importTypes';
import { readRegularFile, readRegularFileSync } from '../../../core/files/regularFile';
import { REPO_ROOT } from '../../helpers/serveProcess';
import { makeResult } from '../../unit/results/makeResult';

/**
 * Issue #15, finding 5: hostile result folders must not exhaust memory. Real files and real symlinks to
 * /dev/zero; the import runs in a child process whose resident memory is sampled from /proc and which is killed
 * at MEMORY_CEILING_MB (the old code reached 8 GB in 10 s here), and the test asserts the ceiling was never hit.
 */
const MEMORY_CEILING_MB = 400;
const TIME_LIMIT_MS = 20_000;

let bundle = '';
let root = '';
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'llem-hostile-folders-'));
  bundle = path.join(REPO_ROOT, '.cache', 'test-bundles', `import-entry-${process.pid}.mjs`);
  mkdirSync(path.dirname(bundle), { recursive: true });
  await build({
    entryPoints: [path.join(REPO_ROOT, 'tests/integration/results/fixtures/importEntry.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', loader: { '.py': 'text' },
    logLevel: 'warning',
  });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0; // exited
  }
}

/** Imports `inputs` in a child process under a memory ceiling; returns its report and its peak memory. */
async function importUnderCeiling(inputs: string[]): Promise<{ report: ImportReport; peakMb: number }> {
  const dataDir = mkdtempSync(path.join(root, 'data-'));
  const child = spawn(process.execPath, [bundle, dataDir, ...inputs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (errText += c));
  let peakMb = 0;
  let killedFor = '';
  const started = Date.now();
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, rssMb(child.pid!));
    if (peakMb > MEMORY_CEILING_MB) killedFor = `memory ceiling: ${peakMb.toFixed(0)} MB`;
    else if (Date.now() - started > TIME_LIMIT_MS) killedFor = `time limit ${TIME_LIMIT_MS} ms`;
    if (killedFor) child.kill('SIGKILL');
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(timer);
  expect(killedFor, `the import was killed (${killedFor})`).toBe('');
  expect(code, errText).toBe(0);
  return { report: JSON.parse(out) as ImportReport, peakMb };
}

function folder(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('hostile result folders (real files, a memory ceiling)', () => {
  it('a timeseries linked to /dev/zero is refused (it resolves outside the folder); the result itself is still imported', async () => {
    const dir = folder('ts-dev-zero');
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(makeResult({ timeseries: 'ts.parquet' })));
    symlinkSync('/dev/zero', path.join(dir, 'ts.parquet'));
    const { report, peakMb } = await importUnderCeiling([path.join(dir, 'result.json')]);
    expect(peakMb).toBeLessThan(MEMORY_CEILING_MB);
    expect(report.added).toHaveLength(1);
    const notes = (report.added[0] as { notes?: string[] }).notes ?? [];
    expect(notes.join('\n')).toMatch(/timeseries unreadable: .*ts\.parquet: resolves to \/dev\/zero, outside .*; not read/);
  });

  it('a timeseries linked to a file outside the result folder is not followed', async () => {
    const outside = path.join(folder('elsewhere'), 'secret.parquet');
    writeFileSync(outside, 'PAR1 secret');
    const dir = folder('ts-outside');
    writeFileSync(path.join(dir, 'result.json'), JSON.stringify(makeResult({ timeseries: 'ts.parquet' })));
    symlinkSync(outside, path.join(dir, 'ts.parquet'));
    const { report } = await importUnderCeiling([path.join(dir, 'result.json')]);
    expect(((report.added[0] as { notes?: string[] }).notes ?? []).join('\n')).toMatch(/outside .*; not read/);
  });

  it('an ML.ENERGY index.json linked to /dev/zero beside a task file: not read, no memory growth', async () => {
    const dir = folder('mlenergy-dev-zero');
    mkdirSync(path.join(dir, 'tasks'));
    writeFileSync(path.join(dir, 'tasks', 'chat.json'), JSON.stringify({ task: 'chat', configurations: [] }));
    symlinkSync('/dev/zero', path.join(dir, 'index.json'));
    const { report, peakMb } = await importUnderCeiling([path.join(dir, 'tasks', 'chat.json')]);
    expect(peakMb).toBeLessThan(MEMORY_CEILING_MB);
    // The task file itself is judged on its own (without the index); what matters is that the link was not read.
    expect(report.added.length + report.ignored.length + report.rejected.length).toBe(1);
  });

  it('a result.json named explicitly that is a link to /dev/zero, or a FIFO: rejected by name, without blocking', async () => {
    const dir = folder('explicit');
    symlinkSync('/dev/zero', path.join(dir, 'result.json'));
    const fifo = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const { report, peakMb } = await importUnderCeiling([path.join(dir, 'result.json'), fifo]);
    expect(peakMb).toBeLessThan(MEMORY_CEILING_MB);
    expect(report.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/result\.json: not a regular file \(a device\)/),
      expect.stringMatching(/pipe\.json: not a regular file \(a pipe\)/),
    ]);
  });
});

describe('readRegularFile', () => {
  it('reads a regular file inside its folder, and refuses devices, pipes, folders, oversized files and escapes', async () => {
    const dir = folder('unit');
    writeFileSync(path.join(dir, 'a.json'), '{"a":1}');
    writeFileSync(path.join(dir, 'big.json'), 'x'.repeat(100));
    symlinkSync('/dev/zero', path.join(dir, 'zero'));
    symlinkSync('../elsewhere/secret.parquet', path.join(dir, 'up'));
    symlinkSync('a.json', path.join(dir, 'inside-link'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    for (const read of [readRegularFile, async (f: string, o: Parameters<typeof readRegularFileSync>[1]) => readRegularFileSync(f, o)]) {
      const code = async (name: string, maxBytes = 1000) => {
        const r = await read(path.join(dir, name), { maxBytes, within: dir });
        return r.ok ? r.value.toString() : r.error.code;
      };
      expect(await code('a.json')).toBe('{"a":1}');
      expect(await code('inside-link')).toBe('{"a":1}');
      expect(await code('big.json', 99)).toBe('too_large');
      expect(await code('zero')).toBe('outside_folder');
      expect(await code('up')).toBe('outside_folder');
      expect(await code('fifo')).toBe('not_regular_file');
      expect(await code('missing')).toBe('not_found');
      const zero = await read(path.join(dir, 'zero'), { maxBytes: 1000 });
      expect(!zero.ok && zero.error.code).toBe('not_regular_file');
    }
    expect((await readRegularFile(dir, { maxBytes: 10 })).ok).toBe(false);
  });
});
