import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_CHARS_PER_CALL } from '../../../../contract/apiResults';
import type { ApiClient } from '../../../../renderer/src/api/client';
import { namesForPicked, uploadFiles } from '../../../../renderer/src/pages/results/uploadFiles';
import { makeResult } from '../../results/makeResult';
import { startTestCore, value } from './helpers';

let t: ReturnType<typeof startTestCore>;
let calls: { files: { name: string; base64: string; append: boolean }[]; finish: boolean }[];
let api: ApiClient;
beforeEach(() => {
  t = startTestCore();
  calls = [];
  // The page's client, wired straight to the core's dispatcher (as both transports are).
  api = {
    transport: 'websocket',
    call: (async (method: string, params: unknown) => {
      if (method === 'results.importContent') calls.push(structuredClone(params) as (typeof calls)[number]);
      return t.core.dispatcher.call(method, params);
    }) as ApiClient['call'],
    subscribe: () => () => undefined,
  };
});
afterEach(() => t.stop());

describe('the page-side uploader (browser mode)', () => {
  it('splits a file bigger than one message into chunks the core reassembles byte for byte', async () => {
    // ~5 MB: unknown top-level keys are kept by the importer, so padding makes a big but valid result.
    const big = JSON.stringify(makeResult({ model: 'org/big' }, { x_padding: 'é'.repeat(2_500_000) }));
    const small = JSON.stringify(makeResult({ model: 'org/small', startTime: '2026-05-05T05:05:05' }));
    const progress: number[] = [];
    const report = value(
      await uploadFiles(
        api,
        [
          { name: 'a/result.json', file: new File([big], 'result.json') },
          { name: 'b/result.json', file: new File([small], 'result.json') },
          { name: 'b/notes.txt', file: new File(['hi'], 'notes.txt') },
        ],
        (sent) => progress.push(sent),
      ),
    );
    expect(report.rejected).toEqual([]);
    expect(report.added.map((a) => a.path).sort()).toEqual(['a/result.json', 'b/result.json']);
    expect(report.ignored).toEqual([{ path: 'b/notes.txt', reason: expect.stringMatching(/not sent/) }]);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const c of calls) expect(c.files.reduce((n, f) => n + f.base64.length, 0)).toBeLessThanOrEqual(MAX_UPLOAD_CHARS_PER_CALL);
    expect(calls.map((c) => c.finish)).toEqual([...calls.slice(1).map(() => false), true]);
    const bigChunks = calls.flatMap((c) => c.files).filter((f) => f.name === 'a/result.json');
    expect(bigChunks.map((f) => f.append)).toEqual([false, ...bigChunks.slice(1).map(() => true)]);
    const stored = t.core.context.db.prepare("SELECT raw_json FROM results WHERE model = 'org/big'").pluck().get() as string;
    expect(stored).toBe(big);
    expect(progress.at(-1)).toBe(Buffer.byteLength(big) + Buffer.byteLength(small));
  });

  it('gives picked files with the same name folders of their own, and keeps folder-picker paths', () => {
    const a = new File(['{}'], 'result.json');
    const b = new File(['{}'], 'result.json');
    expect(namesForPicked([a, b]).map((p) => p.name)).toEqual(['1/result.json', '2/result.json']);
    expect(namesForPicked([a, new File([''], 'timeseries.parquet')]).map((p) => p.name)).toEqual(['result.json', 'timeseries.parquet']);
    const inFolder = new File(['{}'], 'result.json');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'sweep/run1/result.json' });
    expect(namesForPicked([inFolder]).map((p) => p.name)).toEqual(['sweep/run1/result.json']);
  });
});
