import { describe, expect, it } from 'vitest';
import { ProfileIdSchema } from '../../../contract/api';
import { LlemProfileSchema } from '../../../contract/doctor';
import { LLEM_FAMILY_IDS, LLEM_PROFILE_IDS, PROFILES, profileIdsInWords, profilesOfFamily } from '../../../contract/llem/profiles';
import type { PyDict } from '../../../contract/llem/pyValue';
import { allFamilies, familyOf } from '../../../core/llem/registry';
import { planStudyFromText } from '../../../core/llem/studyPlanner';
import { CampaignError } from '../../../core/llem/types';
import { loadYaml11 } from '../../../core/llem/yaml11';

const CONTRACT_STUDY = 'model: gpt2\nsweep: {precision: [fp16, bf16]}\nexecution: {n_cycles: 2, cycle_order: interleaved}\n';
const PYPI_STUDY = 'serving_mode: offline\ntask: {model: gpt2}\nsweep: {transformers.engine_params.dtype: [float16, bfloat16]}\nstudy_execution: {n_cycles: 2, experiment_order: interleave}\n';

describe('one profile declaration', () => {
  it('is the list the doctor schema and the API validate against', () => {
    expect(LlemProfileSchema.options).toEqual([...LLEM_PROFILE_IDS]);
    expect(ProfileIdSchema.options).toEqual([...LLEM_PROFILE_IDS]);
    for (const id of LLEM_PROFILE_IDS) expect(PROFILES[id].id).toBe(id);
    expect(profileIdsInWords()).toBe(`${LLEM_PROFILE_IDS.slice(0, -1).join(', ')} or ${LLEM_PROFILE_IDS.at(-1)}`);
  });

  it('gives every profile exactly one family, and every family at least one profile', () => {
    const covered = LLEM_FAMILY_IDS.flatMap((f) => profilesOfFamily(f));
    expect([...covered].sort()).toEqual([...LLEM_PROFILE_IDS].sort());
    for (const f of LLEM_FAMILY_IDS) expect(profilesOfFamily(f).length, f).toBeGreaterThan(0);
  });
});

describe('family registry', () => {
  it('maps each profile to the family its declaration names, one object per family', () => {
    for (const id of LLEM_PROFILE_IDS) expect(familyOf(id).id, id).toBe(PROFILES[id].family);
    expect(allFamilies().map((f) => f.id)).toEqual([...LLEM_FAMILY_IDS]);
  });

  it("dispatches planning to the profile's family: each family reads its own YAML shape and rejects the other's", () => {
    for (const id of LLEM_PROFILE_IDS) {
      const own = PROFILES[id].family === 'pypi070' ? PYPI_STUDY : CONTRACT_STUDY;
      const other = own === PYPI_STUDY ? CONTRACT_STUDY : PYPI_STUDY;
      const plan = planStudyFromText(own, { profile: id });
      expect(plan.resolution.profile, id).toBe(id);
      expect(plan.resolution.valid, id).toHaveLength(2);
      expect(plan.resolution.runs, id).toHaveLength(4);
      expect(() => planStudyFromText(other, { profile: id }), id).toThrow(CampaignError);
    }
  });

  it("answers the estimate and writer questions in the family's own vocabulary", () => {
    for (const id of LLEM_PROFILE_IDS) {
      const family = familyOf(id);
      const shape = family.formShape(id);
      expect(shape.executionKey, id).toBe(PROFILES[id].executionKey);
      expect(shape.orders, id).toEqual(PROFILES[id].orders);
      expect(shape.orderField, id).toBe(family.writer.orderKey);
      expect(shape.nameKey, id).toBe(family.writer.nameKey);
      expect(shape.experimentGapField, id).toBe(family.writer.experimentGapKey(id));
      const res = planStudyFromText(family.id === 'pypi070' ? PYPI_STUDY : CONTRACT_STUDY, { profile: id }).resolution;
      const first = res.valid[0]!;
      const facts = family.configFacts(id, first.dump, first.hash);
      expect(facts.profile).toBe(id);
      expect(facts.model).toBe('gpt2');
      expect(family.gapSecondsBefore(res)).toHaveLength(res.runs.length);
      expect(family.templates.length, id).toBeGreaterThan(0);
    }
  });

  it('keeps the contract-only writer checks out of the PyPI family', () => {
    const vllmFlat = loadYaml11('model: gpt2\nbackend: vllm\nvllm: {max_num_seqs: 4}\n') as PyDict;
    expect(() => familyOf('head').writer.checkExperiment(vllmFlat, 'head')).toThrow(/ignores vllm.max_num_seqs/);
    expect(() => familyOf('v0.8').writer.checkExperiment(vllmFlat, 'v0.8')).not.toThrow();
    expect(familyOf('head').writer.stringKeysOnly).toBe(true);
    expect(familyOf('pypi-0.7.0').writer.stringKeysOnly).toBe(false);
  });
});
