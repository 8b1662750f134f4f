/**
 * The two config hashes of llem 0.7.0, as canonical texts (SHA-256 is applied in core):
 *   - declared hash (`declared_config_hash`, the contract's measurement_config_hash):
 *     `json.dumps(config.model_dump(mode="json", exclude=server.traffic.slo), sort_keys=True)`;
 *   - resolved hash (64 hex, used only to de-duplicate a study): a projection of the config
 *     normalised by `domain/hashing._normalise` and dumped compactly with `ensure_ascii=False`.
 */
import { canonicalJson } from '../canonicalJson';
import { ModelDump, type ModelSpec, type TypeSpec } from '../modelSpec';
import { PyDict, PyFloat, PyOpaque, formatPyFloatRepr, type PyKey, type PyValue } from '../pyValue';

// --- pydantic model_dump(mode="json") -------------------------------------------------------

function jsonKey(k: PyKey): string {
  if (typeof k === 'string') return k;
  if (k === null) return 'None';
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k instanceof PyFloat) return formatPyFloatRepr(k.value);
  if (k instanceof PyOpaque) return k.text;
  return k.toString();
}

/** JSON-mode conversion of an untyped (Any) value, as pydantic infers it (input returned when unchanged). */
export function anyToJsonMode(v: PyValue): PyValue {
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v : null;
  if (Array.isArray(v)) {
    let out: PyValue[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as PyValue;
      const y = anyToJsonMode(x);
      if (y !== x && out === null) out = v.slice(0, i);
      if (out) out.push(y);
    }
    return out ?? v;
  }
  if (v instanceof ModelDump) return modelToJsonMode(v);
  if (v instanceof PyDict) {
    let changed = !v.hasOnlyStringKeys();
    const d = new PyDict();
    for (const [k, x] of v.entries()) {
      const y = anyToJsonMode(x);
      if (y !== x) changed = true;
      d.set(jsonKey(k), y);
    }
    return changed ? d : v;
  }
  if (v instanceof PyOpaque) {
    if (v.pyType === 'tuple' || v.pyType === 'set') return (v.items ?? []).map(anyToJsonMode);
    return v.pyType === 'datetime' ? v.text.replace(/^(\d{4}-\d\d?-\d\d?)[ \t]+/, '$1T') : v.text;
  }
  return v;
}

function typedToJsonMode(v: PyValue, t: TypeSpec): PyValue {
  if (v === null) return null;
  switch (t.k) {
    case 'float':
      if (typeof v === 'number' || typeof v === 'bigint') return new PyFloat(Number(v));
      return v; // already a PyFloat (inf/nan kept: typed float fields keep them in json mode)
    case 'opt':
      return typedToJsonMode(v, t.inner);
    case 'any':
      return anyToJsonMode(v);
    case 'model':
      return v instanceof ModelDump ? modelToJsonMode(v) : anyToJsonMode(v);
    case 'tuple':
      if (v instanceof PyOpaque && v.items) return v.items.map((x, i) => typedToJsonMode(x, t.items[i] ?? { k: 'any' }));
      return anyToJsonMode(v);
    case 'list': {
      if (!Array.isArray(v)) return anyToJsonMode(v);
      const out = v.map((x) => typedToJsonMode(x, t.item));
      return out.every((x, i) => x === v[i]) ? v : out;
    }
    case 'dict':
      if (v instanceof PyDict) {
        let changed = !v.hasOnlyStringKeys();
        const d = new PyDict();
        for (const [k, x] of v.entries()) {
          const y = typedToJsonMode(x, t.value);
          if (y !== x) changed = true;
          d.set(jsonKey(k), y);
        }
        return changed ? d : v;
      }
      return v;
    default:
      return v;
  }
}

const jsonModeCache = new WeakMap<ModelDump, PyDict>();

/** `model_dump(mode="json")` of a validated dump (field order, extras after fields). */
export function modelToJsonMode(dump: ModelDump): PyDict {
  if (dump.frozen) {
    const hit = jsonModeCache.get(dump);
    if (hit) return hit;
    const r = convertModel(dump);
    r.frozen = true; // derived from an immutable shared default: cache its texts too
    jsonModeCache.set(dump, r);
    return r;
  }
  return convertModel(dump);
}

const fieldTypeCache = new WeakMap<ModelSpec, Map<string, TypeSpec>>();
function fieldTypes(spec: ModelSpec | undefined): Map<string, TypeSpec> {
  if (!spec) return new Map();
  let m = fieldTypeCache.get(spec);
  if (!m) {
    m = new Map(spec.fields.map((f) => [f.name, f.type] as const));
    fieldTypeCache.set(spec, m);
  }
  return m;
}

/** Convert, allocating only if something actually changes (usually nothing does). */
function convertModel(dump: ModelDump): PyDict {
  const declared = fieldTypes(dump.spec);
  let out: PyDict | null = null;
  for (const [k, v] of dump.entries()) {
    const t = typeof k === 'string' ? declared.get(k) : undefined;
    const y = t ? typedToJsonMode(v, t) : anyToJsonMode(v);
    if (y !== v && out === null) {
      out = new PyDict();
      if (dump.sortedKeysHint) out.sortedKeysHint = dump.sortedKeysHint;
      for (const [k2, v2] of dump.entries()) {
        if (k2 === k) break;
        out.set(k2, v2);
      }
    }
    if (out) out.set(k, y);
  }
  return out ?? dump;
}

