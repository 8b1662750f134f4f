#!/usr/bin/env node
// More kill -9 trials than CI runs: `node scripts/kill9-trials.mjs [count] [seed]` (default 200 trials, random seed).
// Each trial runs a 4-run campaign in its own process, SIGKILLs it at a random moment or failpoint, resumes it,
// and checks: nothing lost, nothing imported twice, PRAGMA integrity_check ok, no orphan llem processes.
// A failing series prints its seed; pass it back as the second argument to replay it.
import { spawnSync } from 'node:child_process';

const count = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 100000));
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: node scripts/kill9-trials.mjs [count ≥ 1] [seed]');
  process.exit(2);
}
console.log(`kill -9 trials: ${count}, seed ${seed}`);
const run = spawnSync('npx', ['vitest', 'run', 'tests/integration/runner/kill9.test.ts', '-t', 'trials'], {
  stdio: 'inherit',
  env: { ...process.env, KILL9_TRIALS: String(count), KILL9_SEED: String(seed) },
});
process.exit(run.status ?? 1);
