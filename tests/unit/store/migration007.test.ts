import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureQualityChecks, readQuality } from '../../../core/results/quality/qualityStore';
import { importSampleSet } from '../../../core/results/sampleRuns';
import { openDatabase, schemaVersion } from '../../../core/store/database';
import { migrations } from '../../../core/store/migrations/index';

const SAMPLES = path.resolve(__dirname, '../../../resources/sample-runs');
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('migration 007 (result_quality)', () => {
  it('upgrades a version-6 database holding results; their checks are backfilled on first read, then cascade on delete', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llem-m007-'));
    dirs.push(dir);
    // Results stored at version 6: storing their checks fails (no table yet), the import itself does not.
    const old = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= 6) });
    if (!old.ok) throw new Error(old.error.message);
    const imported = await importSampleSet(old.value, 'h100-gpt2-random-weights', SAMPLES);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value.added).toHaveLength(4);
    expect(schemaVersion(old.value)).toBe(6);
    old.value.close();

    const opened = openDatabase(dir, { migrations: migrations.filter((m) => m.version <= 7) });
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    try {
      expect(schemaVersion(db)).toBe(7);
      expect(db.prepare('SELECT COUNT(*) FROM result_quality').pluck().get()).toBe(0);
      const filled = ensureQualityChecks(db);
      if (!filled.ok) throw new Error(filled.error.message);
      expect(filled.value.checked).toBe(4);
      const grades = db.prepare('SELECT r.batch_size, q.grade, q.output_tokens_bounded FROM results r JOIN result_quality q ON q.result_id = r.id ORDER BY r.id').all();
      expect(grades).toEqual([
        { batch_size: 1, grade: 'A', output_tokens_bounded: 4096 },
        { batch_size: 1, grade: 'A', output_tokens_bounded: 4096 },
        { batch_size: 32, grade: 'C', output_tokens_bounded: 4096 },
        { batch_size: 32, grade: 'C', output_tokens_bounded: 4096 },
      ]);
      // A row from an older checks version is re-checked; the grade column refuses anything but A/B/C.
      db.prepare('UPDATE result_quality SET checks_version = 0 WHERE result_id = 1').run();
      expect(ensureQualityChecks(db)).toEqual({ ok: true, value: { checked: 1 } });
      expect(() => db.prepare("UPDATE result_quality SET grade = 'D' WHERE result_id = 1").run()).toThrow(/CHECK/);
      db.prepare('DELETE FROM results WHERE id = 3').run();
      expect(readQuality(db).has(3)).toBe(false);
    } finally {
      db.close();
    }
  });
});
