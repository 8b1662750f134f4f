/**
 * Byte-stable JSON for files that curators commit and review as diffs: object keys sorted, 2-space
 * indent, "\n" line ends and a final newline, numbers in JavaScript's shortest round-trip form.
 * A non-finite number is a bug upstream (JSON.stringify would silently write null): it throws.
 */
export function sortedKeysJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value, '$'), null, 2)}\n`;
}

function sortKeys(value: unknown, where: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} at ${where}: JSON has no non-finite numbers`);
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${where}[${i}]`));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareCodeUnits)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      // defineProperty: a key named "__proto__" must stay data, not change the prototype.
      Object.defineProperty(out, key, { value: sortKeys(v, `${where}.${key}`), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new Error(`Cannot write a ${typeof value} at ${where} as JSON`);
}

/** Plain code-unit order: independent of the locale (localeCompare is not). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rounds to 12 significant digits. The statistics are computed in floating point; rounding well
 * below measurement precision makes the written text independent of the summation order, so the
 * same data imported in a different order still exports byte-identically.
 */
export function stableNumber(v: number): number {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  const r = Number(v.toPrecision(12));
  return Object.is(r, -0) ? 0 : r;
}

export function stableNullable(v: number | null): number | null {
  return v === null ? null : stableNumber(v);
}
