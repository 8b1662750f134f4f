/**
 * Removes credentials from text that came back from a platform before it is logged, stored or shown (issue #15,
 * finding 7: a platform that echoed the Authorization header in its error body had the token printed on stderr,
 * stored in push_attempts.message and sent to the UI). Removes the known secrets verbatim (and URL-encoded),
 * anything after "Bearer"/"Basic", and the value of anything named like a token, key, password or secret.
 */
export const REDACTED = '[redacted]';

const SCHEME_CREDENTIAL = /\b(Bearer|Basic|Token)(\s+|%20|\+)([A-Za-z0-9\-._~+/=%]{4,})/gi;
const NAMED_CREDENTIAL =
  /(["']?\b(?:authorization|access[_-]?token|refresh[_-]?token|id[_-]?token|token|api[_-]?key|apikey|secret|client[_-]?secret|password|passwd)\b["']?\s*[:=]\s*["']?)([^\s"',;&}]{4,})/gi;

/** A credential, not a word of prose ("bearer token", "password: required"): long and not only letters. */
function looksLikeCredential(value: string): boolean {
  return value.length >= 8 && /[0-9\-._~+/=%]/.test(value);
}

export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(REDACTED);
  }
  out = out.replace(SCHEME_CREDENTIAL, (m, scheme: string, _space: string, value: string) => (looksLikeCredential(value) ? `${scheme} ${REDACTED}` : m));
  out = out.replace(NAMED_CREDENTIAL, (m, name: string, value: string) => (looksLikeCredential(value) && !value.startsWith(REDACTED) ? `${name}${REDACTED}` : m));
  return out;
}
