import { describe, expect, it } from 'vitest';
import { applyCycles, type OrderKind } from '../../../core/llem/runOrder';

/**
 * Issue #15, finding 8: `out.push(...cycle)` overflowed the stack for a legal study of ~190k configs, and the
 * latin square built all k² cells. Every order must handle it, and still yield k·N runs, each config N times.
 */
const K = 190_000;
const CYCLES = 3;

describe('cycle orders of a ~190k-config study', () => {
  for (const order of ['sequential', 'interleaved', 'reverse', 'latin_square', 'shuffled'] as OrderKind[]) {
    it(`${order}: k·N runs, every config exactly N times, each cycle a permutation where the order cycles`, () => {
      const sequence = applyCycles(K, CYCLES, order, 'abcdef0123456789', null);
      expect(sequence).toHaveLength(K * CYCLES);
      const counts = new Uint8Array(K);
      for (const i of sequence) counts[i]!++;
      expect(counts.every((n) => n === CYCLES)).toBe(true);
      if (order !== 'sequential') {
        for (let c = 0; c < CYCLES; c++) {
          const seen = new Uint8Array(K);
          for (let j = c * K; j < (c + 1) * K; j++) seen[sequence[j]!] = 1;
          expect(seen.every((v) => v === 1)).toBe(true);
        }
      }
    });
  }

  it('keeps the small-study orders exactly (reverse alternates, latin square follows Williams rows)', () => {
    expect(applyCycles(3, 2, 'reverse', 'x', null)).toEqual([0, 1, 2, 2, 1, 0]);
    expect(applyCycles(4, 2, 'latin_square', 'x', null)).toEqual([0, 1, 3, 2, 1, 2, 0, 3]);
    expect(applyCycles(2, 2, 'sequential', 'x', null)).toEqual([0, 0, 1, 1]);
    expect(applyCycles(0, 3, 'latin_square', 'x', null)).toEqual([]);
  });
});
