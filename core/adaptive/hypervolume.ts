/**
 * Two-objective Pareto fronts and hypervolume, the yardstick of an adaptive campaign (bench/adaptive-pareto.ts)
 * and its patience rule (stop when the front has not grown for K runs). Objectives are given with their
 * direction; internally everything is turned into "smaller is better".
 */
export type Direction = 'minimize' | 'maximize';

export interface Point2 {
  values: readonly [number, number];
}

const sign = (d: Direction): number => (d === 'minimize' ? 1 : -1);

/** Items not dominated by any other (ties kept once per distinct point); non-finite values are left out. */
export function front2<T extends Point2>(items: readonly T[], directions: readonly [Direction, Direction]): T[] {
  const pts = items
    .filter((p) => Number.isFinite(p.values[0]) && Number.isFinite(p.values[1]))
    .map((item) => ({ item, x: sign(directions[0]) * item.values[0], y: sign(directions[1]) * item.values[1] }))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const out: T[] = [];
  let bestY = Infinity;
  for (const p of pts) {
    if (p.y < bestY) {
      out.push(p.item);
      bestY = p.y;
    }
  }
  return out;
}

/** Per-objective scale: the best and worst values over a reference set (usually the full grid). */
export interface Normaliser {
  lo: [number, number];
  hi: [number, number];
}

export function normaliserOf(points: readonly Point2[], directions: readonly [Direction, Direction]): Normaliser {
  const lo: [number, number] = [Infinity, Infinity];
  const hi: [number, number] = [-Infinity, -Infinity];
  for (const p of points) {
    for (const i of [0, 1] as const) {
      const v = sign(directions[i]) * p.values[i];
      if (!Number.isFinite(v)) continue;
      lo[i] = Math.min(lo[i], v);
      hi[i] = Math.max(hi[i], v);
    }
  }
  return { lo, hi };
}

/**
 * Hypervolume dominated by `points` up to the reference point 1.1 × the normalised worst value on each axis
 * (each axis scaled to [0, 1] over the normaliser's range, so energy in J and latency in ms weigh the same).
 * The 10 % margin lets the extreme points of a front count. 0 for an empty set.
 */
export function hypervolume2(points: readonly Point2[], directions: readonly [Direction, Direction], norm: Normaliser): number {
  const REF = 1.1;
  const scaled = points
    .map((p) => {
      const s = [0, 1].map((i) => {
        const span = norm.hi[i]! - norm.lo[i]!;
        return span > 0 ? (sign(directions[i]!) * p.values[i]! - norm.lo[i]!) / span : 0;
      });
      return { values: [s[0]!, s[1]!] as const };
    })
    .filter((p) => p.values[0] < REF && p.values[1] < REF);
  const f = front2(scaled, ['minimize', 'minimize']);
  let area = 0;
  let prevY = REF;
  for (const p of f) {
    area += (REF - p.values[0]) * (prevY - p.values[1]);
    prevY = p.values[1];
  }
  return area;
}
