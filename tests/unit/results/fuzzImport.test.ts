import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../core/results/importLlemResult';
import { DEFAULT_JSON_LIMITS } from '../../../core/results/jsonText';
import type { Db } from '../../../core/store/database';
import { openTempDb, tempDir } from './helpers';
import { makeResult } from './makeResult';

/**
 * ≥10,000 hostile result files: every one is either stored whole or rejected with a message naming
 * the file — never a crash, never a half-stored result, never a polluted prototype.
 */

const RUNS = 10_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (list of keys/indices) into a JSON value, containers included. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...prefix, k], out);
  return out;
}

function setAt(root: Json, p: (string | number)[], value: Json): Json {
  if (p.length === 0) return value;
  let node = root as Record<string | number, Json>;
  for (const key of p.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  Object.defineProperty(node, p[p.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function deleteAt(root: Json, p: (string | number)[]): Json {
  if (p.length === 0) return root;
  let node = root as Record<string | number, Json>;
  for (const key of p.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  if (Array.isArray(node)) node.splice(p[p.length - 1] as number, 1);
  else delete node[p[p.length - 1]!];
  return root;
}

const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constant<Json>(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constant(0).map((): Json => []), // fresh containers: a shared constant must not carry mutations across runs
  fc.constant(0).map((): Json => ({})),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '\u0000', 'a'.repeat(1000));

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'wrongType'; pick: number; value: Json }
  | { kind: 'delete'; pick: number }
  | { kind: 'nonFinite'; pick: number; token: string }
  | { kind: 'hostileKey'; pick: number; key: string; value: Json }
  | { kind: 'deep'; depth: number; pick: number }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'bigArray'; pick: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('wrongType' as const), pick: fc.nat(), value: anyJson }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('nonFinite' as const), pick: fc.nat(), token: fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999') }),
  fc.record({ kind: fc.constant('hostileKey' as const), pick: fc.nat(), key: hostileKey, value: anyJson }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 30, max: 5000 }), pick: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('bigArray' as const), pick: fc.nat(), length: fc.integer({ min: 1000, max: 20000 }) }),
);

/** Renders a mutated result.json; `nonFinite` writes its token as bare JSON text (what Python's json may emit). */
function render(m: Mutation, seed: number): string | Uint8Array {
  const base = makeResult({ startTime: `2026-01-01T00:00:00.${String(seed).padStart(6, '0')}` }) as Json;
  const all = paths(base);
  const pick = (n: number) => all[n % all.length]!;
  switch (m.kind) {
    case 'truncate': {
      const text = JSON.stringify(base, null, 2);
      return text.slice(0, Math.floor(m.at * (text.length - 1)));
    }
    case 'wrongType':
      return JSON.stringify(setAt(base, pick(m.pick), m.value));
    case 'delete':
      return JSON.stringify(deleteAt(base, pick(m.pick)));
    case 'nonFinite':
      return JSON.stringify(setAt(base, pick(m.pick), '@@TOKEN@@')).replace('"@@TOKEN@@"', m.token);
    case 'hostileKey': {
      const target = pick(m.pick);
      const holder = target.length === 0 ? base : (target.slice(0, -1).reduce((n: any, k) => n[k], base) as any)[target[target.length - 1]!];
      if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) return JSON.stringify(setAt(base, [m.key], m.value));
      Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return JSON.stringify(base);
    }
    case 'deep':
      return JSON.stringify(setAt(base, pick(m.pick), '@@DEEP@@')).replace('"@@DEEP@@"', `${'['.repeat(m.depth)}1${']'.repeat(m.depth)}`);
    case 'bytes':
      return m.bytes;
    case 'bigArray':
      return JSON.stringify(setAt(base, pick(m.pick), Array.from({ length: m.length }, (_, i) => i * 0.5)));
  }
}

describe('fuzzed result files', () => {
  let db: Db;
  let dir: string;
  const cleanups: (() => void)[] = [];
  beforeAll(() => {
    const t = openTempDb();
    const d = tempDir('llem-fuzz-');
    db = t.db;
    dir = d.dir;
    cleanups.push(t.cleanup, d.cleanup);
  });
  afterAll(() => cleanups.forEach((c) => c()));

  const counts = () =>
    db.prepare('SELECT (SELECT COUNT(*) FROM results) AS r, (SELECT COUNT(*) FROM result_warnings) AS w, (SELECT COUNT(*) FROM llem_timeseries) AS t').get() as {
      r: number;
      w: number;
      t: number;
    };

  it(`${RUNS} mutated files: stored whole or rejected with a clear error`, async () => {
    let seed = 0;
    const tally = { added: 0, duplicate: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        seed++;
        const file = path.join(dir, `f${seed}.json`);
        writeFileSync(file, render(m, seed));
        const before = counts();
        const outcome = await importResultFile(db, file, { hashFn: null, log: false });
        const after = counts();
        tally[outcome.outcome]++;
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.toString).toBe(Object.prototype.toString);
        if (outcome.outcome === 'rejected') {
          expect(outcome.reason).toContain(file);
          expect(outcome.reason.length).toBeLessThan(2000);
          expect(after).toEqual(before);
        } else if (outcome.outcome === 'added') {
          expect(after.r).toBe(before.r + 1);
          const stored = db.prepare('SELECT warning_count FROM results WHERE id = ?').get(outcome.resultId) as { warning_count: number };
          expect(after.w - before.w).toBe(stored.warning_count);
        } else {
          expect(after).toEqual(before);
        }
      }),
      { numRuns: RUNS, seed: 20260315, endOnFailure: true },
    );
    // The mix must really exercise both paths.
    expect(tally.rejected).toBeGreaterThan(RUNS / 4);
    expect(tally.added).toBeGreaterThan(RUNS / 20);
    console.info(`fuzz outcomes: ${JSON.stringify(tally)}`);
  }, 240_000);

  it('a file over the size limit is refused before parsing', async () => {
    const file = path.join(dir, 'huge.json');
    const filler = 'x'.repeat(DEFAULT_JSON_LIMITS.maxBytes);
    writeFileSync(file, JSON.stringify(makeResult({}, { reproducibility_notes: filler })));
    const outcome = await importResultFile(db, file, { hashFn: null, log: false });
    expect(outcome.outcome).toBe('rejected');
    if (outcome.outcome === 'rejected') expect(outcome.reason).toMatch(/more than the 33554432 accepted/);
  });

  it('nesting deeper than the limit is refused without recursion', async () => {
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, `{"schema_version": "2.0", "x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
    const outcome = await importResultFile(db, file, { hashFn: null, log: false });
    expect(outcome.outcome === 'rejected' && outcome.reason).toMatch(/nested 1000001 levels deep/);
  });
});
