import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultTimeline } from '../../../../core/results/views/timeline';
import { FIGURE_SQL } from '../../../../core/results/figureDefinitions';
import { importSampleSet } from '../../../../core/results/sampleRuns';
import { openTempDb } from '../helpers';

const SAMPLES = path.resolve(__dirname, '../../../../resources/sample-runs');

describe("power timeline: the table's average power beside a line of one GPU", () => {
  it('names the window and the GPUs, and draws the figure per GPU (a 2-GPU run: half the table\'s figure)', async () => {
    const { db, cleanup } = openTempDb();
    try {
      const imported = await importSampleSet(db, 'h100-gpt2-random-weights', SAMPLES);
      if (!imported.ok) throw new Error(imported.error.message);
      const id = db.prepare('SELECT id FROM results ORDER BY id LIMIT 1').pluck().get() as number;
      const table = () => db.prepare(`SELECT ${FIGURE_SQL.avgPowerW} FROM results r WHERE r.id = ?`).pluck().get(id) as number;

      const one = resultTimeline(db, id, 'power_w', 400);
      if (!one.ok) throw new Error(one.error.message);
      expect(one.value.t.length).toBeGreaterThan(1);
      expect(one.value.averagePower!.tableW).toBe(table());
      expect(one.value.averagePower!.perGpuW).toBe(table());
      expect(one.value.note).toContain("over llem's measurement window");

      // The same energy over two GPUs: the table's figure is the sum, the line's reference is per GPU.
      db.prepare('UPDATE results SET num_gpus = 2 WHERE id = ?').run(id);
      const two = resultTimeline(db, id, 'power_w', 400);
      if (!two.ok) throw new Error(two.error.message);
      expect(two.value.averagePower!.gpus).toBe(2);
      expect(two.value.averagePower!.perGpuW).toBeCloseTo(table() / 2, 12);
      expect(two.value.note).toContain('2 GPUs summed');

      const temperature = resultTimeline(db, id, 'temperature_c', 400);
      if (!temperature.ok) throw new Error(temperature.error.message);
      expect(temperature.value.averagePower).toBeUndefined();
    } finally {
      cleanup();
    }
  });
});
