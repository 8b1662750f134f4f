/**
 * Study-level models of llem 0.7.0 (PyPI): `study_execution:` (ExecutionConfig), `output:`
 * (OutputConfig) and the study-only keys. Mirrors `config/models.py` of that release.
 */
import type { FieldSpec, ModelSpec, TypeSpec } from '../modelSpec';
import { PyFloat } from '../pyValue';

/** grid.py `_STUDY_ONLY_KEYS` */
export const PYPI070_STUDY_ONLY_KEYS = new Set(['sweep', 'experiments', 'study_execution', 'base', 'study_name', 'version', 'runners', 'images', 'output']);

export const PYPI070_ORDERS = ['sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'] as const;

function f(name: string, type: TypeSpec, def: FieldSpec['default'], description?: string): FieldSpec {
  return { name, type, default: def, ...(description ? { description } : {}) };
}
const optFloat = (b: { ge?: number; gt?: number } = {}): TypeSpec => ({ k: 'opt', inner: { k: 'float', ...b } });

export const ExecutionSpec070: ModelSpec = {
  name: 'ExecutionConfig',
  extra: 'forbid',
  after: [
    (d) => {
      const g = d.get('gpu_indices');
      if (!Array.isArray(g)) return null;
      if (g.length === 0) return 'study_execution.gpu_indices must not be empty; omit it (null) to use all GPUs.';
      if (g.some((i) => Number(i) < 0)) return `study_execution.gpu_indices must be non-negative host device indices, got [${g.join(', ')}].`;
      if (new Set(g.map(String)).size !== g.length) return `study_execution.gpu_indices must not contain duplicates, got [${g.join(', ')}].`;
      return null;
    },
  ],
  fields: [
    f('n_cycles', { k: 'int', ge: 1 }, 1, 'Repetitions of the experiment list (CLI default 3 when absent)'),
    f('experiment_order', { k: 'lit', values: PYPI070_ORDERS }, 'sequential', 'Order across cycles (CLI default shuffle when absent)'),
    f('experiment_gap_seconds', optFloat({ ge: 0 }), null, 'Seconds between experiments'),
    f('cycle_gap_seconds', optFloat({ ge: 0 }), null, 'Pause at cycle boundaries'),
    f('shuffle_seed', { k: 'opt', inner: { k: 'int' } }, null, 'Seed for shuffle (null = from the study hash)'),
    f('skip_preflight', { k: 'bool' }, false),
    f('max_consecutive_failures', { k: 'int', ge: 0 }, 10),
    f('circuit_breaker_cooldown_seconds', { k: 'float', ge: 0 }, new PyFloat(60.0)),
    f('wall_clock_timeout_hours', optFloat({ gt: 0 }), null),
    f('experiment_timeout_seconds', { k: 'float', gt: 0 }, new PyFloat(600.0)),
    f('stdout_silence_timeout_seconds', { k: 'float', ge: 0 }, new PyFloat(300.0)),
    f('deduplicate_equivalent', { k: 'bool' }, true, 'Run configs that resolve to the same effective config once'),
    f('gpu_indices', { k: 'opt', inner: { k: 'list', item: { k: 'int' } } }, null),
  ],
};

export const OutputSpec070: ModelSpec = {
  name: 'OutputConfig',
  extra: 'forbid',
  fields: [f('results_dir', { k: 'opt', inner: { k: 'str' } }, null), f('save_timeseries', { k: 'bool' }, true)],
};
