/**
 * Tests of the llem oracle wrapper against the REAL llem from PyPI (scripts/setup-llem-venv.sh).
 *
 * What PyPI llenergymeasure 0.7.0 is, and why most of the contract's vectors cannot load there, is written up in
 * docs/llem-pypi-release.md. In short: the shuffle/ordering vectors (§2.12) reproduce; the config vectors (§3.6)
 * and study vectors are in the contract's older schema and are rejected by this release — asserted below so a
 * future release that changes either fact makes this file fail.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LlemOracle,
  locateLlemVenv,
  requireLlemOrSkip,
  type LlemExperiment,
  type LlemStudy,
  type OracleAnswer,
} from '../../helpers/llemOracle';

const sha16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** Reads a dotted path out of a parsed dump (dumps are plain JSON objects). */
function at(value: unknown, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), value);
}

function expectOk<T extends { ok: true }>(answer: OracleAnswer<T>): T {
  if (!answer.ok) throw new Error(`llem rejected it: ${answer.error_type}: ${answer.message}`);
  return answer;
}

describe('llem oracle: locating the venv (no llem needed)', () => {
  it('reports a missing venv with the path and the setup command', () => {
    const location = locateLlemVenv({ LLEM_VENV: '/nonexistent/llem-venv' });
    expect(location.found).toBe(false);
    if (!location.found) {
      expect(location.reason).toContain('/nonexistent/llem-venv');
      expect(location.reason).toContain('scripts/setup-llem-venv.sh');
    }
  });

  it('fails instead of skipping under CI=true', () => {
    expect(() => requireLlemOrSkip({ LLEM_VENV: '/nonexistent/llem-venv', CI: 'true' })).toThrow(/CI=true/);
  });

  it('skips (returns true) outside CI', () => {
    expect(requireLlemOrSkip({ LLEM_VENV: '/nonexistent/llem-venv' })).toBe(true);
  });

  it('start() returns null with a reason when the venv is absent', async () => {
    await expect(LlemOracle.start({ LLEM_VENV: '/nonexistent/llem-venv' })).resolves.toBeNull();
    expect(LlemOracle.lastUnavailableReason).toContain('/nonexistent/llem-venv');
  });
});

