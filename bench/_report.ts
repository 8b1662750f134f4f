import os from 'node:os';

/**
 * The one way every benchmark reports (issue #18): a header saying where it was measured, then one line per figure,
 * `PASS` / `MISS` against its goal or `info` when it has none, and the process's exit code follows: 1 when any goal is
 * missed, so `npm run bench` (scripts/bench.mjs) exits non-zero on a MISS. A benchmark that cannot run here
 * (no GPU, no fixtures) says why and exits 0 without verdicts (`skip`), or 2 when it should have been able to.
 */
export interface Verdict {
  name: string;
  /** The measurement, with its unit. */
  value: string;
  /** The goal in words ("≤ 1 s"); empty for an information line. */
  goal: string;
  /** null: information only, no goal. */
  met: boolean | null;
}

export type VerdictTag = 'PASS' | 'MISS' | 'info';

export function tagOf(v: Pick<Verdict, 'met'>): VerdictTag {
  return v.met === null ? 'info' : v.met ? 'PASS' : 'MISS';
}

/** The verdict lines, names padded to one column. */
export function formatVerdicts(verdicts: readonly Verdict[]): string[] {
  const width = Math.max(0, ...verdicts.map((v) => v.name.length));
  return verdicts.map((v) => `${tagOf(v)}  ${v.name.padEnd(width)}  ${v.value}${v.goal ? `  (goal ${v.goal})` : ''}`);
}

/** 1 when any verdict is a MISS, else 0. A benchmark without a single goal fails too: it would always "pass". */
export function exitCodeFor(verdicts: readonly Verdict[]): 0 | 1 {
  if (!verdicts.some((v) => v.met !== null)) return 1;
  return verdicts.some((v) => v.met === false) ? 1 : 0;
}

/** One summary line: how many goals were met. */
export function summaryLine(title: string, verdicts: readonly Verdict[]): string {
  const gated = verdicts.filter((v) => v.met !== null);
  const missed = gated.filter((v) => v.met === false).length;
  if (gated.length === 0) return `${title}: no goal was measured (MISS)`;
  return `${title}: ${gated.length - missed} of ${gated.length} goals met${missed > 0 ? ` — ${missed} MISS` : ''}`;
}

/**
 * Prints the header (title, CPU, Node, load), any notes, the verdict lines and the summary, and sets
 * process.exitCode from the verdicts (never lowers one already set, e.g. 2 for "could not run").
 */
export function report(title: string, verdicts: readonly Verdict[], notes: readonly string[] = []): 0 | 1 {
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  console.log(`${title} (${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${load} at the end)`);
  for (const n of notes) console.log(`  ${n}`);
  for (const line of formatVerdicts(verdicts)) console.log(line);
  console.log(summaryLine(title, verdicts));
  const code = exitCodeFor(verdicts);
  process.exitCode = Math.max(Number(process.exitCode ?? 0), code);
  return code;
}

/** For a benchmark that cannot run on this machine (no GPU, no fixtures): says why, no verdicts, exit 0. */
export function skip(title: string, why: string): void {
  console.log(`skip  ${title}: ${why}`);
}
