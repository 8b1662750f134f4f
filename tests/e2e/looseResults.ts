import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { CLI, type ServeHandle } from '../helpers/serveProcess';
import { realResult } from '../unit/share/seed';

const BATCHES = [1, 8];
const CYCLES = 2;

/**
 * A folder of llem results for a test file to import by hand, outside any campaign (written in beforeAll, removed
 * in afterAll): `org/e2e-model` at batch sizes 1 and 8, two cycles each — 4 results, a minute apart, with less
 * energy at the larger batch. `more(dir)` adds the file's own results. `importInto(serve)` imports the folder
 * through the CLI into a served data directory (servedApp's `afterStart`).
 */
export function looseResults(prefix: string, more?: (dir: string) => void) {
  let dir: string | undefined;
  test.beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    let minute = 0;
    for (const batchSize of BATCHES) {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const sub = path.join(dir, `bs${batchSize}_c${cycle}`);
        mkdirSync(sub, { recursive: true });
        const startTime = `2026-04-0${cycle + 1}T10:${String(minute++).padStart(2, '0')}:00.000000`;
        writeFileSync(path.join(sub, 'result.json'), JSON.stringify(realResult({ model: 'org/e2e-model', batchSize, energyJ: 600 / batchSize + 50 * cycle, startTime }), null, 2));
      }
    }
    more?.(dir);
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (!dir) throw new Error('the results folder is made in beforeAll');
      return dir;
    },
    importInto(serve: ServeHandle): void {
      execFileSync(process.execPath, [CLI, 'import', this.dir, '--data-dir', serve.dataDir], { encoding: 'utf8' });
    },
  };
}
