/**
 * The one writer of llem config files: experiments as canonical JSON (what runs hand to llem), and experiment and
 * study YAML that llem reads back (PyYAML `safe_load`) to the same configs. What differs per llem family (schemas,
 * key names) comes from the family's `writer` facts (core/llem/family.ts).
 *
 * Rules (contract §1.15): every string double-quoted (so `yes`, `1e-5`, `017`, `1:30` stay
 * strings); floats always with a dot and never with an exponent (`0.00001`, `2.0`); ints plain;
 * string keys only in config files. Before writing, the config is validated under the target
 * profile: a field that profile lacks is an error naming it — never a silent drop.
 */
import { canonicalJson } from '../../contract/llem/canonicalJson';
import { ModelDump, formatIssues, validateModel, type FieldSpec, type ModelSpec } from '../../contract/llem/modelSpec';
import { PyDict, PyFloat, PyOpaque, type PyKey, type PyValue } from '../../contract/llem/pyValue';
import { PROFILES } from './profiles';
import { familyOf } from './registry';
import { CampaignError, type ProfileId, type StudyResolution } from './types';

// --- experiments as JSON ------------------------------------------------------------------------

/**
 * Writes an experiment as JSON (llem accepts `.json`, contract §1.1): the canonical JSON of the raw config keeps
 * Python's int/float distinction exactly (`1` vs `1.0`), which YAML 1.1 emission can get wrong (§1.15).
 * This is the form runs use (core/runner, core/slurm); the YAML below is for people and is checked against the
 * real llem (tests/integration/llem/llem-real.test.ts).
 */
export function writeExperimentJson(config: unknown): { text: string; extension: 'json' } {
  return { text: canonicalJson(config as PyValue, { ensureAscii: false }) + '\n', extension: 'json' };
}

// --- scalars ------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const PRINTABLE = /[\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A YAML double-quoted scalar PyYAML reads back to exactly `s`. */
export function yamlQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new CampaignError('a string contains a lone UTF-16 surrogate, which YAML cannot represent');
    else if (cp === 0x85 || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || !PRINTABLE.test(ch)) {
      // Line breaks and BOM would be folded or dropped by the scanner; escape them.
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Plain decimal with a dot, no exponent; PyYAML's float resolver reads it back bit-exactly. */
export function yamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const neg = x < 0;
  const exp = Math.abs(x).toExponential();
  const [mant, eStr] = exp.split('e') as [string, string];
  const digits = mant.replace('.', '');
  const p = Number(eStr) + 1;
  let out: string;
  if (p <= 0) out = `0.${'0'.repeat(-p)}${digits}`;
  else if (p >= digits.length) out = `${digits}${'0'.repeat(p - digits.length)}.0`;
  else out = `${digits.slice(0, p)}.${digits.slice(p)}`;
  return neg ? `-${out}` : out;
}

function scalarText(v: PyValue): string | null {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  if (v instanceof PyFloat) return yamlFloat(v.value);
  if (typeof v === 'string') return yamlQuote(v);
  if (v instanceof PyOpaque) {
    if (v.pyType === 'date' || v.pyType === 'datetime') return v.text; // PyYAML's timestamp resolver reads it back
    if (v.pyType === 'bytes') return `!!binary ${yamlQuote(v.text)}`;
  }
  return null;
}

function keyText(k: PyKey): string {
  if (typeof k === 'string') return yamlQuote(k);
  if (k === null) return 'null';
  const s = scalarText(k as PyValue);
  if (s === null) throw new CampaignError('unsupported mapping key');
  return s;
}

function isEmptyCollection(v: PyValue): string | null {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (v instanceof PyDict && v.size === 0) return '{}';
  if (v instanceof PyOpaque && v.pyType === 'tuple' && (v.items ?? []).length === 0) return '[]';
  return null;
}

function listItems(v: PyValue): PyValue[] | null {
  if (Array.isArray(v)) return v;
  if (v instanceof PyOpaque && v.pyType === 'tuple') return v.items ?? [];
  return null;
}

