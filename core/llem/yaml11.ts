/**
 * Read YAML with the meaning PyYAML's `yaml.safe_load` gives it (YAML 1.1), into PyValues.
 *
 * WHY not the `yaml` package's own `version: '1.1'` schema: it reads `1e-5`, `-.5` and `09` as
 * numbers, `y`/`n` as booleans and loses int vs float — all differ from PyYAML and change what
 * llem validates and hashes. So we use `yaml` only as a parser (failsafe schema: every scalar
 * stays text) and resolve plain scalars with PyYAML's own implicit-resolver regexes, construct
 * tags like PyYAML's SafeConstructor, and apply merge keys (`<<`) the PyYAML way.
 *
 * Hostile input is bounded: input size, nesting depth and the number of values after alias
 * expansion are capped, and every error names the line/column and the key path.
 */
import YAML, { type Alias, isAlias, isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';
import { PyDict, PyFloat, PyOpaque, type PyKey, type PyValue } from '../../contract/llem/pyValue';

export interface Yaml11Limits {
  /** Max input size in bytes (default 4 MiB). */
  maxBytes?: number;
  /** Max nesting depth of collections (default 200). */
  maxDepth?: number;
  /** Max number of values after alias expansion (default 1,000,000) — stops alias bombs. */
  maxNodes?: number;
}

export class YamlLoadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'YamlLoadError';
  }
}

const DEFAULTS: Required<Yaml11Limits> = { maxBytes: 4 * 1024 * 1024, maxDepth: 200, maxNodes: 1_000_000 };

// PyYAML resolver.py, in registration order per first character.
const RE_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const RE_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const RE_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const RE_MERGE = /^(?:<<)$/;
const RE_NULL = /^(?:~|null|Null|NULL|)$/;
const RE_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const RE_VALUE = /^(?:=)$/;

type Tag = 'null' | 'bool' | 'int' | 'float' | 'str' | 'merge' | 'timestamp' | 'value';

const RESOLVERS_BY_FIRST_CHAR = new Map<string, [Tag, RegExp][]>();
function addResolver(tag: Tag, re: RegExp, first: string[]): void {
  for (const ch of first) {
    const list = RESOLVERS_BY_FIRST_CHAR.get(ch) ?? [];
    list.push([tag, re]);
    RESOLVERS_BY_FIRST_CHAR.set(ch, list);
  }
}
addResolver('bool', RE_BOOL, [...'yYnNtTfFoO']);
addResolver('float', RE_FLOAT, [...'-+0123456789.']);
addResolver('int', RE_INT, [...'-+0123456789']);
addResolver('merge', RE_MERGE, ['<']);
addResolver('null', RE_NULL, ['~', 'n', 'N', '']);
addResolver('timestamp', RE_TIMESTAMP, [...'0123456789']);
addResolver('value', RE_VALUE, ['=']);

/** PyYAML's implicit tag for a plain scalar. */
export function resolvePlainScalar(text: string): Tag {
  const list = RESOLVERS_BY_FIRST_CHAR.get(text === '' ? '' : (text[0] as string));
  if (list) for (const [tag, re] of list) if (re.test(text)) return tag;
  return 'str';
}

const TAG_PREFIX = 'tag:yaml.org,2002:';

// PyYAML Reader.NON_PRINTABLE
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function parseBigIntInBase(digits: string, base: 2 | 8 | 10 | 16): bigint {
  if (digits === '') throw new Error('empty number');
  const prefix = base === 2 ? '0b' : base === 8 ? '0o' : base === 16 ? '0x' : '';
  return BigInt(prefix + digits);
}

function normaliseInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** PyYAML `construct_yaml_int`. Throws on text Python's int() rejects. */
export function constructInt(text: string): number | bigint {
  let value = text.replace(/_/g, '');
  if (value === '') throw new Error(`invalid literal for int(): '${text}'`);
  let sign = 1n;
  if (value[0] === '-') sign = -1n;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '0') return 0;
  let result: bigint;
  if (value.startsWith('0b')) result = parseBigIntInBase(value.slice(2), 2);
  else if (value.startsWith('0x')) result = parseBigIntInBase(value.slice(2), 16);
  else if (value[0] === '0') result = parseBigIntInBase(value, 8);
  else if (value.includes(':')) {
    const digits = value.split(':').map((p) => parseBigIntInBase(p, 10));
    result = 0n;
    for (const d of digits) result = result * 60n + d;
  } else result = parseBigIntInBase(value, 10);
  return normaliseInt(sign * result);
}

