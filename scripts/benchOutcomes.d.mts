export interface BenchOutcome {
  status: number | null;
  signal?: string | null;
}
export function describeOutcome(o: BenchOutcome): string;
export function runnerExitCode(outcomes: readonly Pick<BenchOutcome, 'status'>[]): 0 | 1;
