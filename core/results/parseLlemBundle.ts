import path from 'node:path';
import { ok, type Result } from '../../contract/result';
import { DEFAULT_JSON_LIMITS, isPlainObject, parseJsonText } from './jsonText';
import { readRegularFile } from '../files/regularFile';
import {
  BUNDLE_CONFIG_FILE, BUNDLE_SYSTEM_FILE, BundleConfigSidecarSchema, BundleResultSchema, BundleSystemSchema, type BundleConfigSidecar,
  type BundleSystem,
} from './llemBundle';
import { checkDateTimes, schemaError, unknownTopLevelKeys } from './parseLlemResult';
import type { ParsedBundle } from './resultColumns';

const KNOWN_BUNDLE_KEYS: ReadonlySet<string> = new Set(Object.keys(BundleResultSchema.shape));

export interface ReadBundle extends ParsedBundle {
  /** config.json's text, for the lossless re-hash of `declared_config`; null when it was not usable. */
  configText: string | null;
  /** Why a sidecar could not be used (the result is stored anyway, with fewer columns). */
  notes: string[];
}

/**
 * Validates a bundle result.json (already parsed) and reads the two sidecars beside it. A missing or broken
 * sidecar does not reject the result — llem's own `./results` copies can lack them — it only leaves the
 * columns they feed empty and says so in a note.
 */
export async function parseLlemBundle(value: Record<string, unknown>, filePath: string): Promise<Result<ReadBundle>> {
  const parsed = BundleResultSchema.safeParse(value);
  if (!parsed.success) return schemaError(filePath, 'not a valid llem result (bundle)', parsed.error.issues);
  const result = parsed.data;
  const badTime = checkDateTimes(result, filePath);
  if (badTime) return badTime;

  const notes: string[] = [];
  const dir = path.dirname(path.resolve(filePath));
  const config = await readSidecar(path.join(dir, BUNDLE_CONFIG_FILE), (v) => BundleConfigSidecarSchema.safeParse(v), notes);
  let usableConfig: { value: BundleConfigSidecar; text: string } | null = config;
  if (config && config.value.declared_config_hash !== result.declared_config_hash) {
    notes.push(`${BUNDLE_CONFIG_FILE} belongs to another experiment (declared_config_hash ${config.value.declared_config_hash}); not used`);
    usableConfig = null;
  }
  const system = await readSidecar(path.join(dir, BUNDLE_SYSTEM_FILE), (v) => BundleSystemSchema.safeParse(v), notes);
  let usableSystem: BundleSystem | null = system?.value ?? null;
  if (usableSystem?.declared_config_hash && usableSystem.declared_config_hash !== result.declared_config_hash) {
    notes.push(`${BUNDLE_SYSTEM_FILE} belongs to another experiment; not used`);
    usableSystem = null;
  }
  return ok({
    result,
    config: usableConfig?.value ?? null,
    configText: usableConfig?.text ?? null,
    system: usableSystem,
    extra: unknownTopLevelKeys(value, KNOWN_BUNDLE_KEYS),
    notes,
  });
}

type SafeParse<T> = { success: true; data: T } | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };

async function readSidecar<T>(file: string, check: (v: unknown) => SafeParse<T>, notes: string[]): Promise<{ value: T; text: string } | null> {
  const name = path.basename(file);
  // Only a regular file of a sane size that is really in the result's folder (not a link elsewhere): issue #15.
  const read = await readRegularFile(file, { maxBytes: DEFAULT_JSON_LIMITS.maxBytes, within: path.dirname(file) });
  if (!read.ok) {
    notes.push(
      read.error.code === 'not_found'
        ? `no ${name} beside the result (model settings and GPU facts it holds are not stored)`
        : `${name} beside the result is not a readable file of a sane size; not used (${read.error.message})`,
    );
    return null;
  }
  const text = read.value.toString('utf8');
  const json = parseJsonText(text, file);
  if (!json.ok || !isPlainObject(json.value)) {
    notes.push(`${name} beside the result is not a JSON object; not used`);
    return null;
  }
  const parsed = check(json.value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    notes.push(`${name} beside the result is not llem's: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}; not used`);
    return null;
  }
  return { value: parsed.data, text };
}
