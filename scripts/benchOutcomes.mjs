// How `npm run bench` (scripts/bench.mjs) reads each benchmark's exit code. Every benchmark reports through
// bench/_report.ts: 0 when every goal is met (or it skipped: no GPU here), 1 on a MISS, 2 when it could not run.

/** @param {{ status: number | null, signal: string | null }} o */
export function describeOutcome(o) {
  if (o.status === 0) return 'PASS or skip';
  if (o.status === 1) return 'MISS';
  if (o.status === 2) return 'could not run';
  return `failed (${o.status ?? o.signal})`;
}

/** The runner's own exit code: non-zero when any benchmark missed a goal, could not run, or crashed. @param {{ status: number | null }[]} outcomes */
export function runnerExitCode(outcomes) {
  return outcomes.some((o) => o.status !== 0) ? 1 : 0;
}