/** PyYAML `construct_yaml_float`. */
export function constructFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '+' || value[0] === '-') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    const digits = value.split(':').map(pythonFloat);
    let acc = 0;
    for (const d of digits) acc = acc * 60 + d;
    return sign * acc;
  }
  return sign * pythonFloat(value);
}

/** Python `float(str)` for the forms PyYAML can hand it (plus explicit `!!float` text). */
function pythonFloat(s: string): number {
  const t = s.trim().replace(/_/g, '');
  const lower = t.toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(lower)) return NaN;
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(lower)) {
    throw new Error(`could not convert string to float: '${s}'`);
  }
  return Number(t);
}

const BOOL_VALUES: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** A lazily formatted key path (built only when an error needs it). */
interface PathNode {
  parent: PathNode | null;
  key: PyKey | number;
  isIndex: boolean;
}
type Path = PathNode | null;

function formatPath(p: Path): string {
  const parts: PathNode[] = [];
  for (let n = p; n; n = n.parent) parts.push(n);
  let out = '';
  for (const n of parts.reverse()) {
    if (n.isIndex) out += `[${String(n.key)}]`;
    else out += out ? `.${String(n.key)}` : String(n.key);
  }
  return out;
}

interface Ctx {
  doc: Document;
  lc: LineCounter;
  limits: Required<Yaml11Limits>;
  nodes: number;
  inProgress: Set<Node>;
}

