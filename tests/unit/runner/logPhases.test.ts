import { describe, expect, it } from 'vitest';
import { LogPhaseTracker, logMessage } from '../../../core/runner/logPhases';

const rec = (level: string, msg: string) => `2026-03-15 10:00:00,123 ${level.padEnd(8)} [harness.core:42] ${msg}`;

describe('llem -vv log → progress phases (contract §4.7)', () => {
  it('strips the log record prefix and keeps plain lines as they are', () => {
    expect(logMessage(rec('DEBUG', 'Model loaded successfully'))).toBe('Model loaded successfully');
    expect(logMessage('Experiment: gpt2 | pytorch | bf16')).toBe('Experiment: gpt2 | pytorch | bf16');
  });

  it('follows a PyTorch run through every phase with k/n while measuring', () => {
    const t = new LogPhaseTracker();
    const lines = [
      'Experiment: gpt2 | pytorch | bf16 | n=10',
      rec('DEBUG', 'Collecting environment snapshot (background thread)'),
      rec('DEBUG', 'Measuring baseline power (30s)...'),
      rec('DEBUG', 'Baseline power measured: 35.9W (300 samples over 30.0s)'),
      rec('INFO', "Loading model 'gpt2' with kwargs: ['torch_dtype']"),
      rec('DEBUG', 'Model loaded successfully'),
      rec('DEBUG', 'Running warmup: 5 fixed iterations (convergence_detection=False)'),
      rec('INFO', 'Warmup completed 5 fixed iterations (final CV=0.012)'),
      rec('DEBUG', 'Thermal stabilisation: waiting 60s...'),
      rec('INFO', 'Starting measurement: 10 prompts, batch_size=4, max_new_tokens=128'),
      rec('DEBUG', 'Batch 0-3: in=1024 out=512 tokens in 1.2s'),
      rec('DEBUG', 'Batch 4-7: in=1024 out=512 tokens in 1.2s'),
      rec('DEBUG', 'Batch 8-9: in=512 out=256 tokens in 0.6s'),
      rec('DEBUG', 'Measurement complete: 10 prompts'),
      rec('DEBUG', 'Memory: model=500MB'),
    ];
    const updates = lines.map((l) => t.push(l)).filter((u) => u !== null);
    expect(updates.map((u) => [u.phase, u.done ?? null])).toEqual([
      ['baseline', null],
      ['loading', null],
      ['warmup', null],
      ['thermal_wait', null],
      ['measuring', 0],
      ['measuring', 4],
      ['measuring', 8],
      ['measuring', 10],
      ['done', null],
    ]);
    expect(updates.find((u) => u.done === 8)?.total).toBe(10);
    expect(t.current).toBe('done');
  });

  it('recognises the vLLM wording', () => {
    const t = new LogPhaseTracker();
    expect(t.push(rec('INFO', "Loading model 'x' with vllm.LLM (kwargs: [])"))?.phase).toBe('loading');
    expect(t.push(rec('DEBUG', 'Running vLLM warmup (1 prompt, 1 token)...'))?.phase).toBe('warmup');
    expect(t.push(rec('INFO', 'Starting vLLM offline batch inference: 50 prompts, max_tokens=64'))).toMatchObject({ phase: 'measuring', done: 0, total: 50 });
    expect(t.push(rec('DEBUG', 'vLLM inference complete: 50 prompts'))?.phase).toBe('done');
  });

  it('ignores everything else, including progress-bar rewrites and garbage, without throwing', () => {
    const t = new LogPhaseTracker();
    for (const l of ['Processed prompts:  12%|█▏  | 6/50', '', '\u0000\uffff', 'x'.repeat(10000), rec('WARNING', 'Warmup did not converge')]) {
      expect(t.push(l)).toBeNull();
    }
    expect(t.current).toBe('starting');
  });

  it('a batch line before the Starting line has no k/n (no total known) but still means measuring', () => {
    const t = new LogPhaseTracker();
    expect(t.push(rec('DEBUG', 'Batch 0-3: in=1 out=1 tokens in 1s'))).toEqual({ phase: 'measuring', message: 'Batch 0-3: in=1 out=1 tokens in 1s' });
  });

  it("follows llem 0.7.0's step lines (the PyPI release), as that release prints them", () => {
    // Lines as the real llenergymeasure 0.7.0 wrote them to stderr (the baseline and floor details are its
    // format strings in harness/lifecycle.py, filled in).
    const lines = [
      'Experiment: model | transformers | float32 | n_prompts=4 ',
      '     [1/5]  Checking         environment and Docker              ...  ',
      '     [1/5]  Checking         environment and Docker             DONE  0.0s',
      '     [1/9]  Measuring        baseline idle power (5s)            ...  ',
      '     [1/9]  Measuring        baseline idle power (5s)           DONE  5.0s',
      '     [2/9]  Loading          model /tmp/m9/model                 ...  ',
      '     [2/9]  Loading          model /tmp/m9/model                DONE  2.4s',
      '     [3/9]  Loading          prompts (4 aienergyscore)           ...  ',
      '     [4/9]  Warming up       up to 20 prompts                    ...  ',
      '     [4/9]  Warming up       0 iterations (converged)           DONE  0.0s',
      '     [5/9]  Waiting          thermal floor (30s)                 ...  ',
      '     [6/9]  Selecting        energy sampler                      ...  ',
      '     [7/9]  Measuring        inference (4 prompts)               ...  ',
      '     [7/9]  Measuring        inference (4 prompts)              DONE  3.6s',
      '     [9/9]  Saving           writing results                     ...  ',
    ];
    const t = new LogPhaseTracker();
    const updates = lines.map((l) => t.push(l)).filter((u) => u !== null);
    expect(updates.map((u) => [u.phase, u.done ?? null, u.total ?? null])).toEqual([
      ['baseline', null, null],
      ['loading', null, null],
      ['warmup', null, null],
      ['thermal_wait', null, null],
      ['measuring', 0, 4],
      ['done', null, null],
    ]);
    // A skipped baseline is no baseline phase.
    expect(new LogPhaseTracker().push('     [1/9]  Measuring        disabled                           SKIP  ')).toBeNull();
  });
});
