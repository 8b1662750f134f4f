import type { ConfigAggregate } from './aggregate';

export type Sense = 'min' | 'max';

export interface ParetoAxes<T> {
  x: (item: T) => number | null;
  y: (item: T) => number | null;
  xSense: Sense;
  ySense: Sense;
}

/**
 * The non-dominated items: none other is at least as good on both axes and better on one.
 * Items with a missing or non-finite coordinate are left out. Exact ties are all kept. Returned in
 * order of x from best to worst. O(n log n).
 */
export function paretoFront<T>(items: readonly T[], axes: ParetoAxes<T>): T[] {
  const sx = axes.xSense === 'min' ? 1 : -1;
  const sy = axes.ySense === 'min' ? 1 : -1;
  const points: { item: T; x: number; y: number }[] = [];
  for (const item of items) {
    const x = axes.x(item);
    const y = axes.y(item);
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    points.push({ item, x: sx * x, y: sy * y }); // both axes now "smaller is better"
  }
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  const front: T[] = [];
  let bestY = Infinity;
  let lastX = NaN;
  let lastY = NaN;
  for (const p of points) {
    // Sorted by x, a point is on the front iff it beats every earlier y — or exactly repeats the
    // last front point (a duplicate is not dominated by its twin).
    if (p.y < bestY || (p.x === lastX && p.y === lastY)) {
      front.push(p.item);
      bestY = Math.min(bestY, p.y);
      lastX = p.x;
      lastY = p.y;
    }
  }
  return front;
}

const mean = (a: ConfigAggregate, name: keyof ConfigAggregate['metrics']): number | null => a.metrics[name].mean;

/** Configs where no other uses less energy per output token AND answers a request faster. */
export function energyLatencyFront(aggregates: readonly ConfigAggregate[], adjusted = false): ConfigAggregate[] {
  return paretoFront(aggregates, {
    x: (a) => mean(a, 'latencyPerRequestS'),
    y: (a) => mean(a, adjusted ? 'jPerOutputTokenAdjusted' : 'jPerOutputToken'),
    xSense: 'min',
    ySense: 'min',
  });
}

/** Configs where no other uses less energy per output token AND delivers more tokens per second. */
export function energyThroughputFront(aggregates: readonly ConfigAggregate[], adjusted = false): ConfigAggregate[] {
  return paretoFront(aggregates, {
    x: (a) => mean(a, 'tokensPerSecond'),
    y: (a) => mean(a, adjusted ? 'jPerOutputTokenAdjusted' : 'jPerOutputToken'),
    xSense: 'max',
    ySense: 'min',
  });
}