function where(ctx: Ctx, node: Node | null | undefined): { line?: number; column?: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return {};
  const pos = ctx.lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function fail(ctx: Ctx, node: Node | null | undefined, path: Path, message: string): never {
  const w = where(ctx, node);
  const at = w.line !== undefined ? ` (line ${w.line}, column ${w.column})` : '';
  const text = formatPath(path);
  const p = text ? ` at ${text}` : '';
  throw new YamlLoadError(`${message}${p}${at}`, w.line, w.column, text || undefined);
}

function childPath(path: Path, key: PyKey | number, isIndex: boolean): Path {
  return { parent: path, key, isIndex };
}

/**
 * Number of values the node expands to, counting every alias use (memoised per node, so an
 * alias bomb is measured in linear time and refused before anything is built).
 */
function expandedSize(ctx: Ctx, node: Node | null | undefined, memo: Map<Node, number>, depth: number): number {
  if (node === null || node === undefined) return 1;
  const target = isAlias(node) ? ((node as Alias).resolve(ctx.doc) as Node | undefined) : node;
  if (!target) return 1;
  const hit = memo.get(target);
  if (hit !== undefined) return hit;
  if (depth > ctx.limits.maxDepth) fail(ctx, target, null, `nesting deeper than ${ctx.limits.maxDepth} levels`);
  memo.set(target, Infinity); // a node reached again while being measured is a recursive alias
  let n = 1;
  if (isSeq(target)) for (const it of target.items as Node[]) n += expandedSize(ctx, it, memo, depth + 1);
  else if (isMap(target)) {
    for (const p of target.items as Pair[]) {
      n += expandedSize(ctx, p.key as Node, memo, depth + 1) + expandedSize(ctx, p.value as Node, memo, depth + 1);
      if (n > ctx.limits.maxNodes) break;
    }
  }
  memo.set(target, n);
  return n;
}

function tick(ctx: Ctx, node: Node | null | undefined, path: Path): void {
  ctx.nodes++;
  if (ctx.nodes > ctx.limits.maxNodes) {
    fail(ctx, node, path, `document expands to more than ${ctx.limits.maxNodes} values (too many aliases? an "alias bomb" is refused)`);
  }
}

function deref(ctx: Ctx, node: Node, path: Path): Node {
  if (!isAlias(node)) return node;
  const target = (node as Alias).resolve(ctx.doc);
  if (!target) fail(ctx, node, path, `found undefined alias '${(node as Alias).source}'`);
  return target as Node;
}

function scalarTag(node: YAML.Scalar): Tag | 'explicit-other' {
  const tag = node.tag;
  if (tag === undefined || tag === null) {
    if (node.type === 'PLAIN') return resolvePlainScalar(String(node.value ?? ''));
    return 'str';
  }
  if (tag === '!') return 'str';
  if (tag.startsWith(TAG_PREFIX)) {
    const t = tag.slice(TAG_PREFIX.length);
    if (t === 'null' || t === 'bool' || t === 'int' || t === 'float' || t === 'str' || t === 'timestamp' || t === 'merge' || t === 'value') return t;
  }
  return 'explicit-other';
}

function constructScalar(ctx: Ctx, node: YAML.Scalar, path: Path): PyValue {
  const text = String(node.value ?? '');
  const tag = scalarTag(node);
  try {
    switch (tag) {
      case 'null':
        return null;
      case 'bool': {
        const b = BOOL_VALUES[text.toLowerCase()];
        if (b === undefined) throw new Error(`'${text}' is not a YAML 1.1 boolean`);
        return b;
      }
      case 'int':
        return constructInt(text);
      case 'float':
        return new PyFloat(constructFloat(text));
      case 'str':
        return text;
      case 'timestamp':
        return new PyOpaque(/[Tt :]/.test(text) && text.length > 10 ? 'datetime' : 'date', text);
      case 'merge':
        return fail(ctx, node, path, "a merge key '<<' is only allowed as a mapping key");
      case 'value':
        return fail(ctx, node, path, "could not determine a constructor for the tag 'tag:yaml.org,2002:value' (an unquoted '=' — quote it)");
      default: {
        if (node.tag === `${TAG_PREFIX}binary`) return new PyOpaque('bytes', text);
        return fail(ctx, node, path, `could not determine a constructor for the tag '${node.tag}'`);
      }
    }
  } catch (e) {
    if (e instanceof YamlLoadError) throw e;
    return fail(ctx, node, path, (e as Error).message);
  }
}

function isMergeKey(key: unknown): boolean {
  if (!key || !isScalar(key)) return false;
  const k = key as YAML.Scalar;
  if (k.tag === `${TAG_PREFIX}merge`) return true;
  return (k.tag === undefined || k.tag === null) && k.type === 'PLAIN' && String(k.value) === '<<';
}

/** PyYAML SafeConstructor.flatten_mapping on the node level: merged pairs first, own pairs after. */
function flattenPairs(ctx: Ctx, mapNode: YAML.YAMLMap, path: Path, depth: number): Pair[] {
  if (depth > ctx.limits.maxDepth) fail(ctx, mapNode, path, `nesting deeper than ${ctx.limits.maxDepth} levels`);
  const own: Pair[] = [];
  const merge: Pair[] = [];
  for (const pair of mapNode.items as Pair[]) {
    const src = (pair as Pair & { srcToken?: { key?: unknown; start?: { type: string }[] } }).srcToken;
    // An anchor or tag alone (`{&x }`, `{!!str }`) is a key with empty content, which PyYAML allows.
    if (src && !src.key && !(src.start ?? []).some((t) => t.type === 'explicit-key-ind' || t.type === 'anchor' || t.type === 'tag')) {
      // PyYAML has no implicit empty keys (`: x`); only an explicit `? ` key may be empty.
      fail(ctx, (pair.value as Node | null) ?? mapNode, path, "a mapping entry has no key (PyYAML: expected a key before ':'); write `? ` for an empty key or add the key");
    }
    if (isMergeKey(pair.key)) {
      const raw = pair.value as Node | null;
      if (raw === null) fail(ctx, mapNode, path, 'expected a mapping or list of mappings for merging, but found a null');
      const value = deref(ctx, raw, path);
      if (isMap(value)) {
        if (ctx.inProgress.has(value)) fail(ctx, value, path, 'recursive alias in a merge key');
        ctx.inProgress.add(value);
        for (const merged of flattenPairs(ctx, value, path, depth + 1)) merge.push(merged); // no spread: long lists overflow the stack
        ctx.inProgress.delete(value);
      } else if (isSeq(value)) {
        const sub: Pair[][] = [];
        for (const itemRaw of value.items as Node[]) {
          const item = deref(ctx, itemRaw, path);
          if (!isMap(item)) fail(ctx, item, path, 'expected a mapping for merging, but found a non-mapping');
          if (ctx.inProgress.has(item)) fail(ctx, item, path, 'recursive alias in a merge key');
          ctx.inProgress.add(item);
          sub.push(flattenPairs(ctx, item, path, depth + 1));
          ctx.inProgress.delete(item);
        }
        sub.reverse();
        for (const s of sub) for (const merged of s) merge.push(merged);
      } else {
        fail(ctx, value, path, 'expected a mapping or list of mappings for merging');
      }
    } else {
      own.push(pair);
    }
  }
  return merge.length > 0 ? [...merge, ...own] : own;
}

function constructKey(ctx: Ctx, keyNode: Node | null, path: Path, depth: number): PyKey {
  if (keyNode === null || keyNode === undefined) return null;
  const node = deref(ctx, keyNode, path);
  if (isScalar(node)) {
    // PyYAML turns a '=' key into the string '='.
    if (scalarTag(node) === 'value') return '=';
    const v = constructScalar(ctx, node, path);
    return v as PyKey;
  }
  if (isMap(node) && node.tag === `${TAG_PREFIX}set`) fail(ctx, node, path, 'found unhashable key (a set)');
  return fail(ctx, node, path, 'found unhashable key (a list or mapping cannot be a key)');
  void depth;
}

function construct(ctx: Ctx, rawNode: Node | null | undefined, path: Path, depth: number): PyValue {
  if (rawNode === null || rawNode === undefined) {
    tick(ctx, rawNode, path);
    return null;
  }
  const node = deref(ctx, rawNode, path);
  tick(ctx, node, path);
  if (depth > ctx.limits.maxDepth) fail(ctx, node, path, `nesting deeper than ${ctx.limits.maxDepth} levels`);
  if (isScalar(node)) return constructScalar(ctx, node, path);
  if (ctx.inProgress.has(node)) fail(ctx, node, path, 'recursive alias (a structure that contains itself) is not supported');
  ctx.inProgress.add(node);
  try {
    if (isSeq(node)) {
      const tag = node.tag;
      if (tag && tag !== `${TAG_PREFIX}seq` && tag !== '!') {
        if (tag === `${TAG_PREFIX}omap` || tag === `${TAG_PREFIX}pairs`) {
          const items: PyValue[] = [];
          node.items.forEach((itemRaw, i) => {
            const item = deref(ctx, itemRaw as Node, path);
            if (!isMap(item) || item.items.length !== 1) fail(ctx, item, childPath(path, i, true), `expected a single mapping item in ${tag}`);
            const pair = item.items[0] as Pair;
            const k = constructKey(ctx, pair.key as Node, path, depth + 1);
            const v = construct(ctx, pair.value as Node, childPath(path, i, true), depth + 1);
            items.push(new PyOpaque('tuple', '', [k as PyValue, v]));
          });
          return items;
        }
        fail(ctx, node, path, `could not determine a constructor for the tag '${tag}'`);
      }
      const out: PyValue[] = [];
      node.items.forEach((item, i) => {
        out.push(construct(ctx, item as Node, childPath(path, i, true), depth + 1));
      });
      return out;
    }
    if (isMap(node)) {
      const tag = node.tag;
      const isSet = tag === `${TAG_PREFIX}set`;
      if (tag && tag !== `${TAG_PREFIX}map` && tag !== '!' && !isSet) {
        fail(ctx, node, path, `could not determine a constructor for the tag '${tag}'`);
      }
      const pairs = flattenPairs(ctx, node, path, depth);
      const d = new PyDict();
      for (const pair of pairs) {
        const key = constructKey(ctx, pair.key as Node, path, depth + 1);
        const value = construct(ctx, pair.value as Node, childPath(path, key, false), depth + 1);
        d.set(key, value);
      }
      if (isSet) return new PyOpaque('set', `{${[...d.keys()].map(String).join(', ')}}`, [...d.keys()] as PyValue[]);
      return d;
    }
    return fail(ctx, node, path, 'unsupported YAML node');
  } finally {
    ctx.inProgress.delete(node);
  }
}

/** Decode bytes as strict UTF-8, naming the offending byte offset on failure. */
export function decodeUtf8Strict(bytes: Uint8Array, label = 'input'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Find the first bad offset for a useful message.
    let good = 0;
    for (let step = 1 << 20; step > 0; step >>= 1) {
      while (good + step <= bytes.length) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, good + step));
          good += step;
        } catch {
          break;
        }
      }
    }
    throw new YamlLoadError(`${label} is not valid UTF-8 (bad byte near offset ${good})`);
  }
}

