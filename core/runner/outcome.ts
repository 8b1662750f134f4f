import type { FailureReason, RunStatus } from '../../contract/runEvents';
import type { ProcessExit } from '../processes/registry';
import { logMessage } from './logPhases';

/** What the output directory held after llem exited (see resultFile.ts). */
export type ResultLookup =
  | { kind: 'found'; resultPath: string }
  | { kind: 'none' }
  | { kind: 'invalid'; path: string; message: string }
  | { kind: 'several'; paths: string[] };

export interface Outcome {
  status: Exclude<RunStatus, 'queued' | 'running'>;
  failureReason: FailureReason | null;
  message: string | null;
}

const OOM = /(out of memory|OutOfMemoryError|CUDA error: out of memory|No available memory for the cache blocks)/i;
const PREFLIGHT = /(PreFlightError|Pre-flight failed)/;
/** A Python exception line: `Name: message` or `pkg.mod.Name: message`. */
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*(Error|Exception|Interrupt)): ?(.*)$/;

/**
 * Decides a run's outcome from how the process ended and what it left behind (contract §4.4, §4.12 step 4):
 * exit 0 + exactly one readable result.json is the only success. A result that exists is never thrown away,
 * even when a cancel or timeout raced with llem finishing.
 */
export function classifyOutcome(exit: ProcessExit, stderrTail: readonly string[], result: ResultLookup, timeoutSeconds: number): Outcome {
  if (exit.code === 0 && result.kind === 'found') return { status: 'succeeded', failureReason: null, message: null };

  if (exit.stoppedBy === 'cancel') return { status: 'cancelled', failureReason: 'interrupted', message: 'Cancelled; llem was stopped.' };
  if (exit.stoppedBy === 'shutdown') {
    return { status: 'interrupted', failureReason: 'interrupted', message: 'The app stopped while this run was in progress.' };
  }
  if (exit.stoppedBy === 'timeout') {
    return {
      status: 'failed',
      failureReason: 'timeout',
      message: `No result after the app-side timeout of ${formatSeconds(timeoutSeconds)}; llem was stopped.`,
    };
  }
  if (exit.spawnError !== null) return { status: 'failed', failureReason: 'crash', message: `llem could not be started: ${exit.spawnError}` };

  if (exit.code === 0) {
    if (result.kind === 'invalid') return { status: 'failed', failureReason: 'import_error', message: `${result.message} (${result.path})` };
    if (result.kind === 'several') {
      return { status: 'failed', failureReason: 'import_error', message: `Expected one result.json, found ${result.paths.length}: ${result.paths.join(', ')}` };
    }
    return { status: 'failed', failureReason: 'crash', message: 'llem exited with code 0 but wrote no result.json.' };
  }
  const text = stderrTail.join('\n');
  if (exit.code === 2) return { status: 'failed', failureReason: 'config_error', message: configErrorMessage(stderrTail) ?? 'llem rejected the configuration (exit 2).' };
  if (exit.code === 1) {
    if (OOM.test(text)) return { status: 'failed', failureReason: 'out_of_memory', message: exceptionMessage(stderrTail, OOM) ?? 'Out of GPU memory.' };
    if (PREFLIGHT.test(text)) return { status: 'failed', failureReason: 'preflight', message: preflightMessage(stderrTail) };
    return { status: 'failed', failureReason: 'crash', message: exceptionMessage(stderrTail) ?? 'llem failed (exit 1).' };
  }
  if (exit.code === 130) {
    return { status: 'interrupted', failureReason: 'interrupted', message: 'llem was interrupted (SIGINT from outside the app).' };
  }
  if (exit.signal !== null) {
    const hint = exit.signal === 'SIGKILL' ? ' (possibly the system out-of-memory killer)' : '';
    return { status: 'failed', failureReason: 'crash', message: `llem was killed by ${exit.signal}${hint}.` };
  }
  return { status: 'failed', failureReason: 'crash', message: `llem exited with code ${exit.code ?? 'unknown'}${tailHint(stderrTail)}` };
}

function formatSeconds(s: number): string {
  return s >= 120 ? `${Math.round(s / 60)} min` : `${Math.round(s * 10) / 10} s`;
}

function clean(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '');
}

function configErrorMessage(lines: readonly string[]): string | null {
  const all = clean(lines);
  const i = all.findIndex((l) => /^(ConfigError:|Config validation failed)/.test(logMessage(l)));
  if (i < 0) return exceptionMessage(lines);
  // The validation block is the header plus its indented "  loc -> path: message" lines.
  const block = [all[i]!];
  for (const l of all.slice(i + 1)) {
    if (!/^\s/.test(l)) break;
    block.push(l.trim());
  }
  return block.join('\n');
}

function preflightMessage(lines: readonly string[]): string {
  const all = clean(lines);
  const i = all.findIndex((l) => PREFLIGHT.test(l));
  const block = [all[i]!.replace(/^PreFlightError: /, '')];
  for (const l of all.slice(i + 1)) {
    if (!/^\s/.test(l)) break;
    block.push(l.trim());
  }
  return block.join('\n');
}

/** The last Python exception line (optionally one matching `prefer`), e.g. `RuntimeError: boom`. */
function exceptionMessage(lines: readonly string[], prefer?: RegExp): string | null {
  const all = clean(lines).map(logMessage);
  for (let i = all.length - 1; i >= 0; i--) {
    const line = all[i]!;
    if (EXCEPTION_LINE.test(line) && (!prefer || prefer.test(line))) return line;
  }
  if (prefer) {
    for (let i = all.length - 1; i >= 0; i--) if (prefer.test(all[i]!)) return all[i]!;
  }
  return all.length > 0 ? all[all.length - 1]! : null;
}

function tailHint(lines: readonly string[]): string {
  const last = exceptionMessage(lines);
  return last ? `: ${last}` : '.';
}
