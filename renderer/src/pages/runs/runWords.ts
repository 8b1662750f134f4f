import type { FailureReason } from '../../../../contract/runEvents';

export const FAILURE_WORDS: Record<FailureReason, string> = {
  config_error: 'llem rejected the configuration',
  preflight: "llem's pre-flight check failed (no CUDA, a missing backend package, or the model cannot be found)",
  out_of_memory: 'the GPU ran out of memory',
  crash: 'llem crashed',
  timeout: 'the run took longer than its time limit and was stopped',
  interrupted: 'the run was interrupted (the app closed or crashed); it runs again on resume',
  import_error: 'llem finished, but its result could not be read',
};

export const PHASE_WORDS: Record<string, string> = {
  starting: 'starting llem',
  baseline: 'measuring idle power (baseline)',
  loading: 'loading the model',
  warmup: 'warming up',
  thermal: 'waiting for a stable temperature',
  measuring: 'measuring',
  finishing: 'finishing',
};
