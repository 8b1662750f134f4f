/**
 * The one Content-Security-Policy of the UI, in Electron (app:// protocol) and browser mode (loopback server):
 * only the app's own scripts, no eval, no remote content of any kind, no plugins, no framing.
 * Styles allow 'unsafe-inline' because MUI (emotion) injects <style> elements at run time; scripts do not.
 * `connect-src 'self'` covers the same-origin WebSocket of browser mode (CSP level 3 matches ws: for 'self').
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
