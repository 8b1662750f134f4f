/**
 * Python `difflib.get_close_matches(word, possibilities, n=1, cutoff)` — llem 0.7.0 uses it for
 * "did you mean" hints on engine-section keys. Ratcliff/Obershelp ratio without the autojunk
 * heuristic (which only applies to sequences of 200+ items, never to field names).
 */

function longestMatch(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const newj2len = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      newj2len.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = newj2len;
  }
  return [besti, bestj, bestsize];
}

function matchingCharacters(a: string, b: string): number {
  let total = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
    const [i, j, k] = longestMatch(a, b, alo, ahi, blo, bhi);
    if (k === 0) continue;
    total += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return total;
}

/** SequenceMatcher(None, a, b).ratio() */
export function sequenceRatio(a: string, b: string): number {
  const t = a.length + b.length;
  return t === 0 ? 1 : (2 * matchingCharacters(a, b)) / t;
}

/** get_close_matches(word, possibilities, n=1, cutoff)[0] or null. */
export function didYouMeanDifflib(word: string, possibilities: readonly string[], cutoff = 0.6): string | null {
  let best: { score: number; x: string } | null = null;
  for (const x of possibilities) {
    const score = sequenceRatio(x, word);
    if (score < cutoff) continue;
    if (!best || score > best.score || (score === best.score && x > best.x)) best = { score, x };
  }
  return best ? best.x : null;
}
