/**
 * The one dispatch point from a llem profile to its config family. Adding a llem release: declare its profile in
 * contract/llem/profiles.ts; if it needs a new schema, add a folder under core/llem/families/ implementing
 * LlemFamily and one line below.
 */
import { PROFILES, type LlemFamilyId, type ProfileId } from '../../contract/llem/profiles';
import type { LlemFamily } from './family';
import { gitContractFamily } from './families/gitContract';
import { pypi070Family } from './families/pypi070';

const FAMILIES: Readonly<Record<LlemFamilyId, LlemFamily>> = {
  gitContract: gitContractFamily,
  pypi070: pypi070Family,
};

/** The family that reads and writes YAML for `profile`. */
export function familyOf(profile: ProfileId): LlemFamily {
  return FAMILIES[PROFILES[profile].family];
}

/** Every family, in declaration order. */
export function allFamilies(): LlemFamily[] {
  return Object.values(FAMILIES);
}