/** The object llem hashes for `declared_config_hash` (json mode, `server.traffic.slo` excluded). */
export function declaredDump(config: ModelDump): PyDict {
  let out = modelToJsonMode(config);
  const server = out.get('server');
  if (server instanceof PyDict) {
    // modelToJsonMode may return its input unchanged: never edit the caller's config.
    if (out === config) {
      const copy = config.clone();
      if (config.sortedKeysHint) copy.sortedKeysHint = config.sortedKeysHint;
      out = copy;
    }
    const traffic = server.get('traffic');
    if (traffic instanceof PyDict) {
      const t2 = traffic.clone();
      t2.delete('slo');
      const s2 = server.clone();
      s2.set('traffic', t2);
      out.set('server', s2);
    }
  }
  return out;
}

// --- resolved hash (domain/hashing.py) --------------------------------------------------------

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const normCache = new WeakMap<PyDict, PyValue>();

/** `_normalise` of llem 0.7.0 domain/hashing.py. */
export function normaliseForResolvedHash(v: PyValue): PyValue {
  if (v instanceof PyDict && v.frozen) {
    const hit = normCache.get(v);
    if (hit !== undefined) return hit;
    const r = normaliseUncached(v) as PyDict;
    r.frozen = true;
    if (v.sortedKeysHint) r.sortedKeysHint = v.sortedKeysHint;
    normCache.set(v, r);
    return r;
  }
  return normaliseUncached(v);
}

function normaliseUncached(v: PyValue): PyValue {
  if (typeof v === 'boolean') return v;
  if (v instanceof PyFloat) {
    const x = v.value;
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
    if (Number.isInteger(x)) return Number.isSafeInteger(x) ? x : BigInt(x);
    const mag = Math.floor(Math.log10(Math.abs(x)));
    const exp = 11 - mag;
    const factor = Number(`1e${exp}`);
    const scaled = x * factor;
    if (!Number.isFinite(scaled)) return v;
    const rounded = roundHalfEven(scaled) / factor;
    return Number.isInteger(rounded) ? (Number.isSafeInteger(rounded) ? rounded : BigInt(rounded)) : new PyFloat(rounded);
  }
  if (v instanceof PyOpaque) {
    if (v.pyType === 'set') return [...(v.items ?? [])].sort((a, b) => (String(a) < String(b) ? -1 : 1)).map(normaliseForResolvedHash);
    if (v.pyType === 'tuple') return (v.items ?? []).map(normaliseForResolvedHash);
    return v;
  }
  if (Array.isArray(v)) {
    const out = v.map(normaliseForResolvedHash);
    return out.every((x, i) => x === v[i]) ? v : out;
  }
  if (v instanceof PyDict) {
    let d: PyDict | null = null;
    for (const [k, x] of v.entries()) {
      const y = normaliseForResolvedHash(x);
      if (y !== x && d === null) {
        d = new PyDict();
        if (v.sortedKeysHint) d.sortedKeysHint = v.sortedKeysHint;
        for (const [k2, v2] of v.entries()) {
          if (k2 === k) break;
          d.set(k2, v2);
        }
      }
      if (d) d.set(k, y);
    }
    return d ?? v;
  }
  return v;
}

function asDict(v: PyValue | undefined): PyDict {
  return v instanceof PyDict ? v : new PyDict();
}

function orEmpty(v: PyValue | undefined): PyDict {
  // Python `x or {}`: None and an empty dict both become {}.
  return v instanceof PyDict && v.size > 0 ? v : new PyDict();
}

/** `ExperimentConfig.mode_section_identity()` (no user-config warmup overlay). */
export function modeSectionIdentity(config: PyDict): PyDict {
  const mode = config.get('serving_mode');
  const out = new PyDict();
  const server = config.get('server');
  if (mode === 'server' && server instanceof PyDict) {
    const traffic = asDict(server.get('traffic')).clone();
    traffic.delete('slo');
    out.set('traffic', traffic);
    out.set('warmup', server.get('warmup') ?? null);
    out.set('cooldown_seconds', server.get('cooldown_seconds') ?? null);
    return out;
  }
  const offline = config.get('offline');
  if (mode === 'offline' && offline instanceof PyDict) out.set('warmup', offline.get('warmup') ?? null);
  return out;
}

const VIEW_KEYS = [
  'engine',
  'llem_execution',
  'measurement',
  'mode_section',
  'observed_engine_params',
  'observed_sampling_params',
  'passthrough_kwargs',
  'serving_mode',
  'task',
];

/** Canonical text hashed (SHA-256, full hex) into the resolved-config hash. */
export function resolvedHashText(config: ModelDump): string {
  const engine = String(config.get('engine'));
  const section = config.get(engine);
  const sectionDump = section instanceof PyDict ? section.clone() : new PyDict();
  const engineParams = orEmpty(sectionDump.get('engine_params'));
  const sampling = orEmpty(sectionDump.get('sampling_params'));
  const execution = orEmpty(sectionDump.get('llem_execution'));
  sectionDump.delete('engine_params');
  sectionDump.delete('sampling_params');
  sectionDump.delete('llem_execution');
  const observed = engineParams.clone();
  for (const [k, v] of sectionDump.entries()) observed.set(k, v);
  const view = new PyDict();
  view.sortedKeysHint = VIEW_KEYS;
  view
    .set('engine', engine)
    .set('task', config.get('task') ?? null)
    .set('serving_mode', config.get('serving_mode') ?? null)
    .set('mode_section', modeSectionIdentity(config))
    .set('observed_engine_params', observed)
    .set('observed_sampling_params', sampling)
    .set('passthrough_kwargs', orEmpty(config.get('passthrough_kwargs')))
    .set('llem_execution', execution)
    .set('measurement', config.get('measurement') ?? null);
  return canonicalJson(normaliseForResolvedHash(view), { compact: true, ensureAscii: false, defaultStr: true });
}
