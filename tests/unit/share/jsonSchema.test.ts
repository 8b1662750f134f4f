import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildLeaderboard, renderJsonSchemaFiles, renderLeaderboard, SCHEMA_FILES } from '../../../core/export/index';
import { prepareSubmission } from '../../../core/push/index';
import { openTempDb } from '../results/helpers';
import { checkJsonSchema, unsupportedKeywords } from './jsonSchemaChecker';
import { GEN, seedAll } from './seed';

/**
 * The JSON Schemas in resources/schemas/ are what consumers validate with; the exporter validates with
 * zod. These tests keep the committed files equal to what the zod schemas generate, and check with an
 * independent JSON Schema checker that both accept every real export and reject the same broken ones.
 * To refresh the files after changing core/export/format.ts: UPDATE_SCHEMAS=1 npx vitest run tests/unit/share/jsonSchema.test.ts
 */

const SCHEMA_DIR = path.resolve(__dirname, '../../../resources/schemas');
type Name = keyof typeof SCHEMA_FILES;

const samples = {} as Record<Name, unknown[]>;
let store: ReturnType<typeof openTempDb>;

beforeAll(async () => {
  store = openTempDb();
  await seedAll(store.db);
  const drafts = buildLeaderboard(store.db, { includePersonalData: true, generatorVersion: GEN });
  if (!drafts.ok) throw new Error(drafts.error.message);
  const rendered = renderLeaderboard(drafts.value, GEN);
  if (!rendered.ok) throw new Error(rendered.error.message);
  const plain = buildLeaderboard(store.db, { generatorVersion: GEN });
  if (!plain.ok) throw new Error(plain.error.message);
  const submission = prepareSubmission(store.db, { generatorVersion: GEN });
  if (!submission.ok) throw new Error(submission.error.message);
  samples['leaderboard-index-v1.1.schema.json'] = [rendered.value.index];
  samples['leaderboard-entries-v1.1.schema.json'] = [...drafts.value.map((d) => d.content), ...plain.value.map((d) => d.content)].map((c) => JSON.parse(JSON.stringify(c)));
  samples['ingest-submission-v1.1.schema.json'] = [JSON.parse(submission.value.body)];
});
afterAll(() => store.cleanup());

describe('published JSON Schemas', () => {
  const generated = renderJsonSchemaFiles();

  it.each(Object.keys(SCHEMA_FILES))('%s is committed and equal to what the zod schema generates', (name) => {
    const file = path.join(SCHEMA_DIR, name);
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(file, generated[name]!);
    expect(readFileSync(file, 'utf8'), `${file} is stale: regenerate with UPDATE_SCHEMAS=1`).toBe(generated[name]);
  });

  it.each(Object.keys(SCHEMA_FILES))('%s uses only keywords the independent checker evaluates', (name) => {
    expect(unsupportedKeywords(JSON.parse(generated[name]!))).toEqual([]);
  });
});

describe('zod and the JSON Schema agree', () => {
  const names = Object.keys(SCHEMA_FILES) as Name[];

  it.each(names)('%s: every real export is valid for both', (name) => {
    const json = JSON.parse(renderJsonSchemaFiles()[name]!) as Record<string, unknown>;
    const zod = SCHEMA_FILES[name].schema as z.ZodType;
    expect(samples[name].length).toBeGreaterThan(0);
    for (const doc of samples[name]) {
      expect(checkJsonSchema(json, doc)).toEqual([]);
      expect(zod.safeParse(doc).success).toBe(true);
    }
  });

  it.each(names)('%s: random mutations are accepted or rejected by both alike', (name) => {
    const json = JSON.parse(renderJsonSchemaFiles()[name]!) as Record<string, unknown>;
    const zod = SCHEMA_FILES[name].schema as z.ZodType;
    const docs = samples[name];
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), mutationArb, (docPick, pathPick, mutation) => {
        const doc = structuredClone(docs[docPick % docs.length]) as unknown;
        const paths = allPaths(doc);
        const target = paths[pathPick % paths.length]!;
        const mutated = applyMutation(doc, target, mutation);
        const byJson = checkJsonSchema(json, mutated).length === 0;
        const byZod = zod.safeParse(mutated).success;
        if (!byZod) rejected++;
        expect({ path: target.join('/'), mutation, byJson }).toEqual({ path: target.join('/'), mutation, byJson: byZod });
      }),
      { numRuns: 300, seed: 7 },
    );
    // The mutations must actually test rejection, not only harmless edits.
    expect(rejected).toBeGreaterThan(100);
  });

  it('known-bad documents are rejected by both', () => {
    const json = JSON.parse(renderJsonSchemaFiles()['leaderboard-entries-v1.1.schema.json']!) as Record<string, unknown>;
    const zod = SCHEMA_FILES['leaderboard-entries-v1.1.schema.json'].schema as z.ZodType;
    const base = samples['leaderboard-entries-v1.1.schema.json'][0] as { entries: Record<string, unknown>[] };
    const bad: [string, (d: typeof base) => void][] = [
      ['reference source', (d) => void (d.entries[0]!.sources = ['reference'])],
      ['missing metric', (d) => void delete (d.entries[0]!.metrics as Record<string, unknown>).j_per_output_token],
      ['fractional cycle count', (d) => void (d.entries[0]!.cycles = 2.5)],
      ['bad date', (d) => void ((d.entries[0]!.measured as Record<string, unknown>).first = '02/01/2026')],
      ['unknown field', (d) => void (d.entries[0]!.username = 'alice')],
      ['zero power limit', (d) => void ((d.entries[0]!.gpu as Record<string, unknown>).power_limits_w = [0])],
    ];
    for (const [what, mutate] of bad) {
      const d = structuredClone(base);
      mutate(d);
      expect(checkJsonSchema(json, d).length, what).toBeGreaterThan(0);
      expect(zod.safeParse(d).success, what).toBe(false);
    }
  });
});

type Mutation = { op: 'delete' } | { op: 'set'; value: unknown } | { op: 'addKey'; key: string; value: unknown };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'delete' }),
  fc
    .constantFrom<unknown>(null, '', 'x', 'created', 'measured', '2026-01-02', 'abcdef0123456789', -1, 0, 1, 2.5, 1e300, true, false, [], {}, ['x'], [1])
    .map((value): Mutation => ({ op: 'set', value })),
  fc.constantFrom('extra', 'username', '__proto__', '').map((key): Mutation => ({ op: 'addKey', key, value: 1 })),
);

function allPaths(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])));
  else if (typeof doc === 'object' && doc !== null) for (const [k, v] of Object.entries(doc)) out.push(...allPaths(v, [...prefix, k]));
  return out;
}

function applyMutation(doc: unknown, target: (string | number)[], m: Mutation): unknown {
  if (target.length === 0) {
    if (m.op === 'set') return m.value;
    if (m.op === 'delete') return undefined;
  }
  const parent = target.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], doc) as Record<string | number, unknown> | unknown[];
  const last = target[target.length - 1]!;
  const node = target.length === 0 ? doc : (parent as Record<string | number, unknown>)[last];
  if (m.op === 'addKey') {
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return doc;
  }
  if (Array.isArray(parent)) {
    if (m.op === 'delete') parent.splice(last as number, 1);
    else parent[last as number] = m.value;
  } else if (m.op === 'delete') delete (parent as Record<string, unknown>)[last];
  else Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  return doc;
}
