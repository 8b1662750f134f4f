/**
 * The git-contract family: llem HEAD and the v0.8.0 / v0.7.0 git tags (flat `backend:` + `pytorch:`/`vllm:` sections,
 * `execution:` block; contract §1–§2). The three profiles differ only in details the specs carry (schema generation
 * `head` vs `tag`, the v0.7 gap key).
 */
import { experimentSpec } from '../../../../contract/llem/experimentConfig';
import { profileShape } from '../../../../contract/llem/formShape';
import { PROFILES, type ProfileId } from '../../../../contract/llem/profiles';
import { PyDict } from '../../../../contract/llem/pyValue';
import { executionSpec, experimentGapField, type ContractProfileId } from '../../../../contract/llem/studyConfig';
import type { LlemFamily } from '../../family';
import { CampaignError } from '../../types';
import { configFacts, gapSecondsBefore } from './estimateInputs';
import { resolveContractStudy, schemaGeneration } from './resolveStudy';
import { TEMPLATES } from './templates';

/** The profile as this family's own modules type it; the registry only hands this family its own profiles. */
function contractProfile(profile: ProfileId): ContractProfileId {
  if (PROFILES[profile].family !== 'gitContract') throw new Error(`internal: ${profile} is not a git-contract profile`);
  return profile as ContractProfileId;
}

/**
 * llem HEAD accepts unknown keys directly under `vllm:` and then ignores them (contract §1.10,
 * §1.14) — e.g. the flat v0.8 keys. Writing them would silently change nothing but the hash.
 */
function checkIgnoredVllmKeys(dump: PyDict, profile: ProfileId): void {
  if (profile !== 'head') return;
  const vllm = dump.get('vllm');
  if (!(vllm instanceof PyDict)) return;
  const ignored = [...vllm.keys()].filter((k) => !['engine', 'sampling', 'beam_search'].includes(String(k))).map(String);
  if (ignored.length) {
    throw new CampaignError(
      `llem HEAD ignores ${ignored.map((k) => `vllm.${k}`).join(', ')} (only vllm.engine / vllm.sampling / vllm.beam_search are used; the flat v0.8 keys moved to vllm.engine.*). Move ${ignored.length > 1 ? 'them' : 'it'} or choose the v0.8 profile.`,
      `vllm.${ignored[0]}`,
    );
  }
}

export const gitContractFamily: LlemFamily = {
  id: 'gitContract',
  resolveStudy: (profile, parsed, opts) => resolveContractStudy(contractProfile(profile), parsed, opts),
  configFacts,
  gapSecondsBefore,
  formShape: profileShape,
  templates: TEMPLATES,
  writer: {
    experimentSpec: (profile) => experimentSpec(schemaGeneration(contractProfile(profile))),
    executionSpec: (profile) => executionSpec(contractProfile(profile)),
    nameKey: 'name',
    orderKey: 'cycle_order',
    experimentGapKey: (profile) => experimentGapField(contractProfile(profile)),
    stringKeysOnly: true,
    checkExperiment: checkIgnoredVllmKeys,
  },
};
