/**
 * Text from data (model names, ids, paths, llem's messages, a platform's error text) must never reach a terminal
 * as control sequences (issue #15, finding 9: `llem-studio results` printed model names with raw escapes, which
 * can rewrite the screen, set the window title or hide text). Every printer in core/cli passes data through here.
 *
 * Controls are shown, not dropped, so the user sees that the data holds them: ESC becomes `\u001b` (the JSON
 * spelling, so JSON shown on a terminal stays valid JSON).
 * Replaced: C0 controls (but \n and \t in whole messages), DEL, C1 controls (U+0080–U+009F: 0x9B is CSI),
 * and the bidirectional overrides/isolates and line separators that reorder or split what is shown.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- the same, keeping line feeds and tabs
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One value in a line or table cell: every control shown as an escape, newlines and tabs included. */
export function terminalField(value: string | number | null | undefined): string {
  return String(value ?? '').replace(UNSAFE_IN_FIELD, visible);
}

/** A whole message (several lines allowed): controls shown as escapes, but \n and \t kept. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, visible);
}