/**
 * `yaml.safe_load(text)` → PyValue (or null for an empty document). Throws YamlLoadError with a
 * line/column and key path on anything PyYAML would reject and on input beyond the limits.
 */
export function loadYaml11(input: string | Uint8Array, limits: Yaml11Limits = {}): PyValue {
  const lim: Required<Yaml11Limits> = { ...DEFAULTS, ...limits };
  const byteLength = typeof input === 'string' ? input.length * 3 : input.length; // upper bound for strings
  if (typeof input !== 'string' && byteLength > lim.maxBytes) {
    throw new YamlLoadError(`document is larger than ${lim.maxBytes} bytes`);
  }
  const text = typeof input === 'string' ? input : decodeUtf8Strict(input);
  if (typeof input === 'string' && new TextEncoder().encode(text).length > lim.maxBytes) {
    throw new YamlLoadError(`document is larger than ${lim.maxBytes} bytes`);
  }
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    const before = text.slice(0, bad.index);
    const line = before.split('\n').length;
    const column = bad.index - before.lastIndexOf('\n');
    const cp = bad[0].codePointAt(0) ?? 0;
    throw new YamlLoadError(
      `unacceptable character #x${cp.toString(16).padStart(4, '0')}: special characters are not allowed (line ${line}, column ${column})`,
      line,
      column,
    );
  }
  const lc = new LineCounter();
  let docs: Document[];
  try {
    docs = YAML.parseAllDocuments(text, {
      version: '1.1',
      schema: 'failsafe',
      uniqueKeys: false,
      merge: false,
      lineCounter: lc,
      prettyErrors: false,
      strict: false,
      stringKeys: false,
      keepSourceTokens: true,
    }) as Document[];
  } catch (e) {
    if (e instanceof RangeError) throw new YamlLoadError('document is nested too deeply to parse');
    throw new YamlLoadError(`YAML parse error: ${(e as Error).message}`);
  }
  if (!Array.isArray(docs)) {
    throw new YamlLoadError('YAML parse error: unexpected parser result');
  }
  if (docs.length === 0) return null;
  if (docs.length > 1) {
    const pos = docs[1]?.range ? lc.linePos(docs[1].range[0]) : undefined;
    throw new YamlLoadError(
      `expected a single document in the stream, but found another document${pos ? ` (line ${pos.line})` : ''}`,
      pos?.line,
      pos?.col,
    );
  }
  const doc = docs[0] as Document;
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = firstError.linePos?.[0] ?? (firstError.pos ? lc.linePos(firstError.pos[0]) : undefined);
    throw new YamlLoadError(
      `YAML syntax error: ${firstError.message.split('\n')[0]}${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}`,
      pos?.line,
      pos?.col,
    );
  }
  const ctx: Ctx = { doc, lc, limits: lim, nodes: 0, inProgress: new Set() };
  try {
    const size = expandedSize(ctx, doc.contents as Node | null, new Map(), 0);
    if (!Number.isFinite(size)) throw new YamlLoadError('recursive alias (a structure that contains itself) is not supported');
    if (size > lim.maxNodes) {
      throw new YamlLoadError(`document expands to more than ${lim.maxNodes} values (too many aliases? an "alias bomb" is refused)`);
    }
    return construct(ctx, doc.contents as Node | null, null, 0);
  } catch (e) {
    if (e instanceof YamlLoadError) throw e;
    if (e instanceof RangeError) throw new YamlLoadError('document is nested too deeply to read');
    throw new YamlLoadError(`could not read YAML: ${(e as Error).message}`);
  }
}
