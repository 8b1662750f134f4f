/**
 * The PyPI 0.7.0 family: llenergymeasure 0.7.0 from PyPI, the v2.0 config (`task:` + `engine:` + `serving_mode`,
 * `study_execution:` block, engine rules, dormant-field canonicalisation; docs/llem-pypi-release.md).
 */
import { profileShape } from '../../../../contract/llem/formShape';
import { ExperimentSpec } from '../../../../contract/llem/pypi070/experimentConfig';
import { ExecutionSpec070 } from '../../../../contract/llem/pypi070/studyConfig';
import type { LlemFamily } from '../../family';
import { configFacts, gapSecondsBefore } from './estimateInputs';
import { resolvePypi070Study } from './resolveStudy';
import { TEMPLATES } from './templates';

export const pypi070Family: LlemFamily = {
  id: 'pypi070',
  resolveStudy: (_profile, parsed, opts) => resolvePypi070Study(parsed, opts),
  configFacts,
  gapSecondsBefore,
  formShape: profileShape,
  templates: TEMPLATES,
  writer: {
    experimentSpec: () => ExperimentSpec,
    executionSpec: () => ExecutionSpec070,
    nameKey: 'study_name',
    orderKey: 'experiment_order',
    experimentGapKey: () => 'experiment_gap_seconds',
    // json-mode dumps turn every key into a string before hashing, so any key type is safe here.
    stringKeysOnly: false,
    checkExperiment: () => undefined,
  },
};
