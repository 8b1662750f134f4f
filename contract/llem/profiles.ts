/**
 * The llem profiles llem Studio writes for: the ONE declaration of the profile list. The doctor schema
 * (contract/doctor.ts), the API (contract/api.ts), the core's family registry (core/llem/registry.ts) and the
 * designer (renderer/src/pages/design) all read it; nothing else spells a profile id.
 *
 * A profile is one llem release (or git tag) as the app sees it; a family is the config schema a group of
 * profiles shares, implemented once in core/llem/families/<family>/ (contract §0, §1.14; docs/llem-pypi-release.md).
 *
 * | id           | llem --version  | source                                  | family      |
 * |--------------|-----------------|-----------------------------------------|-------------|
 * | `head`       | llem v0.8.0     | contract HEAD 215e05e (default, no llem) | gitContract |
 * | `v0.8`       | llem v1.18.0    | git tag v0.8.0                          | gitContract |
 * | `v0.7`       | llem v1.17.0    | git tag v0.7.0 (no study mode in CLI)   | gitContract |
 * | `pypi-0.7.0` | llem v0.7.0     | PyPI llenergymeasure 0.7.0 (v2.0 config) | pypi070     |
 */
import { z } from 'zod';

export const LLEM_PROFILE_IDS = ['head', 'v0.8', 'v0.7', 'pypi-0.7.0'] as const;
export type ProfileId = (typeof LLEM_PROFILE_IDS)[number];
export const LlemProfileSchema = z.enum(LLEM_PROFILE_IDS);

/** The config-schema families (one folder each under core/llem/families/). */
export const LLEM_FAMILY_IDS = ['gitContract', 'pypi070'] as const;
export type LlemFamilyId = (typeof LLEM_FAMILY_IDS)[number];

export interface ProfileInfo {
  id: ProfileId;
  /** The config schema this profile's llem reads. */
  family: LlemFamilyId;
  /** Human label for messages and the CLI. */
  label: string;
  /** Shorter label for the designer's profile picker. */
  pickerLabel: string;
  /** The `llem --version` line this profile's llem prints. */
  versionLine: string;
  /** Cycle order names this llem accepts. */
  orders: readonly string[];
  /** Whether `llem run <study.yaml>` runs studies itself. */
  cliStudyMode: boolean;
  /** The key that holds execution settings in a study file. */
  executionKey: 'execution' | 'study_execution';
  /** Whether this llem has a `llem doctor` command (the environment check `llem-studio doctor` forwards to). */
  hasDoctorCommand: boolean;
}

export const PROFILES: Readonly<Record<ProfileId, ProfileInfo>> = {
  head: {
    id: 'head',
    family: 'gitContract',
    label: 'llem HEAD (v0.8.0, contract)',
    pickerLabel: 'llem HEAD (v0.8.0)',
    versionLine: 'llem v0.8.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: true,
    executionKey: 'execution',
    hasDoctorCommand: false,
  },
  'v0.8': {
    id: 'v0.8',
    family: 'gitContract',
    label: 'llem v0.8.0 tag (prints v1.18.0)',
    pickerLabel: 'llem v0.8.0 tag',
    versionLine: 'llem v1.18.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: true,
    executionKey: 'execution',
    hasDoctorCommand: false,
  },
  'v0.7': {
    id: 'v0.7',
    family: 'gitContract',
    label: 'llem v0.7.0 tag (prints v1.17.0)',
    pickerLabel: 'llem v0.7.0 tag',
    versionLine: 'llem v1.17.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: false,
    executionKey: 'execution',
    hasDoctorCommand: false,
  },
  'pypi-0.7.0': {
    id: 'pypi-0.7.0',
    family: 'pypi070',
    label: 'llenergymeasure 0.7.0 from PyPI (v2.0 config)',
    pickerLabel: 'llenergymeasure 0.7.0 (PyPI)',
    versionLine: 'llem v0.7.0',
    orders: ['sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'],
    cliStudyMode: true,
    executionKey: 'study_execution',
    hasDoctorCommand: true,
  },
};

/** Used when no llem is installed and nothing else is asked for: the newest schema the contract documents. */
export const DEFAULT_PROFILE: ProfileId = 'head';

/**
 * The release `pip install llenergymeasure` gives users (PyPI 0.7.0 today): what the designer writes for when no
 * llem is installed, and what a cluster's unprobed llem is assumed to be.
 */
export const PIP_RELEASE_PROFILE: ProfileId = 'pypi-0.7.0';

/** The profiles of one family, in declaration order. */
export function profilesOfFamily(family: LlemFamilyId): ProfileId[] {
  return LLEM_PROFILE_IDS.filter((id) => PROFILES[id].family === family);
}

/** The profile ids as a reader would list them: `head, v0.8, v0.7 or pypi-0.7.0`. */
export function profileIdsInWords(): string {
  const ids = [...LLEM_PROFILE_IDS];
  const last = ids.pop();
  return ids.length ? `${ids.join(', ')} or ${last}` : String(last);
}
