/**
 * llem study config (contract §2.2, §2.8) for the contract's schema generations: the top-level
 * study keys and the `execution` block spec per profile. The PyPI 0.7.0 study schema lives in
 * `pypi070/studyConfig.ts`.
 */
import { validateModel, type FieldSpec, type ModelSpec, type ValidateResult } from './modelSpec';
import type { PyValue } from './pyValue';

export type ContractProfileId = 'head' | 'v0.8' | 'v0.7';

/** Keys of a study file that are not experiment fields (HEAD grid.py `_STUDY_ONLY_KEYS`). */
export const CONTRACT_STUDY_ONLY_KEYS = new Set(['sweep', 'experiments', 'execution', 'base', 'name', 'version', 'runners']);

export const CONTRACT_CYCLE_ORDERS = ['sequential', 'interleaved', 'shuffled'] as const;

function f(name: string, type: FieldSpec['type'], def: FieldSpec['default'], description?: string): FieldSpec {
  return { name, type, default: def, ...(description ? { description } : {}) };
}

const cache = new Map<ContractProfileId, ModelSpec>();

/** The `execution:` model (extra keys forbidden) of a profile. */
export function executionSpec(profile: ContractProfileId): ModelSpec {
  const hit = cache.get(profile);
  if (hit) return hit;
  const gapName = profile === 'v0.7' ? 'config_gap_seconds' : 'experiment_gap_seconds';
  const fields: FieldSpec[] = [
    f('n_cycles', { k: 'int', ge: 1 }, 1, 'Times the experiment list is repeated (CLI default 3 when absent)'),
    f('cycle_order', { k: 'lit', values: CONTRACT_CYCLE_ORDERS }, 'sequential', 'Run order across cycles (CLI default shuffled when absent)'),
    f(gapName, { k: 'opt', inner: { k: 'float', ge: 0 } }, null, 'Seconds between experiments (null = no gap)'),
    f('cycle_gap_seconds', { k: 'opt', inner: { k: 'float', ge: 0 } }, null, 'Extra seconds at cycle boundaries (null = no gap)'),
    f('shuffle_seed', { k: 'opt', inner: { k: 'int' } }, null, 'Seed for shuffled order (null = derived from the study hash)'),
  ];
  if (profile === 'head') fields.push(f('skip_preflight', { k: 'bool' }, false, 'Skip Docker pre-flight only'));
  const spec: ModelSpec = { name: 'ExecutionConfig', extra: 'forbid', fields };
  cache.set(profile, spec);
  return spec;
}

export function validateExecution(profile: ContractProfileId, raw: PyValue): ValidateResult {
  return validateModel(executionSpec(profile), raw);
}

/** The experiment-gap field name of a profile (`config_gap_seconds` in v0.7.0). */
export function experimentGapField(profile: ContractProfileId): string {
  return profile === 'v0.7' ? 'config_gap_seconds' : 'experiment_gap_seconds';
}