/** Block-style YAML for any PyValue (the root may be a mapping, list or scalar). */
export function emitYaml(value: PyValue): string {
  const lines: string[] = [];
  const emit = (v: PyValue, indent: string, depth: number): void => {
    if (depth > 200) throw new CampaignError('value nested too deeply to write');
    const items = listItems(v);
    if (v instanceof PyOpaque && v.pyType === 'set') {
      const d = new PyDict();
      for (const x of v.items ?? []) d.set(x as PyKey, null);
      lines.push(`${indent}!!set`);
      emitMapping(d, indent, depth);
      return;
    }
    if (v instanceof PyDict) return emitMapping(v, indent, depth);
    if (items) {
      for (const it of items) {
        const empty = isEmptyCollection(it);
        const sc = empty ?? scalarText(it);
        if (sc !== null && !(it instanceof PyOpaque && it.pyType === 'set')) lines.push(`${indent}- ${sc}`);
        else {
          lines.push(`${indent}-`);
          emit(it, `${indent}  `, depth + 1);
        }
      }
      return;
    }
    const sc = scalarText(v);
    if (sc === null) throw new CampaignError(`cannot write a value of type ${(v as PyOpaque).pyType ?? typeof v} to YAML`);
    lines.push(`${indent}${sc}`);
  };
  const emitMapping = (d: PyDict, indent: string, depth: number): void => {
    for (const [k, x] of d.entries()) {
      const key = keyText(k);
      const empty = isEmptyCollection(x);
      const sc = empty ?? (x instanceof PyDict || listItems(x) || (x instanceof PyOpaque && x.pyType === 'set') ? null : scalarText(x));
      if (sc !== null) lines.push(`${indent}${key}: ${sc}`);
      else {
        lines.push(`${indent}${key}:`);
        emit(x, `${indent}  `, depth + 1);
      }
    }
  };
  const rootEmpty = isEmptyCollection(value);
  if (rootEmpty) return `${rootEmpty}\n`;
  emit(value, '', 0);
  return `${lines.join('\n')}\n`;
}

// --- configs --------------------------------------------------------------------------------------

function assertStringKeys(v: PyValue, path: string): void {
  if (v instanceof PyDict) {
    for (const [k, x] of v.entries()) {
      if (typeof k !== 'string') {
        throw new CampaignError(`${path || '(root)'}: key ${String(k)} is not a string; llem hashes free-form mappings by sorting keys and crashes or reorders on non-string keys — write it as "${String(k)}"`, path);
      }
      assertStringKeys(x, path ? `${path}.${k}` : k);
    }
  } else if (Array.isArray(v)) v.forEach((x, i) => assertStringKeys(x, `${path}[${i}]`));
}

function fieldDefaultValue(f: FieldSpec): PyValue | undefined {
  if (typeof f.default === 'symbol') return undefined;
  return typeof f.default === 'function' ? (f.default as () => PyValue)() : f.default;
}

/** Keep only what differs from defaults (required fields always), recursing into sub-models. */
function minimise(dump: PyDict, spec: ModelSpec | undefined): PyDict {
  const out = new PyDict();
  const fields = new Map((spec?.fields ?? []).map((f) => [f.name, f] as const));
  for (const [k, v] of dump.entries()) {
    const f = typeof k === 'string' ? fields.get(k) : undefined;
    if (!f) {
      out.set(k, v); // extra key (free-form): always kept
      continue;
    }
    const def = fieldDefaultValue(f);
    if (v instanceof ModelDump) {
      if (def !== undefined && def !== null && sameValue(v, def)) continue;
      out.set(k, minimise(v, v.spec)); // `{}` for an all-default optional section keeps it present
      continue;
    }
    if (def !== undefined && sameValue(v, def)) continue;
    out.set(k, v);
  }
  return out;
}

/** Equal including Python type (1 vs 1.0 differ for free-form values). */
function sameValue(a: PyValue, b: PyValue): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b) && (a instanceof PyFloat) === (b instanceof PyFloat);
  } catch {
    return false;
  }
}

/**
 * The minimal form, unless reading it back would not give the same config (a preset can make
 * a default-valued explicit key significant) — then the full dump, which always round-trips.
 */
function minimalOrFull(dump: ModelDump, spec: ModelSpec): PyDict {
  const minimal = minimise(dump, spec);
  const again = validateModel(spec, minimal);
  if (again.ok && canonicalJson(again.dump, { defaultStr: true }) === canonicalJson(dump, { defaultStr: true })) return minimal;
  return dump;
}

