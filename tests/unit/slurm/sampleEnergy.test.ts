import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { energyFromSamplesCsv } from '../../../core/slurm/sampleEnergy';

const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HEADER = 't_ms,gpu_uuid,power_w,energy_mj,temperature_c,sm_util_pct,memory_used_mb,sm_clock_mhz';

function csv(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
  return file;
}

describe('a SLURM task’s energy from the node sampler’s samples.csv', () => {
  it('per GPU in the task’s CUDA order: counter difference and integrated power, like a local run', async () => {
    const file = csv('two.csv', [
      '1000,GPU-b,100,5000,40,0,10,1000',
      '1000,GPU-a,200,9000,40,0,10,1000',
      '2000,GPU-b,100,5100,40,0,10,1000',
      '2000,GPU-a,300,9250,40,0,10,1000',
      '3000,GPU-b,,5200,40,0,10,1000',
      '3000,GPU-a,300,9550,40,0,10,1000',
    ]);
    const r = await energyFromSamplesCsv(file, ['GPU-a', 'GPU-b']);
    if (!r.ok) throw new Error(r.error.message);
    const byUuid = Object.fromEntries(r.value.map((e) => [e.gpuUuid, e]));
    expect(byUuid['GPU-a']).toMatchObject({ gpuIndex: 0, counterJ: 0.55, counterMethod: 'counter', integratedJ: 250 + 300, sampleCount: 3, startMs: 1000, endMs: 3000 });
    // A pair with a missing power reading is skipped (as llem does): only 1000→2000 s counts for GPU-b.
    expect(byUuid['GPU-b']).toMatchObject({ gpuIndex: 1, counterJ: 0.2, integratedJ: 100, counterReads: 3 });
  });

  it('a task without samples has none; a GPU not in the task record is appended, not dropped', async () => {
    expect(await energyFromSamplesCsv(path.join(dir, 'absent.csv'), [])).toEqual({ ok: true, value: [] });
    const r = await energyFromSamplesCsv(csv('extra.csv', ['1,GPU-x,10,1,,,,', '1001,GPU-x,10,11,,,,']), ['GPU-a']);
    expect(r.ok && r.value.map((e) => [e.gpuUuid, e.gpuIndex, e.counterJ])).toEqual([['GPU-x', 1, 0.01]]);
  });

  it('ignores a last line cut short by a killed task, and refuses bad data elsewhere naming the line', async () => {
    const cut = await energyFromSamplesCsv(csv('cut.csv', ['1000,GPU-a,100,0,,,,', '2000,GPU-a,100,100,,,,', '3000,GPU-a,1']), ['GPU-a']);
    expect(cut.ok && cut.value[0]!.sampleCount).toBe(2);
    const mid = await energyFromSamplesCsv(csv('mid.csv', ['1000,GPU-a,1', '2000,GPU-a,100,100,,,,']), ['GPU-a']);
    expect(mid.ok ? 'ok' : mid.error.message).toMatch(/mid\.csv line 2: 3 fields/);
    const nan = await energyFromSamplesCsv(csv('nan.csv', ['1000,GPU-a,lots,0,,,,']), ['GPU-a']);
    expect(nan.ok ? 'ok' : nan.error.message).toMatch(/nan\.csv line 2: power_w "lots" is not a number/);
    writeFileSync(path.join(dir, 'header.csv'), 'a,b\n');
    const header = await energyFromSamplesCsv(path.join(dir, 'header.csv'), []);
    expect(header.ok ? 'ok' : header.error.message).toMatch(/line 1: expected the columns/);
    mkdirSync(path.join(dir, 'folder.csv'));
    const folder = await energyFromSamplesCsv(path.join(dir, 'folder.csv'), []);
    expect(folder.ok ? 'ok' : folder.error.message).toMatch(/not a regular file/);
  });
});
