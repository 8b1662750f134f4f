import { err, ok, type Result } from '../../contract/result';

/** Limits for untrusted JSON files. A real llem result is ~15 KB and 5 levels deep. */
export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 32 * 1024 * 1024, maxDepth: 64 };

/**
 * Parses untrusted JSON text into plain data, with errors a user can act on (what and where).
 * Depth is checked on the text first, without recursion, so a hostile file cannot overflow the stack
 * of JSON.parse or of any later recursive walk. `__proto__` keys stay ordinary own properties (that
 * is what JSON.parse does); nothing here assigns by key.
 */
export function parseJsonText(text: string, filePath: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): Result<unknown> {
  if (text.length === 0 || text.trim() === '') return err('invalid_json', `${filePath}: the file is empty`, { path: filePath });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    return err('too_large', `${filePath}: the file is ${formatBytes(bytes)}, more than the ${formatBytes(limits.maxBytes)} accepted`, {
      path: filePath,
    });
  }
  const depth = maxNestingDepth(text);
  if (depth > limits.maxDepth) {
    return err('too_deep', `${filePath}: JSON nested ${depth} levels deep, more than the ${limits.maxDepth} accepted`, {
      path: filePath,
    });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err('invalid_json', `${filePath}: not valid JSON — ${describeJsonError(text, e as Error)}`, { path: filePath });
  }
}

/** Maximum bracket nesting outside strings; an iterative scan, O(length). */
export function maxNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

function describeJsonError(text: string, e: Error): string {
  const bare = findBareNonFinite(text);
  if (bare >= 0) {
    const { line, column } = lineAndColumn(text, bare);
    return `NaN/Infinity at line ${line}, column ${column} (not JSON numbers; llem writes non-finite values as null)`;
  }
  const m = /position (\d+)/.exec(e.message);
  if (m) {
    const pos = Number(m[1]);
    const { line, column } = lineAndColumn(text, pos);
    if (pos >= text.trimEnd().length) return 'the file ends early (truncated?)';
    return `unexpected text at line ${line}, column ${column} near ${JSON.stringify(text.slice(pos, pos + 20))}`;
  }
  if (/end of JSON input|Unterminated/i.test(e.message)) return 'the file ends early (truncated?)';
  return e.message.length > 200 ? `${e.message.slice(0, 200)}…` : e.message;
}

/** Index of the first NaN / Infinity / -Infinity token outside strings, or -1. */
function findBareNonFinite(text: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 78 /* N */ && text.startsWith('NaN', i)) return i;
    else if (c === 73 /* I */ && text.startsWith('Infinity', i)) return text.charCodeAt(i - 1) === 45 ? i - 1 : i;
  }
  return -1;
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Zod-style issue path → `effective_config.pytorch.batch_size` / `measurement_warnings[2]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}
