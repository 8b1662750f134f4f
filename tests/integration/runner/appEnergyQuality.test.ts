import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRunCommand, type CommandIo } from '../../../core/cli/run';
import { compareAppEnergy } from '../../../core/results/figureDefinitions';
import { readAppMeasuringEnergy } from '../../../core/results/quality/appEnergyStore';
import type { QualityCheck } from '../../../core/results/quality/qualityChecks';
import { openDatabase } from '../../../core/store/database';
import { FAKE_LLEM, REPO_ROOT } from './helpers';

const REPLAY = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/replay-synthetic.jsonl');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-appenergy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Steps of 150 ms: the measuring phase then spans several of the replay's 100 ms samples. */
function quietIo(): CommandIo {
  const sink = { write: () => true };
  return {
    stdout: Object.assign(sink, { isTTY: false, columns: 200 }) as unknown as CommandIo['stdout'],
    stderr: sink as unknown as CommandIo['stderr'],
    env: { ...process.env, FAKE_LLEM_STEP_MS: '150', FAKE_LLEM_PID_DIR: path.join(dir, 'pids') },
    onInterrupt: () => () => undefined,
  };
}

describe("a run the app made: its result's energy check compares the app's own figures", () => {
  it('is re-checked after the runner stores run_energy, with the same comparison the Runs page uses', async () => {
    const file = path.join(dir, 'study.yaml');
    writeFileSync(file, 'name: app-energy\nmodel: "org/tiny"\nn: 4\nsweep:\n  precision: [bf16, fp16]\nexecution:\n  n_cycles: 1\n');
    const dataDir = path.join(dir, 'data');
    const res = await runRunCommand({ studyFile: file, dataDir, llem: FAKE_LLEM, telemetry: `replay:${REPLAY}` }, quietIo());
    expect(res.exitCode).toBe(0);
    const opened = openDatabase(dataDir);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    try {
      const results = db
        .prepare('SELECT r.id, r.run_id, ru.attempt, r.total_energy_j, r.duration_sec, r.num_gpus, q.checks_json FROM results r JOIN runs ru ON ru.id = r.run_id JOIN result_quality q ON q.result_id = r.id')
        .all() as { id: number; run_id: number; attempt: number; total_energy_j: number; duration_sec: number; num_gpus: number | null; checks_json: string }[];
      expect(results.length).toBeGreaterThanOrEqual(2); // two configurations × the default cycles
      let compared = 0;
      for (const r of results) {
        const app = readAppMeasuringEnergy(db, r.run_id, r.attempt);
        expect(app, 'the replay telemetry gave the measuring phase samples').not.toBeNull();
        const expected = compareAppEnergy(r.total_energy_j, r.duration_sec, app, r.num_gpus);
        const check = (JSON.parse(r.checks_json) as QualityCheck[]).find((c) => c.id === 'energy_figures_agree')!;
        // The stored reason carries the comparison with the rows the runner wrote after the import.
        for (const c of expected) expect(check.reason).toContain(c.words);
        expect(check.reason).not.toContain('no energy of its own');
        if (expected.some((c) => c.status !== 'not_checked')) compared += 1;
      }
      expect(compared, "at least one run's counter was compared with llem's").toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
