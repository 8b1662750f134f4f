/**
 * Which llem profile the installed llem speaks: aliases for `--llem-profile`, probe configs and detection from
 * what llem accepts. The profile list itself is declared once in contract/llem/profiles.ts (re-exported here);
 * what a profile's YAML looks like is its family's business (core/llem/registry.ts).
 *
 * Version strings are not monotonic across releases (v0.7.0 tag prints 1.17.0; HEAD prints
 * 0.8.0; PyPI prints 0.7.0), so detection prefers what the installed llem *accepts*.
 */
import { DEFAULT_PROFILE, LLEM_PROFILE_IDS, PIP_RELEASE_PROFILE, PROFILES, type ProfileId, type ProfileInfo } from '../../contract/llem/profiles';

export { DEFAULT_PROFILE, PROFILES, type ProfileInfo };

/**
 * What the designer writes for when no llem is installed: the release `pip install llenergymeasure` gives users
 * (PyPI 0.7.0 today), not a git-only version nobody can install from the registry.
 */
export const NO_LLEM_PROFILE: ProfileId = PIP_RELEASE_PROFILE;

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
  return [...LLEM_PROFILE_IDS];
}

/**
 * The profile a `llem --version` number most likely belongs to when it is none of the declared versionLines:
 * 1.17.x is the v0.7.0 tag line, 1.18.x the v0.8.0 tag line, older 1.x guesses v0.7, newer 1.x v0.8, anything
 * else HEAD. `guessed` is false only for the two tag lines.
 */
export function profileForUnknownVersion(version: string): { profile: ProfileId; guessed: boolean } {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  if (version.startsWith('1.17.')) return { profile: 'v0.7', guessed: false };
  if (version.startsWith('1.18.')) return { profile: 'v0.8', guessed: false };
  if (major === 1 && minor < 17) return { profile: 'v0.7', guessed: true };
  if (major === 1) return { profile: 'v0.8', guessed: true };
  return { profile: 'head', guessed: true };
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
