import type { RunPhase } from '../../contract/runEvents';

/**
 * Turns llem's stderr lines into progress (contract §4.7). llem has no machine-readable progress channel, and
 * its log messages are not a declared interface (§10.3), so this matches message *texts* loosely, ignores the
 * `[logger:line]` part, and never fails: an unknown line is simply not progress.
 */
export interface PhaseUpdate {
  phase: RunPhase;
  /** Prompts done / total, only while measuring. */
  done?: number;
  total?: number;
  message: string;
}

/** `YYYY-MM-DD HH:MM:SS,mmm LEVEL    [a.b:123] message` → message (lines without the prefix pass through). */
const LOG_RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} +[A-Z]+ +\[[^\]]*\] ?(.*)$/;

export function logMessage(line: string): string {
  const m = LOG_RECORD.exec(line);
  return (m ? m[1]! : line).trim();
}

interface Rule {
  test: RegExp;
  phase: RunPhase;
}

const RULES: Rule[] = [
  { test: /^Measuring baseline power\b/i, phase: 'baseline' },
  { test: /^Loading model\b/i, phase: 'loading' },
  { test: /^Running (vLLM )?warmup\b/i, phase: 'warmup' },
  { test: /^Thermal stabilisation\b/i, phase: 'thermal_wait' },
  { test: /^(Measurement complete|vLLM inference complete)\b/i, phase: 'done' },
];

/**
 * The PyPI release (0.7.0) reports steps instead: `[2/9]  Loading  model gpt2  ...` when a step starts and the
 * same line ending in `DONE 2.4s` / `SKIP` when it ends (llenergymeasure/domain/progress.py). Only starts move
 * the phase, except the measurement's end.
 */
const STEP = /^\[\d+\/\d+\]\s+(Measuring|Loading|Warming up|Waiting)\s+(.*?)\s+(\.\.\.|DONE\b.*|SKIP\b.*)$/;
const STEP_RULES: { verb: string; detail: RegExp; phase: RunPhase }[] = [
  { verb: 'Measuring', detail: /^baseline\b/, phase: 'baseline' },
  { verb: 'Loading', detail: /^(model|baseline cache)\b/, phase: 'loading' },
  { verb: 'Warming up', detail: /./, phase: 'warmup' },
  { verb: 'Waiting', detail: /^thermal floor\b/, phase: 'thermal_wait' },
];
const STEP_MEASURE = /^inference \((\d+) prompts\)/;

const START_MEASURING = /^Starting (?:measurement|vLLM offline batch inference): (\d+) prompts\b/i;
const BATCH = /^Batch (\d+)-(\d+): /;

/** Stateful because batch lines carry indices, not the total: the total comes from the "Starting" line. */
export class LogPhaseTracker {
  private total: number | undefined;
  private phase: RunPhase = 'starting';

  get current(): RunPhase {
    return this.phase;
  }

  /** Returns an update when the line moves the run forward, else null. */
  push(line: string): PhaseUpdate | null {
    const message = logMessage(line);
    if (message === '') return null;
    const start = START_MEASURING.exec(message);
    if (start) {
      this.total = Number(start[1]);
      this.phase = 'measuring';
      return { phase: 'measuring', done: 0, total: this.total, message };
    }
    const step = STEP.exec(message);
    if (step) return this.step(step[1]!, step[2]!, step[3]!, message);
    const batch = BATCH.exec(message);
    if (batch) {
      const last = Number(batch[2]);
      this.phase = 'measuring';
      if (this.total === undefined || this.total <= 0) return { phase: 'measuring', message };
      // §4.7: a batch line `a-b` means prompts 0..b are done → fraction (b+1)/n.
      return { phase: 'measuring', done: Math.min(last + 1, this.total), total: this.total, message };
    }
    for (const rule of RULES) {
      if (rule.test.test(message)) {
        this.phase = rule.phase;
        return { phase: rule.phase, message };
      }
    }
    return null;
  }

  private step(verb: string, detail: string, state: string, message: string): PhaseUpdate | null {
    const measure = verb === 'Measuring' ? STEP_MEASURE.exec(detail) : null;
    if (measure) {
      this.total = Number(measure[1]);
      if (state.startsWith('DONE')) {
        this.phase = 'done';
        return { phase: 'done', message };
      }
      if (state !== '...') return null;
      this.phase = 'measuring';
      return { phase: 'measuring', done: 0, total: this.total, message };
    }
    if (state !== '...') return null;
    const rule = STEP_RULES.find((r) => r.verb === verb && r.detail.test(detail));
    if (!rule) return null;
    this.phase = rule.phase;
    return { phase: rule.phase, message };
  }
}
