/**
 * llem version profiles: which llem the app is talking to decides the YAML shape, the schema,
 * the expansion rules and therefore the hashes (contract §0, §1.14; docs/llem-pypi-release.md).
 *
 * | id           | llem --version  | source                                  |
 * |--------------|-----------------|-----------------------------------------|
 * | `head`       | llem v0.8.0     | contract HEAD 215e05e (default, no llem) |
 * | `v0.8`       | llem v1.18.0    | git tag v0.8.0                          |
 * | `v0.7`       | llem v1.17.0    | git tag v0.7.0 (no study mode in CLI)   |
 * | `pypi-0.7.0` | llem v0.7.0     | PyPI llenergymeasure 0.7.0 (v2.0 config) |
 *
 * Version strings are not monotonic across releases (v0.7.0 tag prints 1.17.0; HEAD prints
 * 0.8.0; PyPI prints 0.7.0), so detection prefers what the installed llem *accepts*.
 */
import type { ProfileId } from './types';

export interface ProfileInfo {
  id: ProfileId;
  /** Human label for pickers and messages. */
  label: string;
  /** The `llem --version` line this profile's llem prints. */
  versionLine: string;
  /** Cycle order names this llem accepts. */
  orders: readonly string[];
  /** Whether `llem run <study.yaml>` runs studies itself. */
  cliStudyMode: boolean;
  /** The key that holds execution settings in a study file. */
  executionKey: 'execution' | 'study_execution';
}

export const PROFILES: Readonly<Record<ProfileId, ProfileInfo>> = {
  head: {
    id: 'head',
    label: 'llem HEAD (v0.8.0, contract)',
    versionLine: 'llem v0.8.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: true,
    executionKey: 'execution',
  },
  'v0.8': {
    id: 'v0.8',
    label: 'llem v0.8.0 tag (prints v1.18.0)',
    versionLine: 'llem v1.18.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: true,
    executionKey: 'execution',
  },
  'v0.7': {
    id: 'v0.7',
    label: 'llem v0.7.0 tag (prints v1.17.0)',
    versionLine: 'llem v1.17.0',
    orders: ['sequential', 'interleaved', 'shuffled'],
    cliStudyMode: false,
    executionKey: 'execution',
  },
  'pypi-0.7.0': {
    id: 'pypi-0.7.0',
    label: 'llenergymeasure 0.7.0 from PyPI (v2.0 config)',
    versionLine: 'llem v0.7.0',
    orders: ['sequential', 'interleave', 'shuffle', 'reverse', 'latin_square'],
    cliStudyMode: true,
    executionKey: 'study_execution',
  },
};

/** Used when no llem is installed: the newest schema the contract documents. */
export const DEFAULT_PROFILE: ProfileId = 'head';

/**
 * What the designer writes for when no llem is installed: the release `pip install llenergymeasure` gives users
 * (PyPI 0.7.0 today), not a git-only version nobody can install from the registry.
 */
export const NO_LLEM_PROFILE: ProfileId = 'pypi-0.7.0';

/** How to get the release NO_LLEM_PROFILE describes; shown wherever the app says llem is missing. */
export const LLEM_INSTALL_HINT = 'pip install llenergymeasure (the PyPI release, 0.7.0 today), then choose its llem or Python in Settings';

const ALIASES: Record<string, ProfileId> = {
  head: 'head',
  'v0.8.0': 'head',
  '0.8.0': 'head',
  'v0.8': 'v0.8',
  'v1.18.0': 'v0.8',
  '1.18.0': 'v0.8',
  'tag-v0.8.0': 'v0.8',
  'v0.7': 'v0.7',
  'v1.17.0': 'v0.7',
  '1.17.0': 'v0.7',
  'tag-v0.7.0': 'v0.7',
  'pypi-0.7.0': 'pypi-0.7.0',
  pypi: 'pypi-0.7.0',
  'pypi-0.7': 'pypi-0.7.0',
  '0.7.0': 'pypi-0.7.0',
  'v0.7.0': 'pypi-0.7.0',
};

/** Parse a `--llem-profile` value (ids, version strings and a few aliases). */
export function parseProfileName(name: string): ProfileId | null {
  return ALIASES[name.trim().toLowerCase()] ?? null;
}

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}

