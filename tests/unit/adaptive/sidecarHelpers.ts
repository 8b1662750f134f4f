import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { StudySetup } from '../../../core/adaptive/optimizer';
import { missingDependency } from '../../helpers/externalDependency';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const VENV_PYTHON = path.join(process.env.LLEM_VENV ?? path.join(REPO_ROOT, '.cache/llem-venv'), 'bin', 'python');

/** Why the Optuna sidecar cannot run here (null: it can). */
function optunaMissingReason(): string | null {
  if (!existsSync(VENV_PYTHON)) return `no llem venv at ${VENV_PYTHON} (scripts/setup-llem-venv.sh, then scripts/setup-adaptive-sidecar.sh)`;
  const r = spawnSync(VENV_PYTHON, ['-c', 'import optuna'], { encoding: 'utf8' });
  return r.status === 0 ? null : `optuna is not importable in ${VENV_PYTHON} (scripts/setup-adaptive-sidecar.sh)`;
}

/** For describe.skipIf: prints why and skips; fails under CI=true (.ci/run installs Optuna). */
export const optunaMissing = (): boolean => missingDependency('Optuna sidecar', optunaMissingReason());

/**
 * A small campaign-like space: model (categorical) × batch size (ordinal), where model c cannot run batch
 * sizes above 8 (the kind of combination llem rejects up front). Energy falls and latency rises with batch size.
 */
export function toySetup(seed = 3, sampler: StudySetup['sampler'] = 'tpe'): StudySetup {
  const batch = [1, 2, 4, 8, 16, 32];
  const candidates = ['a', 'b', 'c'].flatMap((m) =>
    batch.filter((b) => !(m === 'c' && b > 8)).map((b) => ({ key: `${m}-bs${b}`, params: { model: m, batch_size: String(b) } })),
  );
  return {
    seed,
    sampler,
    objectives: [
      { name: 'energy_per_output_token_j', direction: 'minimize' },
      { name: 'latency_ms', direction: 'minimize' },
    ],
    dimensions: [
      { name: 'model', kind: 'categorical', choices: ['a', 'b', 'c'] },
      { name: 'batch_size', kind: 'ordinal', choices: batch.map(String) },
    ],
    candidates,
  };
}

/** The toy landscape's "measurement": deterministic, so two runs of the same seed can be compared. */
export function toyMeasure(key: string): [number, number] | null {
  const [model, bs] = key.split('-bs') as [string, string];
  const b = Number(bs);
  if (model === 'a' && b === 32) return null; // out of memory
  const size = { a: 1, b: 2, c: 0.5 }[model]!;
  return [size / Math.sqrt(b), size * 10 + b * 3];
}
