import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type ScalarTag, type Tags } from 'yaml';

/**
 * The designer's source of truth is the study YAML itself (it round-trips with llem, comments included).
 * Form controls read and write paths in it through these helpers. Parsing here is for editing only; the core
 * parses with PyYAML's meaning (YAML 1.1) when it plans.
 */
export type YamlPath = readonly (string | number)[];

/**
 * PyYAML's booleans: yes/no, true/false, on/off in three casings — not `y`/`n`, which the yaml library's 1.1 schema
 * also takes for booleans. Without this, the key `n` (prompt count) reads as `false`: the form showed it empty, and
 * writing it added a second, quoted `"n"` key.
 */
const PY_BOOL: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => typeof value === 'boolean',
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (text) => /^(?:yes|true|on)$/i.test(text),
  stringify: ({ value }) => (value ? 'true' : 'false'),
};

export const STUDY_YAML_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  customTags: (tags: Tags) => [...tags.filter((t) => !(typeof t === 'object' && 'tag' in t && t.tag === 'tag:yaml.org,2002:bool')), PY_BOOL],
} as const;

export function parseStudy(text: string): { doc: Document; error: string | null } {
  const doc = parseDocument(text, STUDY_YAML_OPTIONS);
  const first = doc.errors[0];
  return { doc, error: first ? first.message : null };
}

export function readPath(text: string, path: YamlPath): unknown {
  const { doc } = parseStudy(text);
  const node = doc.getIn(path, true);
  if (node === undefined || node === null) return undefined;
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return (node as { toJSON(): unknown }).toJSON();
  return undefined;
}

/** Sets (or, with `undefined`, removes) a value; empty parent mappings are removed too. */
export function writePath(text: string, path: YamlPath, value: unknown): string {
  const { doc, error } = parseStudy(text);
  if (error) return text; // never rewrite a document the user is halfway through typing by hand
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({});
  if (!isMap(doc.contents)) return text; // a study is a mapping; the plan panel explains anything else
  if (value === undefined) {
    doc.deleteIn(path);
    for (let depth = path.length - 1; depth > 0; depth--) {
      const parent = doc.getIn(path.slice(0, depth), true);
      if (isMap(parent) && parent.items.length === 0) doc.deleteIn(path.slice(0, depth));
      else break;
    }
  } else {
    // Build missing parents as plain mappings ourselves: the library's own intermediate nodes come out as
    // `!!omap` under the YAML 1.1 schema, which llem does not expect.
    let depth = path.length - 1;
    while (depth > 0 && !isMap(doc.getIn(path.slice(0, depth), true))) depth--;
    let nested: unknown = value;
    for (let i = path.length - 1; i > depth; i--) nested = { [String(path[i])]: nested };
    const target = path.slice(0, depth + 1);
    const node = doc.createNode(nested);
    // Lists of plain values read best on one line (`[1, 4, 16]`), as llem's own examples write them.
    visit(node, {
      Seq(_key, seq) {
        if (seq.items.every((item) => isScalar(item))) seq.flow = true;
      },
    });
    doc.setIn(target, node);
  }
  return doc.toString({ lineWidth: 0 });
}

/** Parses what a user typed in a value box the way YAML would (`16` → 16, `fp16` → "fp16", `[1, 2]` → list). */
export function parseYamlValue(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const doc = parseDocument(text, STUDY_YAML_OPTIONS);
  if (doc.errors.length > 0) return { ok: false, error: doc.errors[0]!.message.split('\n')[0]! };
  return { ok: true, value: doc.toJS() };
}

/** The inverse for display: a value as the user would type it. */
export function formatYamlValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value)?.replace(/"([A-Za-z_][\w.]*)":/g, '$1: ') ?? '';
}

/** Sweep values typed as a list: `1, 4, 16` or a YAML flow sequence `[{preset: standard}, …]`. */
export function parseValueList(text: string): { ok: true; values: unknown[] } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, values: [] };
  const parsed = parseYamlValue(trimmed.startsWith('[') ? trimmed : `[${trimmed}]`);
  if (!parsed.ok) return parsed;
  return Array.isArray(parsed.value) ? { ok: true, values: parsed.value } : { ok: false, error: 'expected a list of values' };
}

/** start, start+step, … ≤ stop (numbers keep the decimals of their inputs). */
export function linearRange(start: number, stop: number, step: number): number[] | null {
  if (![start, stop, step].every(Number.isFinite) || step <= 0 || stop < start) return null;
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  if (count > 1000) return null;
  const decimals = Math.max(...[start, step].map((n) => (String(n).split('.')[1] ?? '').length));
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toFixed(decimals)));
}

/** start, start×factor, … ≤ stop — the usual shape of batch-size sweeps (1, 2, 4, … 64). */
export function logRange(start: number, stop: number, factor: number): number[] | null {
  if (![start, stop, factor].every(Number.isFinite) || start <= 0 || factor <= 1 || stop < start) return null;
  const values: number[] = [];
  for (let v = start; v <= stop * (1 + 1e-9) && values.length < 1000; v *= factor) values.push(Number(v.toPrecision(12)));
  return values;
}
