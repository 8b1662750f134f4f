/**
 * Cycle ordering (contract §2.9, §2.11) and the extra orders of PyPI 0.7.0
 * (`reverse`, `latin_square`). Works on indices into the unique config list.
 */
import { PyRandom } from './mt19937';
import type { PlannedRun } from './types';

export type OrderKind = 'sequential' | 'interleaved' | 'shuffled' | 'reverse' | 'latin_square';

/** Map a profile's order name to the algorithm (`interleave`/`shuffle` are PyPI spellings). */
export function orderKind(name: string): OrderKind {
  switch (name) {
    case 'sequential':
      return 'sequential';
    case 'interleaved':
    case 'interleave':
      return 'interleaved';
    case 'shuffled':
    case 'shuffle':
      return 'shuffled';
    case 'reverse':
      return 'reverse';
    case 'latin_square':
      return 'latin_square';
    default:
      throw new RangeError(`unknown cycle order '${name}'`);
  }
}

/** Shuffle seed: `shuffle_seed`, else the integer value of the last 8 hex digits of the hash. */
export function shuffleSeedFor(studyDesignHash: string, shuffleSeed: number | bigint | null): number | bigint {
  if (shuffleSeed !== null) return shuffleSeed;
  return Number.parseInt(studyDesignHash.slice(-8), 16);
}

/** Row `i` of the Williams balanced latin square of order k (PyPI 0.7.0 `_williams_latin_square`). */
export function williamsRow(i: number, k: number): number[] {
  const mod = (a: number, m: number): number => ((a % m) + m) % m;
  const row: number[] = new Array<number>(k).fill(0);
  for (let j = 0; j < k; j++) {
    if (j === 0) row[j] = i;
    else if (j % 2 === 1) row[j] = mod(i + Math.floor((j + 1) / 2), k);
    else row[j] = mod(i - Math.floor(j / 2), k);
  }
  return row;
}

/**
 * The execution sequence as indices into the unique list (length k·N). Built into a preallocated array with
 * plain loops: `out.push(...cycle)` passes every element as a call argument and overflows the stack for studies of
 * ~190k configs (issue #15, finding 8).
 */
export function applyCycles(k: number, nCycles: number, order: OrderKind, studyDesignHash: string, shuffleSeed: number | bigint | null): number[] {
  const out: number[] = new Array<number>(k * nCycles);
  let at = 0;
  const append = (cycle: ArrayLike<number>): void => {
    for (let i = 0; i < cycle.length; i++) out[at++] = cycle[i] as number;
  };
  const base = Array.from({ length: k }, (_, i) => i);
  switch (order) {
    case 'sequential':
      for (let i = 0; i < k; i++) for (let c = 0; c < nCycles; c++) out[at++] = i;
      return out;
    case 'interleaved':
      for (let c = 0; c < nCycles; c++) append(base);
      return out;
    case 'reverse': {
      const reversed = [...base].reverse();
      for (let c = 0; c < nCycles; c++) append(c % 2 === 0 ? base : reversed);
      return out;
    }
    case 'latin_square': {
      if (k === 0) return out;
      // Only the rows used are built: a Williams square of k rows is k² numbers (3.6e10 for k = 190k).
      for (let c = 0; c < nCycles; c++) append(williamsRow(c % k, k));
      return out;
    }
    case 'shuffled': {
      const rng = new PyRandom(shuffleSeedFor(studyDesignHash, shuffleSeed));
      for (let c = 0; c < nCycles; c++) {
        const cycle = [...base];
        rng.shuffle(cycle);
        append(cycle);
      }
      return out;
    }
  }
}

/**
 * Planned runs with llem's manifest numbering: `cycle` is the 1-based occurrence of the
 * config's hash in execution order (duplicated configs share a hash, so they share the count).
 */
export function plannedRuns(sequence: readonly number[], hashes: readonly string[]): PlannedRun[] {
  // Hash each config once (not once per run): configs with equal hashes share a counter.
  const group = new Int32Array(hashes.length);
  const groupOf = new Map<string, number>();
  for (let i = 0; i < hashes.length; i++) {
    const h = hashes[i] as string;
    let g = groupOf.get(h);
    if (g === undefined) {
      g = groupOf.size;
      groupOf.set(h, g);
    }
    group[i] = g;
  }
  const seen = new Int32Array(groupOf.size);
  return sequence.map((configIndex, index) => {
    const g = group[configIndex] as number;
    const cycle = (seen[g] as number) + 1;
    seen[g] = cycle;
    return { index, cycle, configIndex };
  });
}
