import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startCore } from '../../../core/startCore';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function core(dir: string) {
  const started = startCore({ dataDir: dir, mode: 'browser', env: { PATH: '/nonexistent' } });
  if (!started.ok) throw new Error(started.error.message);
  return started.value;
}

it('settings.gridIntensity is unset by default, stored across restarts, validated, and cleared with null', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-grid-'));
  dirs.push(dir);
  let c = core(dir);
  expect(await c.dispatcher.call('settings.gridIntensity', {})).toEqual({ ok: true, value: null });
  const bad = await c.dispatcher.call('settings.setGridIntensity', { intensity: { gramsPerKwh: 350, source: '' } });
  expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  expect(JSON.stringify(bad)).toContain('say where the figure comes from');
  const set = await c.dispatcher.call('settings.setGridIntensity', { intensity: { gramsPerKwh: 350, source: ' Ember 2024, Germany ' } });
  expect(set).toEqual({ ok: true, value: { gramsPerKwh: 350, source: 'Ember 2024, Germany' } });
  c.close();
  c = core(dir);
  expect(await c.dispatcher.call('settings.gridIntensity', {})).toEqual({ ok: true, value: { gramsPerKwh: 350, source: 'Ember 2024, Germany' } });
  expect(await c.dispatcher.call('settings.setGridIntensity', { intensity: null })).toEqual({ ok: true, value: null });
  expect(await c.dispatcher.call('settings.gridIntensity', {})).toEqual({ ok: true, value: null });
  c.close();
});
