/**
 * ECharts puts a tooltip formatter's return value into the page as HTML. Model names, GPU names, labels and
 * dataset names come from imported files (issue #15, finding 4: a model name with `<meta http-equiv=refresh>`
 * redirected the tab), so every tooltip formatter is built with `html` — which escapes every interpolated value
 * unless it is itself `html` — and wrapped in `htmlTooltip` (eslint.config.js rejects a `formatter` that is not).
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Markup built by `html`: the only thing `html` interpolates without escaping. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** Template tag: the literal parts are trusted markup; every `${value}` is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += (value instanceof SafeHtml ? value.markup : escapeHtml(value)) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** A tooltip formatter whose markup can only come from `html` (or be empty). */
export function htmlTooltip<P>(format: (params: P) => SafeHtml | ''): (params: P) => string {
  return (params) => String(format(params));
}