function asModelDump(d: PyDict, spec: ModelSpec): ModelDump {
  const m = new ModelDump();
  m.modelName = spec.name;
  m.spec = spec;
  for (const [k, v] of d.entries()) m.set(k, v);
  return m;
}

/**
 * Experiment YAML for `profile` from a raw or validated config. Throws CampaignError listing every
 * field the profile does not have (or any other validation problem).
 */
export function exportExperimentYaml(config: PyDict, profile: ProfileId, opts: { minimal?: boolean } = {}): string {
  const schema = familyOf(profile).writer;
  const spec = schema.experimentSpec(profile);
  const r = validateModel(spec, config);
  if (!r.ok) {
    const missing = r.issues.filter((i) => i.type === 'extra_forbidden').map((i) => i.loc.join('.'));
    const head = missing.length
      ? `${PROFILES[profile].label} has no field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}; remove ${missing.length > 1 ? 'them' : 'it'} or choose another llem profile.`
      : `The config is not valid for ${PROFILES[profile].label}.`;
    throw new CampaignError(`${head}\n${formatIssues(r.issues)}`, missing[0], r.issues);
  }
  if (schema.stringKeysOnly) assertStringKeys(config, '');
  schema.checkExperiment(r.dump, profile);
  const out = opts.minimal === false ? r.dump : minimalOrFull(r.dump, spec);
  return emitYaml(out);
}

/**
 * Study YAML that reproduces a resolution exactly: the valid configs as an explicit
 * `experiments:` list (no sweep semantics to re-derive), plus name and execution settings.
 */
export function exportResolvedStudyYaml(res: StudyResolution, profile: ProfileId = res.profile): string {
  const family = familyOf(profile);
  if (res.profile !== profile && familyOf(res.profile) !== family) {
    throw new CampaignError(`configs resolved for ${res.profile} cannot be written for ${profile}: the two schemas have different fields`);
  }
  const schema = family.writer;
  const spec = schema.experimentSpec(profile);
  const study = new PyDict();
  if (res.name !== null) study.set(schema.nameKey, res.name);
  const info = PROFILES[profile];
  if (!info.orders.includes(res.execution.order)) {
    throw new CampaignError(`cycle order '${res.execution.order}' does not exist in ${info.label} (choose ${info.orders.join(', ')})`);
  }
  const execSpec = schema.executionSpec(profile);
  const exec = new PyDict();
  exec.set('n_cycles', res.execution.nCycles);
  exec.set(schema.orderKey, res.execution.order);
  const gapName = schema.experimentGapKey(profile);
  if (res.execution.experimentGapSeconds !== null) exec.set(gapName, new PyFloat(res.execution.experimentGapSeconds));
  if (res.execution.cycleGapSeconds !== null) exec.set('cycle_gap_seconds', new PyFloat(res.execution.cycleGapSeconds));
  if (res.execution.shuffleSeed !== null) exec.set('shuffle_seed', res.execution.shuffleSeed);
  // Every other execution setting the profile knows (e.g. deduplicate_equivalent), when not default.
  if (res.execution.settings && res.profile === profile) {
    const rest = minimise(res.execution.settings instanceof ModelDump ? res.execution.settings : asModelDump(res.execution.settings, execSpec), execSpec);
    for (const [k, v] of rest.entries()) if (!exec.has(k)) exec.set(k, v);
  }
  const execCheck = validateModel(execSpec, exec);
  if (!execCheck.ok) throw new CampaignError(`execution settings are not valid for ${info.label}:\n${formatIssues(execCheck.issues)}`);
  study.set(info.executionKey, exec);
  const entries: PyValue[] = [];
  for (const v of res.valid) {
    const r = validateModel(spec, v.raw);
    const dump = r.ok ? r.dump : null;
    if (!dump) throw new CampaignError(`config ${v.hash} is not valid for ${info.label}`);
    if (schema.stringKeysOnly) assertStringKeys(v.dump, '');
    entries.push(minimalOrFull(dump, spec));
  }
  study.set('experiments', entries);
  for (const [k, m] of Object.entries(res.metadata)) {
    if (k === 'output' || m === null) continue;
    study.set(k, m);
  }
  return emitYaml(study);
}
