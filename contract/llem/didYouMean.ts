/** Levenshtein "did you mean" as llem's loader does it (distance ≤ 3, first best candidate). */

export function levenshtein(a: string, b: string): number {
  if (a.length < b.length) return levenshtein(b, a);
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 0; i < a.length; i++) {
    const curr = [i + 1];
    for (let j = 0; j < b.length; j++) {
      const cost = a[i] === b[j] ? 0 : 1;
      curr.push(Math.min((prev[j + 1] as number) + 1, (curr[j] as number) + 1, (prev[j] as number) + cost));
    }
    prev = curr;
  }
  return prev[b.length] as number;
}

export function didYouMean(key: string, candidates: readonly string[], maxDistance = 3): string | null {
  let best: string | null = null;
  let bestDist = maxDistance + 1;
  for (const c of candidates) {
    const d = levenshtein(key, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= maxDistance ? best : null;
}
