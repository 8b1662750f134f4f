import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodeFor, formatVerdicts, report, summaryLine, type Verdict } from '../../../bench/_report';
import { describeOutcome, runnerExitCode } from '../../../scripts/benchOutcomes.mjs';

const pass: Verdict = { name: 'import 1,000 files', value: '1.2 s', goal: '≤ 2 s', met: true };
const miss: Verdict = { name: 'aggregate 10,000 runs', value: '250 ms', goal: '≤ 200 ms', met: false };
const info: Verdict = { name: 'cold start', value: '40 ms', goal: '', met: null };

describe('bench/_report.ts: one way to report PASS / MISS', () => {
  const savedExitCode = process.exitCode;
  afterEach(() => {
    process.exitCode = savedExitCode;
    vi.restoreAllMocks();
  });

  it('tags each line PASS, MISS or info, with its goal', () => {
    expect(formatVerdicts([pass, miss, info])).toEqual([
      'PASS  import 1,000 files     1.2 s  (goal ≤ 2 s)',
      'MISS  aggregate 10,000 runs  250 ms  (goal ≤ 200 ms)',
      'info  cold start             40 ms',
    ]);
  });

  it('exit code: 0 when every goal is met, 1 on any MISS, 1 when no goal was measured at all', () => {
    expect(exitCodeFor([pass, info])).toBe(0);
    expect(exitCodeFor([pass, miss, info])).toBe(1);
    expect(exitCodeFor([miss])).toBe(1);
    expect(exitCodeFor([info])).toBe(1);
    expect(exitCodeFor([])).toBe(1);
  });

  it('report prints the lines and a summary, and sets process.exitCode without lowering it', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    process.exitCode = 0;
    expect(report('results store', [pass, info])).toBe(0);
    expect(process.exitCode).toBe(0);
    expect(report('results store', [pass, miss])).toBe(1);
    expect(process.exitCode).toBe(1);
    expect(printed).toContain('MISS  aggregate 10,000 runs  250 ms  (goal ≤ 200 ms)');
    expect(printed).toContain('results store: 1 of 2 goals met — 1 MISS');
    // A benchmark that already said "could not run" (2) keeps that code.
    process.exitCode = 2;
    report('results store', [pass]);
    expect(process.exitCode).toBe(2);
  });

  it('summary line counts only gated verdicts', () => {
    expect(summaryLine('x', [pass, info])).toBe('x: 1 of 1 goals met');
    expect(summaryLine('x', [info])).toBe('x: no goal was measured (MISS)');
  });
});

describe('scripts/bench.mjs: npm run bench exits non-zero on a MISS', () => {
  it('maps each benchmark exit code and fails the run on any MISS, could-not-run or crash', () => {
    expect(describeOutcome({ status: 0, signal: null })).toBe('PASS or skip');
    expect(describeOutcome({ status: 1, signal: null })).toBe('MISS');
    expect(describeOutcome({ status: 2, signal: null })).toBe('could not run');
    expect(describeOutcome({ status: null, signal: 'SIGKILL' })).toBe('failed (SIGKILL)');
    expect(runnerExitCode([{ status: 0 }, { status: 0 }])).toBe(0);
    expect(runnerExitCode([{ status: 0 }, { status: 1 }])).toBe(1);
    expect(runnerExitCode([{ status: 2 }])).toBe(1);
    expect(runnerExitCode([{ status: null }])).toBe(1);
    expect(runnerExitCode([])).toBe(0);
  });
});
