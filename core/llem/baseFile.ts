/**
 * `base:` files (a study's shared defaults in another YAML file), read the same way by every family: resolved
 * relative to the study file, parsed as YAML 1.1, study-only keys dropped. What differs per family (which keys are
 * study-only, what counts as an empty base, how a wrong type is named) comes in as `BaseFileRules`.
 */
import * as nodePath from 'node:path';
import { PyDict, type PyValue } from '../../contract/llem/pyValue';
import { CampaignError, type ResolveOptions } from './types';
import { loadYaml11 } from './yaml11';

export interface BaseFileRules {
  /** Keys of a study file that are not experiment fields: dropped from the base. */
  studyOnlyKeys: ReadonlySet<string>;
  /** Whether a parsed base document means "no defaults" (llem HEAD: `is None`; PyPI 0.7.0: `if not data`). */
  isEmpty(parsed: PyValue): boolean;
  /** How messages name the type of a wrong value. */
  typeName(v: PyValue | undefined): string;
}

/** The base mapping a study's `base:` value points at, study-only keys removed. */
export function loadBase(baseValue: PyValue, opts: ResolveOptions, rules: BaseFileRules): PyDict {
  if (typeof baseValue !== 'string') throw new CampaignError(`base: must be a file path (got ${rules.typeName(baseValue)})`, 'base');
  const studyDir = opts.file ? nodePath.dirname(opts.file) : '.';
  const resolved = nodePath.isAbsolute(baseValue) ? baseValue : nodePath.join(studyDir, baseValue);
  if (!opts.readFile) throw new CampaignError(`base: cannot read ${resolved} (no file access here)`, 'base');
  let text: string | Uint8Array;
  try {
    text = opts.readFile(resolved);
  } catch {
    throw new CampaignError(`base: file not found: ${resolved}. Path is resolved relative to the study YAML file's directory.`, 'base');
  }
  let parsed: PyValue;
  try {
    parsed = loadYaml11(text);
  } catch (e) {
    throw new CampaignError(`base: ${resolved}: ${(e as Error).message}`, 'base');
  }
  if (rules.isEmpty(parsed)) return new PyDict();
  if (!(parsed instanceof PyDict)) throw new CampaignError(`base: ${resolved} must contain a mapping (got ${rules.typeName(parsed)})`, 'base');
  const out = new PyDict();
  for (const [k, v] of parsed.entries()) if (!(typeof k === 'string' && rules.studyOnlyKeys.has(k))) out.set(k, v);
  return out;
}
