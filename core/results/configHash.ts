import { isLosslessNumber, parse as losslessParse, stringify as losslessStringify } from 'lossless-json';

/**
 * Re-checks llem's `measurement_config_hash` from a result's `effective_config` (llem contract §3).
 *
 * The canonical-JSON hash itself belongs to the campaign model; it is injected here as a
 * `ConfigHashFn` so the importer does not depend on where it lives. It receives the config as parsed
 * by lossless-json (numbers are `LosslessNumber`s whose text tells an int `1` from a float `1.0`).
 */
export type ConfigHashFn = (losslessConfig: unknown) => string;

export interface HashCheck {
  /** Our hash of effective_config minus Docker `runner_*` keys; null when it could not be computed. */
  recomputed: string | null;
  /** recomputed === reported; null when not checked. */
  verified: boolean | null;
  /** App identity hash: the same config with `output_dir = null` (groups cycles run with distinct --output). */
  identityHash: string | null;
  /** Why it could not be checked, when it could not. */
  note?: string;
}

/** Keys llem's Docker runner adds to effective_config after hashing (§3.5). */
const DOCKER_RUNNER_KEYS = ['runner_type', 'runner_image', 'runner_source'];

/** effective_config exactly as written, numbers untouched (lossless). */
export function losslessEffectiveConfig(fileText: string): { config: Record<string, unknown>; text: string } | null {
  return losslessObjectMember(fileText, 'effective_config');
}

/** One top-level object member of a JSON text, numbers untouched (`declared_config` of a bundle's config.json). */
export function losslessObjectMember(fileText: string, key: string): { config: Record<string, unknown>; text: string } | null {
  const parsed = losslessParse(fileText) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const config = Object.prototype.hasOwnProperty.call(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return null;
  return { config: config as Record<string, unknown>, text: losslessStringify(config) ?? 'null' };
}

export function checkConfigHash(
  losslessConfig: Record<string, unknown>,
  reported: string,
  hashFn: ConfigHashFn | null,
): HashCheck {
  if (!hashFn) return { recomputed: null, verified: null, identityHash: null, note: 'no config hash function available' };
  const hashed = withoutKeys(losslessConfig, DOCKER_RUNNER_KEYS);
  let recomputed: string | null = null;
  let identityHash: string | null;
  let note: string | undefined;
  try {
    recomputed = hashFn(hashed);
  } catch (e) {
    note = `could not re-canonicalise effective_config: ${(e as Error).message}`;
  }
  try {
    identityHash = hashFn({ ...hashed, output_dir: null });
  } catch {
    identityHash = null;
  }
  const verified = recomputed === null ? null : recomputed === reported;
  return note === undefined ? { recomputed, verified, identityHash } : { recomputed, verified, identityHash, note };
}

/**
 * Re-checks a bundle's `declared_config_hash` from config.json's `declared_config`. llem hashes the dump minus
 * `server.traffic.slo` (docs/llem-pypi-release.md). The declared hash has no output folder in it, so it is
 * its own identity hash.
 */
export function checkDeclaredConfigHash(losslessDeclared: Record<string, unknown>, reported: string, hashFn: ConfigHashFn | null): HashCheck {
  if (!hashFn) return { recomputed: null, verified: null, identityHash: reported, note: 'no config hash function available' };
  let hashed = losslessDeclared;
  const server = losslessDeclared.server;
  if (isObject(server) && isObject(server.traffic) && 'slo' in server.traffic) {
    hashed = { ...losslessDeclared, server: { ...server, traffic: withoutKeys(server.traffic, ['slo']) } };
  }
  try {
    const recomputed = hashFn(hashed);
    return { recomputed, verified: recomputed === reported, identityHash: recomputed };
  } catch (e) {
    return { recomputed: null, verified: null, identityHash: reported, note: `could not re-canonicalise declared_config: ${(e as Error).message}` };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withoutKeys(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    // defineProperty, not assignment: a `__proto__` key must stay data, never become a prototype.
    if (!keys.includes(k)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export { isLosslessNumber };