/**
 * Probe configs the runner can hand to `llem run <file> --dry-run` (exit 0 = accepted).
 * `headShape` validates only at contract HEAD (`dataset_order` is HEAD-only);
 * `v2Shape` validates only with the PyPI 0.7.0 schema (`task:` + `serving_mode`).
 */
export const PROBE_CONFIGS = {
  headShape: 'model: "gpt2"\ndataset_order: "interleaved"\n',
  tagShape: 'model: "gpt2"\n',
  v2Shape: 'task:\n  model: "gpt2"\nserving_mode: "offline"\n',
} as const;

export interface LlemProbeResults {
  /** stdout of `llem --version` (null/undefined when llem was not found). */
  versionOutput?: string | null;
  /** Whether llem accepted PROBE_CONFIGS.headShape. */
  acceptsHeadShape?: boolean | null;
  /** Whether llem accepted PROBE_CONFIGS.v2Shape. */
  acceptsV2Shape?: boolean | null;
  /** Whether `llem run --help` lists `--cycles` (study mode exists: v0.8 tag and later). */
  helpListsCycles?: boolean | null;
}

export interface ProfileDetection {
  profile: ProfileId;
  /** False when the evidence is thin (e.g. an unknown version string) — tell the user. */
  confident: boolean;
  reason: string;
}

/** `llem v1.18.0` → `1.18.0` */
export function parseVersionLine(out: string | null | undefined): string | null {
  if (!out) return null;
  const m = /llem\s+v?(\d+\.\d+\.\d+\S*)/.exec(out);
  return m ? (m[1] as string) : null;
}

/** Choose the profile from probe results (behaviour first, version string second). */
export function detectProfile(probe: LlemProbeResults): ProfileDetection {
  const version = parseVersionLine(probe.versionOutput);
  const llemFound = probe.versionOutput !== undefined && probe.versionOutput !== null;
  if (probe.acceptsV2Shape === true) {
    const exact = version === '0.7.0';
    return {
      profile: 'pypi-0.7.0',
      confident: exact,
      reason: exact
        ? 'llem accepts the v2.0 config shape (task: + serving_mode) and reports v0.7.0 (the PyPI release)'
        : `llem accepts the v2.0 config shape but reports ${version ?? 'no version'}; using the PyPI 0.7.0 profile, the only v2.0 release llem Studio knows`,
    };
  }
  if (probe.acceptsHeadShape === true) {
    return { profile: 'head', confident: true, reason: 'llem accepts dataset_order (only contract HEAD has it)' };
  }
  if (probe.acceptsHeadShape === false) {
    if (probe.helpListsCycles === true) return { profile: 'v0.8', confident: true, reason: 'llem rejects dataset_order but has study mode (--cycles): v0.8.0 tag schema' };
    if (probe.helpListsCycles === false) return { profile: 'v0.7', confident: true, reason: 'llem rejects dataset_order and has no study mode: v0.7.0 tag schema' };
    if (version === '1.17.0') return { profile: 'v0.7', confident: true, reason: 'llem rejects dataset_order and reports v1.17.0 (v0.7.0 tag)' };
    return { profile: 'v0.8', confident: version === '1.18.0', reason: `llem rejects dataset_order; assuming the v0.8.0 tag schema (version ${version ?? 'unknown'})` };
  }
  switch (version) {
    case '0.8.0':
      return { profile: 'head', confident: false, reason: 'llem reports v0.8.0 (contract HEAD); behaviour not probed' };
    case '1.18.0':
      return { profile: 'v0.8', confident: false, reason: 'llem reports v1.18.0 (v0.8.0 tag); behaviour not probed' };
    case '1.17.0':
      return { profile: 'v0.7', confident: false, reason: 'llem reports v1.17.0 (v0.7.0 tag); behaviour not probed' };
    case '0.7.0':
      return { profile: 'pypi-0.7.0', confident: false, reason: 'llem reports v0.7.0 (the PyPI release); behaviour not probed' };
    default:
      break;
  }
  if (!llemFound) return { profile: NO_LLEM_PROFILE, confident: true, reason: `no llem found; writing for the PyPI release (llenergymeasure 0.7.0). Install it: ${LLEM_INSTALL_HINT}` };
  return { profile: DEFAULT_PROFILE, confident: false, reason: `unrecognised llem version output '${(probe.versionOutput ?? '').trim()}'; using HEAD` };
}
