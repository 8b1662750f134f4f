/**
 * One llem config family: everything that differs between llem releases' YAML schemas, behind one interface.
 * Each family lives in its own folder (core/llem/families/<family>/) and is listed once in core/llem/registry.ts;
 * the rest of the app asks the registry for a profile's family and never tests profile ids itself.
 * Shared model (resolutions, points, hashing, run order, YAML 1.1) stays in core/llem/.
 */
import type { ProfileShape } from '../../contract/llem/formShape';
import type { ModelSpec } from '../../contract/llem/modelSpec';
import type { LlemFamilyId, ProfileId } from '../../contract/llem/profiles';
import type { PyDict, PyValue } from '../../contract/llem/pyValue';
import type { ConfigFacts } from './estimate';
import type { ResolveOptions, StudyResolution } from './types';

/** A designer starting point, written in one family's YAML shape. */
export interface StudyTemplate {
  id: string;
  name: string;
  description: string;
  yaml: string;
}

/** What the YAML/JSON writer (core/llem/configWriter.ts) needs to know about a family's schema. */
export interface FamilyWriterSchema {
  /** The experiment model configs are validated against before writing. */
  experimentSpec(profile: ProfileId): ModelSpec;
  /** The study's execution block model. */
  executionSpec(profile: ProfileId): ModelSpec;
  /** Study-level key of the study name. */
  nameKey: 'name' | 'study_name';
  /** Execution key of the run order. */
  orderKey: 'cycle_order' | 'experiment_order';
  /** Execution key of the gap between experiments. */
  experimentGapKey(profile: ProfileId): string;
  /**
   * Whether free-form mappings must have string keys: contract profiles hash python-mode dumps (non-string keys
   * crash or reorder there); PyPI 0.7.0 hashes json-mode dumps, which turn keys into strings.
   */
  stringKeysOnly: boolean;
  /** Extra checks on a validated experiment before it is written (throws CampaignError). */
  checkExperiment(dump: PyDict, profile: ProfileId): void;
}

export interface LlemFamily {
  id: LlemFamilyId;
  /** Expand, validate, hash and order a parsed study or experiment file the way this family's llem does. */
  resolveStudy(profile: ProfileId, parsed: PyValue, opts: ResolveOptions): StudyResolution;
  /** The estimator's inputs, read from one validated config. */
  configFacts(profile: ProfileId, dump: PyDict, hash: string): ConfigFacts;
  /** Seconds llem waits before each planned run (experiment gaps, cycle boundaries). */
  gapSecondsBefore(res: StudyResolution): number[];
  /** The designer form's view of the schema (shared with the renderer through the contract). */
  formShape(profile: ProfileId): ProfileShape;
  /** Designer starting points in this family's YAML shape (offered when the profile's schema accepts them). */
  templates: readonly StudyTemplate[];
  /** Schema facts for the YAML/JSON writer. */
  writer: FamilyWriterSchema;
}
