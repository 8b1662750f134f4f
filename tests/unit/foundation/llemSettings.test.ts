import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { effectiveTelemetrySpec, llemLocateOptions, readLlemSettings, writeLlemSettings } from '../../../core/settings/llemSettings';
import { openDatabase, type Db } from '../../../core/store/database';

const FAKE = path.resolve(__dirname, '../../fixtures/fake-llem/llem.mjs');
let db: Db | undefined;
function freshDb(): Db {
  const opened = openDatabase(mkdtempSync(path.join(os.tmpdir(), 'llem-settings-')));
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
  return db;
}
afterEach(() => db?.close());

describe('llem path, Python interpreter and telemetry source (Settings → llem)', () => {
  it('stores a chosen llem and uses it to locate llem', () => {
    const store = freshDb();
    expect(writeLlemSettings(store, { llemPath: FAKE })).toEqual({ ok: true, value: null });
    expect(llemLocateOptions(store, {})).toMatchObject({ configuredPath: FAKE, pythonInterpreter: null });
    writeLlemSettings(store, { llemPath: null });
    expect(llemLocateOptions(store, {}).configuredPath).toBeNull();
  });

  it('refuses a path that is not an executable file, naming the field', () => {
    const store = freshDb();
    const r = writeLlemSettings(store, { pythonInterpreter: '/nonexistent/python3' });
    expect(r).toMatchObject({ ok: false, error: { path: 'pythonInterpreter', message: expect.stringContaining('/nonexistent/python3') } });
    expect(readLlemSettings(store, {}).pythonInterpreter).toBeNull();
  });

  it('refuses an unknown telemetry source and keeps the old one', () => {
    const store = freshDb();
    writeLlemSettings(store, { telemetrySource: 'nvidia-smi' });
    const r = writeLlemSettings(store, { telemetrySource: 'gpu-please' });
    expect(r).toMatchObject({ ok: false, error: { path: 'telemetrySource' } });
    expect(effectiveTelemetrySpec(store, {})).toBe('nvidia-smi');
  });

  it('a saved telemetry choice wins over LLEM_STUDIO_TELEMETRY, which wins over auto', () => {
    const store = freshDb();
    expect(effectiveTelemetrySpec(store, {})).toBe('auto');
    expect(effectiveTelemetrySpec(store, { LLEM_STUDIO_TELEMETRY: 'replay:/x.jsonl' })).toBe('replay:/x.jsonl');
    expect(readLlemSettings(store, { LLEM_STUDIO_TELEMETRY: 'replay:/x.jsonl' })).toMatchObject({ telemetrySource: 'replay:/x.jsonl', envTelemetry: 'replay:/x.jsonl' });
    writeLlemSettings(store, { telemetrySource: 'off' });
    expect(effectiveTelemetrySpec(store, { LLEM_STUDIO_TELEMETRY: 'replay:/x.jsonl' })).toBe('off');
  });
});
