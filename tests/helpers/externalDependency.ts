/**
 * Tests that need something from outside the repo (Chromium, a Python venv with the real llem, ../shared data)
 * skip on a user's machine when it is missing, printing why. In CI (`CI=true`) a missing part is a failure,
 * so CI always runs everything.
 */
export function missingDependency(what: string, reason: string | null): boolean {
  if (reason === null) return false;
  const message = `${what} unavailable: ${reason}`;
  if (process.env.CI === 'true') {
    throw new Error(`${message} — CI=true, so this is a failure, not a skip.`);
  }
  console.warn(`SKIP: ${message}`);
  return true;
}
