/**
 * What the designer's form needs to know about a profile's YAML shape, per config family: its experiment schema
 * (the same specs the core validates with), where the engine choice lives, the execution block and its order
 * names, and the blank study a new campaign starts from. Lives in the contract because the renderer reads it;
 * the core's families (core/llem/families/<family>/) expose the same shape through their `formShape`.
 */
import { experimentSpec } from './experimentConfig';
import type { ModelSpec } from './modelSpec';
import { ExperimentSpec as Pypi070ExperimentSpec } from './pypi070/experimentConfig';
import { PROFILES, type LlemFamilyId, type ProfileId } from './profiles';

export interface ProfileShape {
  spec: ModelSpec;
  /** Top-level field that picks the engine (`backend` or `engine`) and its choices. */
  engineField: 'backend' | 'engine';
  engines: readonly string[];
  executionKey: 'execution' | 'study_execution';
  orderField: 'cycle_order' | 'experiment_order';
  orders: readonly string[];
  experimentGapField: 'experiment_gap_seconds' | 'config_gap_seconds';
  nameKey: 'name' | 'study_name';
  /** Fields the app sets itself (never shown). */
  hidden: ReadonlySet<string>;
}

interface FamilyForm {
  shape(profile: ProfileId): ProfileShape;
  /** The study a new design starts from. */
  blankStudyYaml: string;
}

const FORMS: Readonly<Record<LlemFamilyId, FamilyForm>> = {
  gitContract: {
    shape: (profile) => ({
      spec: experimentSpec(profile === 'head' ? 'head' : 'tag'),
      engineField: 'backend',
      engines: ['pytorch', 'vllm', 'tensorrt'],
      executionKey: 'execution',
      orderField: 'cycle_order',
      orders: ['sequential', 'interleaved', 'shuffled'],
      experimentGapField: profile === 'v0.7' ? 'config_gap_seconds' : 'experiment_gap_seconds',
      nameKey: 'name',
      hidden: new Set(['output_dir']),
    }),
    blankStudyYaml: 'name: "my-campaign"\nmodel: "gpt2"\nsweep:\n  precision: ["fp16", "bf16"]\n',
  },
  pypi070: {
    shape: () => ({
      spec: Pypi070ExperimentSpec,
      engineField: 'engine',
      engines: ['transformers', 'vllm', 'tensorrt'],
      executionKey: 'study_execution',
      orderField: 'experiment_order',
      orders: ['sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'],
      experimentGapField: 'experiment_gap_seconds',
      nameKey: 'study_name',
      hidden: new Set(),
    }),
    blankStudyYaml: 'study_name: "my-campaign"\nserving_mode: "offline"\ntask:\n  model: "gpt2"\nsweep:\n  transformers.engine_params.dtype: ["float16", "bfloat16"]\n',
  },
};

export function profileShape(profile: ProfileId): ProfileShape {
  return FORMS[PROFILES[profile].family].shape(profile);
}

export function blankStudyYaml(profile: ProfileId): string {
  return FORMS[PROFILES[profile].family].blankStudyYaml;
}