describe.skipIf(requireLlemOrSkip())('llem oracle against PyPI llenergymeasure', () => {
  let oracle: LlemOracle;
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'llem-oracle-test-'));
    const started = await LlemOracle.start();
    if (started === null) throw new Error(`oracle did not start: ${LlemOracle.lastUnavailableReason}`);
    oracle = started;
  });

  afterAll(async () => {
    await oracle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the same version as the installed `llem --version`', async () => {
    const version = expectOk(await oracle.version());
    const cli = execFileSync(path.join(oracle.venvDir, 'bin/llem'), ['--version'], { encoding: 'utf8' });
    expect(cli).toBe(`${version.version_line}\n`);
    expect(version.llem_version).toBe('0.7.0');
  });

  describe('contract §2.12 shuffle vectors (CPython random, the primitive llem orders with)', () => {
    const vectors: Array<[number, number[]]> = [
      [0, [7, 8, 1, 5, 3, 4, 2, 0, 9, 6]],
      [42, [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]],
      [4294967296, [8, 9, 3, 2, 4, 7, 0, 6, 5, 1]],
      [-5, [2, 3, 1, 0, 8, 7, 6, 5, 4, 9]],
    ];
    it.each(vectors)('Random(%d).shuffle([0..9])', async (seed, expected) => {
      expect(expectOk(await oracle.shuffle(seed, 10)).order).toEqual(expected);
    });
  });

  describe("contract §2.12 run orders through llem's own apply_cycles, fed the contract's study hashes", () => {
    // Expansion order of the 6-point vector: fp32/10 fp32/20 fp16/10 fp16/20 bf16/10 bf16/20 = indices 0..5.
    const names = ['fp32/10', 'fp32/20', 'fp16/10', 'fp16/20', 'bf16/10', 'bf16/20'];
    const byName = (order: string) => order.split(/\s+/).map((name) => names.indexOf(name));

    it('two configs x3, hash cd4872cf14d834e2 -> fp16,bf16 x3', async () => {
      const answer = await oracle.order({ n: 2, nCycles: 3, order: 'shuffle', studyDesignHash: 'cd4872cf14d834e2' });
      expect(expectOk(answer).order).toEqual([0, 1, 0, 1, 0, 1]);
    });

    it('n in [1,2,3] x2, hash 03d7af7fca385dda -> 1,3,2,3,1,2', async () => {
      const answer = await oracle.order({ n: 3, nCycles: 2, order: 'shuffle', studyDesignHash: '03d7af7fca385dda' });
      expect(expectOk(answer).order.map((i) => i + 1)).toEqual([1, 3, 2, 3, 1, 2]);
    });

    it('6 configs x2, hash ea7f0912c9cdc832', async () => {
      const answer = await oracle.order({ n: 6, nCycles: 2, order: 'shuffle', studyDesignHash: 'ea7f0912c9cdc832' });
      expect(expectOk(answer).order).toEqual(
        byName('fp32/20 fp16/20 bf16/20 bf16/10 fp32/10 fp16/10 fp16/20 bf16/20 fp16/10 fp32/20 fp32/10 bf16/10'),
      );
    });

    it('6 configs x2 with shuffle_seed 7 (the hash is then ignored)', async () => {
      const answer = await oracle.order({
        n: 6,
        nCycles: 2,
        order: 'shuffle',
        studyDesignHash: 'ea7f0912c9cdc832',
        shuffleSeed: 7,
      });
      expect(expectOk(answer).order).toEqual(
        byName('bf16/10 fp32/10 bf16/20 fp16/20 fp32/20 fp16/10 fp16/10 fp16/20 fp32/20 bf16/20 bf16/10 fp32/10'),
      );
    });
  });

  describe('contract §3.6 / §2.12 configs are NOT loadable by this release (older schema)', () => {
    const contractConfigs: Array<[string, string]> = [
      ['all defaults', 'model: gpt2\n'],
      [
        'vllm nested',
        'model: Qwen/Qwen2.5-0.5B\nbackend: vllm\nn: 50\nprecision: fp16\ndecoder: {preset: deterministic}\n' +
          'vllm: {engine: {gpu_memory_utilization: 0.85, block_size: 16}}\n',
      ],
      ['decoder preset', 'model: gpt2\ndecoder: {preset: creative, min_p: 0.05}\n'],
    ];
    it.each(contractConfigs)('%s -> ConfigError: serving_mode required', async (name, yaml) => {
      const answer = await oracle.experiment(write(`contract-${name.replace(/\W/g, '_')}.yaml`, yaml));
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error_type).toBe('ConfigError');
        expect(answer.message).toMatch(/serving_mode is required/);
      }
    });

    it('old-schema keys are reported as unknown fields once serving_mode is present', async () => {
      const answer = await oracle.experiment(write('old-keys.yaml', 'serving_mode: offline\nmodel: gpt2\nn: 5\n'));
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error_type).toBe('ConfigError');
        expect(answer.message).toContain("Unknown field 'model'");
        expect(answer.message).toContain("Unknown field 'n'");
      }
    });

    it('the contract study vector (model: gpt2, n: 5, sweep precision) is rejected as a study', async () => {
      const answer = await oracle.study(
        write('contract-study.yaml', 'model: gpt2\nn: 5\nsweep:\n  precision: [fp16, bf16]\n'),
      );
      expect(answer.ok).toBe(false);
    });
  });

  describe('experiments in the installed schema', () => {
    it('hash = first 16 hex of sha256(canonical), canonical = Python json.dumps(sort_keys=True) of the dump', async () => {
      const answer = expectOk(
        await oracle.experiment(write('minimal.yaml', 'serving_mode: offline\ntask:\n  model: gpt2\n')),
      );
      expect(answer.measurement_config_hash).toBe(sha16(answer.canonical));
      expect(JSON.parse(answer.canonical)).toEqual(answer.dump);
      // Python's default separators, and float-typed fields keep their ".0" in the hashed text.
      expect(answer.canonical).toContain('"duration_seconds": 30.0');
      expect(answer.canonical.startsWith('{"engine": "transformers", ')).toBe(true);
      expect(answer.dump).toMatchObject({ serving_mode: 'offline', task: { model: 'gpt2' }, engine: 'transformers' });
    });

    it('defaults written out, int-for-float and key order do not change the hash; a real change does', async () => {
      const minimal = expectOk(
        await oracle.experiment(write('a.yaml', 'serving_mode: offline\ntask:\n  model: gpt2\n')),
      );
      const spelledOut = expectOk(
        await oracle.experiment(
          write(
            'b.yaml',
            'task:\n  random_seed: 42\n  model: "gpt2"\nengine: transformers\nserving_mode: offline\n' +
              'measurement:\n  baseline:\n    duration_seconds: 30\n',
          ),
        ),
      );
      const changed = expectOk(
        await oracle.experiment(
          write('c.yaml', 'serving_mode: offline\ntask:\n  model: gpt2\nmeasurement:\n  baseline:\n    duration_seconds: 31\n'),
        ),
      );
      expect(spelledOut.measurement_config_hash).toBe(minimal.measurement_config_hash);
      expect(changed.measurement_config_hash).not.toBe(minimal.measurement_config_hash);
      expect(changed.canonical).toContain('"duration_seconds": 31.0');
    });

    it('a bad value becomes a ValidationError naming the field path', async () => {
      const answer = await oracle.experiment(
        write('bad-value.yaml', 'serving_mode: offline\ntask:\n  model: gpt2\n  max_input_tokens: 0\n'),
      );
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error_type).toBe('ValidationError');
        expect(answer.errors?.map((e) => e.loc.join('.'))).toContain('task.max_input_tokens');
      }
    });

    it('a missing file is a ConfigError naming the path', async () => {
      const missing = path.join(dir, 'does-not-exist.yaml');
      const answer = await oracle.experiment(missing);
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error_type).toBe('ConfigError');
        expect(answer.message).toContain(missing);
      }
    });
  });

  describe('studies in the installed schema', () => {
    const base = 'serving_mode: offline\ntask:\n  model: gpt2\n';

    function checkStudyHash(study: LlemStudy): void {
      // Independent re-derivation: the study hash covers the JSON array of the unique experiments' dumps.
      expect(study.study_design_hash).toBe(sha16(`[${study.experiments.map((e) => e.canonical).join(', ')}]`));
      for (const e of study.experiments) expect(e.measurement_config_hash).toBe(sha16(e.canonical));
    }

    it('applies the llem run CLI defaults (3 cycles, shuffle) when study_execution is absent', async () => {
      const study = expectOk(
        await oracle.study(write('sweep.yaml', `${base}sweep:\n  transformers.engine_params.dtype: [float16, bfloat16]\n`)),
      );
      checkStudyHash(study);
      expect(study.execution).toMatchObject({ n_cycles: 3, experiment_order: 'shuffle' });
      expect(study.experiments.map((e) => at(e.dump, 'transformers.engine_params.dtype'))).toEqual([
        'float16',
        'bfloat16',
      ]);
      expect(study.execution_order).toHaveLength(6);
      for (let cycle = 0; cycle < 3; cycle++) {
        expect([...study.execution_order.slice(cycle * 2, cycle * 2 + 2)].sort()).toEqual([0, 1]);
      }
      // The order is llem's shuffle seeded from the study hash: the order op on the same inputs agrees.
      const again = expectOk(
        await oracle.order({ n: 2, nCycles: 3, order: 'shuffle', studyDesignHash: study.study_design_hash }),
      );
      expect(again.order).toEqual(study.execution_order);
    });

    it('honours an explicit study_execution (2 cycles, interleave)', async () => {
      const study = expectOk(
        await oracle.study(
          write(
            'interleave.yaml',
            `${base}study_execution:\n  n_cycles: 2\n  experiment_order: interleave\n` +
              'sweep:\n  task.max_output_tokens: [32, 64, 128]\n',
          ),
        ),
      );
      checkStudyHash(study);
      expect(study.execution_order).toEqual([0, 1, 2, 0, 1, 2]);
      expect(study.experiments.map((e) => at(e.dump, 'task.max_output_tokens'))).toEqual([32, 64, 128]);
    });

    it('skips invalid grid points with a reason and keeps the valid ones', async () => {
      const study = expectOk(
        await oracle.study(
          write(
            'skip.yaml',
            `${base}study_execution:\n  n_cycles: 1\n  experiment_order: sequential\n` +
              'sweep:\n  task.max_input_tokens: [0, 16]\n',
          ),
        ),
      );
      expect(study.experiments).toHaveLength(1);
      expect(study.skipped).toHaveLength(1);
      expect(study.skipped[0]?.reason).toMatch(/max_input_tokens/);
      expect(study.execution_order).toEqual([0]);
    });

    it('collapses duplicate explicit entries before hashing (llem dedup), unlike the contract', async () => {
      const study = expectOk(await oracle.study(write('dupes.yaml', `${base}experiments:\n  - {}\n  - {}\n`)));
      expect(study.declared_hashes).toHaveLength(2);
      expect(study.experiments).toHaveLength(1);
      expect(study.execution_order).toEqual([0, 0, 0]);
      checkStudyHash(study);
    });

    it('an all-invalid study is a ConfigError', async () => {
      const answer = await oracle.study(write('all-bad.yaml', `${base}sweep:\n  task.max_input_tokens: [0, -1]\n`));
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error_type).toBe('ConfigError');
    });
  });

  describe('robustness and pipelining', () => {
    it('survives malformed requests and keeps answering', async () => {
      const notJson = await oracle.raw('this is not json');
      const unknownOp = await oracle.raw('{"op":"nope"}');
      const noPath = await oracle.raw('{"op":"experiment"}');
      const notObject = await oracle.raw('[1,2,3]');
      for (const answer of [notJson, unknownOp, noPath, notObject]) {
        expect(answer.ok).toBe(false);
        expect(typeof answer.message).toBe('string');
      }
      expect(expectOk(await oracle.version()).llem_version).toBe('0.7.0');
    });

    it('answers 500 pipelined requests, each matched to its own file', async () => {
      const files = Array.from({ length: 500 }, (_, seed) =>
        write(`many-${seed}.yaml`, `serving_mode: offline\ntask:\n  model: gpt2\n  random_seed: ${seed}\n`),
      );
      const answers: Array<OracleAnswer<LlemExperiment>> = await Promise.all(files.map((f) => oracle.experiment(f)));
      const seeds = answers.map((a) => at(expectOk(a).dump, 'task.random_seed'));
      expect(seeds).toEqual(files.map((_, seed) => seed));
      expect(new Set(answers.map((a) => expectOk(a).measurement_config_hash)).size).toBe(500);
    });
  });
});
