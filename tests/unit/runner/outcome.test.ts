import { describe, expect, it } from 'vitest';
import type { ProcessExit } from '../../../core/processes/registry';
import { classifyOutcome, type ResultLookup } from '../../../core/runner/outcome';

const exit = (code: number | null, extra: Partial<ProcessExit> = {}): ProcessExit => ({ code, signal: null, spawnError: null, stoppedBy: null, ...extra });
const found: ResultLookup = { kind: 'found', resultPath: '/o/x/result.json' };
const none: ResultLookup = { kind: 'none' };

describe('run outcome from exit code, stderr and result file (contract §4.4, §4.12)', () => {
  it('success needs exit 0 and exactly one readable result', () => {
    expect(classifyOutcome(exit(0), [], found, 60)).toEqual({ status: 'succeeded', failureReason: null, message: null });
    expect(classifyOutcome(exit(0), [], none, 60)).toMatchObject({ status: 'failed', failureReason: 'crash' });
    expect(classifyOutcome(exit(0), [], { kind: 'invalid', path: '/r.json', message: 'bad' }, 60)).toMatchObject({ status: 'failed', failureReason: 'import_error', message: 'bad (/r.json)' });
    expect(classifyOutcome(exit(0), [], { kind: 'several', paths: ['a', 'b'] }, 60)).toMatchObject({ failureReason: 'import_error' });
  });

  it('a result that llem finished is kept even when a cancel or timeout raced with it', () => {
    expect(classifyOutcome(exit(0, { stoppedBy: 'cancel' }), [], found, 60).status).toBe('succeeded');
    expect(classifyOutcome(exit(0, { stoppedBy: 'timeout' }), [], found, 60).status).toBe('succeeded');
  });

  it('maps exit 2 to config_error with the validation block as message', () => {
    const o = classifyOutcome(exit(2), ['Config validation failed (2 errors):', '  n: Input should be greater than 0', '  precision: bad', 'other'], none, 60);
    expect(o).toEqual({ status: 'failed', failureReason: 'config_error', message: 'Config validation failed (2 errors):\nn: Input should be greater than 0\nprecision: bad' });
    expect(classifyOutcome(exit(2), ["ConfigError: Unknown field 'precison' — did you mean 'precision'?"], none, 60).message).toContain('precison');
  });

  it('maps exit 1 to out_of_memory, preflight or crash', () => {
    expect(classifyOutcome(exit(1), ['Traceback (most recent call last):', 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB'], none, 60)).toMatchObject({
      failureReason: 'out_of_memory',
      message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB',
    });
    expect(classifyOutcome(exit(1), ['PreFlightError: Pre-flight failed: 2 issue(s) found', '  ✗ CUDA not available', '  ✗ model not found'], none, 60)).toEqual({
      status: 'failed',
      failureReason: 'preflight',
      message: 'Pre-flight failed: 2 issue(s) found\n✗ CUDA not available\n✗ model not found',
    });
    expect(classifyOutcome(exit(1), ['Traceback (most recent call last):', '  File "x.py"', 'BackendError: vllm is not installed', ''], none, 60)).toEqual({
      status: 'failed',
      failureReason: 'crash',
      message: 'BackendError: vllm is not installed',
    });
  });

  it('maps 130, signals, timeouts, cancels, shutdowns and spawn errors', () => {
    expect(classifyOutcome(exit(130), ['Interrupted.'], none, 60)).toMatchObject({ status: 'interrupted', failureReason: 'interrupted' });
    expect(classifyOutcome(exit(null, { signal: 'SIGKILL' }), [], none, 60)).toMatchObject({ failureReason: 'crash', message: expect.stringContaining('out-of-memory killer') });
    expect(classifyOutcome(exit(null, { signal: 'SIGSEGV' }), [], none, 60)).toMatchObject({ failureReason: 'crash', message: 'llem was killed by SIGSEGV.' });
    expect(classifyOutcome(exit(130, { stoppedBy: 'timeout' }), [], none, 7200)).toMatchObject({ status: 'failed', failureReason: 'timeout', message: expect.stringContaining('120 min') });
    expect(classifyOutcome(exit(130, { stoppedBy: 'cancel' }), [], none, 60)).toMatchObject({ status: 'cancelled', failureReason: 'interrupted' });
    expect(classifyOutcome(exit(130, { stoppedBy: 'shutdown' }), [], none, 60)).toMatchObject({ status: 'interrupted' });
    expect(classifyOutcome(exit(null, { spawnError: 'spawn llem ENOENT' }), [], none, 60)).toMatchObject({ failureReason: 'crash', message: expect.stringContaining('ENOENT') });
    expect(classifyOutcome(exit(3), ['RuntimeError: odd'], none, 60)).toMatchObject({ failureReason: 'crash', message: 'llem exited with code 3: RuntimeError: odd' });
  });
});
