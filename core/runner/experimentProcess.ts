import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { LineSplitter } from '../processes/lineSplitter';
import type { GuardianRuntime } from '../processes/guardian';
import type { ProcessExit, ProcessRegistry } from '../processes/registry';
import type { LlemCommand } from './llemDiscovery';
import { LogPhaseTracker, type PhaseUpdate } from './logPhases';
import type { ResultLookup } from './outcome';
import { findResult, type FoundResult } from './resultFile';

export interface AttemptPaths {
  attemptDir: string;
  /** Absolute; passed to llem verbatim (`--output` is part of llem's hash, contract §4.12). */
  outputDir: string;
  configPath: string;
  stdoutPath: string;
  stderrPath: string;
  /** Empty app-owned working directory; llem litters `./results/study_*` here (§5.1); removed afterwards. */
  scratchDir: string;
}

export interface ExperimentProcessOptions {
  registry: ProcessRegistry;
  registryId: string;
  llem: LlemCommand;
  /** Which guardian runs llem (see core/processes/guardian.ts); default: the registry's. */
  guardian?: GuardianRuntime;
  paths: AttemptPaths;
  env: NodeJS.ProcessEnv;
  /** Points llem's user config at an app-owned folder, so a broken ~/.config/llenergymeasure cannot fail runs. */
  xdgConfigHome?: string | null;
  /** Where llem should run the experiment's engine (see RunnerPin); null leaves llem to decide. */
  runnerPin?: RunnerPin | null;
  timeoutSeconds: number;
  graceMs: number;
  onSpawned?: (pid: number) => void;
  /** llem itself has started (the guardian spawned it): the app's part of starting a run ends here. */
  onLlemStarted?: () => void;
  onPhase?: (update: PhaseUpdate) => void;
  onOutput?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface ExperimentProcessResult {
  exit: ProcessExit;
  stderrTail: string[];
  lookup: ResultLookup;
  found: FoundResult | null;
  durationSeconds: number;
}

const STDERR_TAIL_LINES = 200;

/**
 * `LLEM_RUNNER_<ENGINE>=<mode>`: run the engine on this machine, not in llem's Docker images (the app samples
 * this machine's GPU and owns the process tree). The contract's llem calls that mode `local` (§4.12); the PyPI
 * release renamed it `process` and rejects `local`.
 */
export interface RunnerPin {
  engine: string;
  mode: 'local' | 'process';
}

/** The pin for one experiment config (a PyDict or plain object): PyPI-release configs name an `engine:`. */
export function runnerPinFor(config: unknown): RunnerPin {
  const field = (k: string): unknown => {
    if (!config || typeof config !== 'object') return undefined;
    const get = (config as { get?: (k: string) => unknown }).get;
    return typeof get === 'function' ? get.call(config, k) : (config as Record<string, unknown>)[k];
  };
  const releaseShape = field('serving_mode') !== undefined || field('task') !== undefined;
  if (releaseShape) {
    const engine = field('engine');
    return { engine: typeof engine === 'string' ? engine : 'transformers', mode: 'process' };
  }
  const backend = field('backend');
  return { engine: typeof backend === 'string' ? backend : 'pytorch', mode: 'local' };
}

/** The environment of contract §4.12 on top of the app's. */
export function llemEnvironment(base: NodeJS.ProcessEnv, xdgConfigHome: string | null | undefined, pin: RunnerPin | null | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
  if (xdgConfigHome) env.XDG_CONFIG_HOME = xdgConfigHome;
  if (pin && /^[a-z]+$/.test(pin.engine)) env[`LLEM_RUNNER_${pin.engine.toUpperCase()}`] = pin.mode;
  return env;
}

/** `llem run`'s arguments for one attempt, after the llem command's own (contract §4.12). */
export function llemRunArguments(paths: Pick<AttemptPaths, 'configPath' | 'outputDir'>): string[] {
  return ['run', paths.configPath, '--output', paths.outputDir, '-vv'];
}

/**
 * Runs one llem process for one attempt (contract §4.12): `llem run <cfg> --output <abs dir> -vv` in an empty
 * scratch directory, full stdout/stderr kept in files, stderr parsed for progress, an app-side timeout, and
 * the scratch litter removed afterwards. Never throws for anything llem does; the caller classifies the result.
 */
export async function runExperimentProcess(o: ExperimentProcessOptions): Promise<ExperimentProcessResult> {
  const started = performance.now();
  mkdirSync(o.paths.attemptDir, { recursive: true });
  mkdirSync(o.paths.outputDir, { recursive: true });
  rmSync(o.paths.scratchDir, { recursive: true, force: true });
  mkdirSync(o.paths.scratchDir, { recursive: true });
  if (o.xdgConfigHome) mkdirSync(o.xdgConfigHome, { recursive: true });

  const stdoutFile = createWriteStream(o.paths.stdoutPath, { flags: 'w' });
  const stderrFile = createWriteStream(o.paths.stderrPath, { flags: 'w' });
  stdoutFile.on('error', () => undefined);
  stderrFile.on('error', () => undefined);
  const tail: string[] = [];
  const tracker = new LogPhaseTracker();
  const stdoutLines = new LineSplitter((line) => o.onOutput?.('stdout', line));
  const stderrLines = new LineSplitter((line) => {
    tail.push(line);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
    o.onOutput?.('stderr', line);
    const update = tracker.push(line);
    if (update) o.onPhase?.(update);
  });

  const managed = o.registry.spawn({
    id: o.registryId,
    command: o.llem.command,
    args: [...o.llem.args, ...llemRunArguments(o.paths)],
    cwd: o.paths.scratchDir,
    env: llemEnvironment(o.env, o.xdgConfigHome, o.runnerPin),
    graceMs: o.graceMs,
    guardian: o.guardian,
    onStdout: (chunk) => {
      stdoutFile.write(chunk);
      stdoutLines.push(chunk);
    },
    onStderr: (chunk) => {
      stderrFile.write(chunk);
      stderrLines.push(chunk);
    },
    onTargetSpawned: () => o.onLlemStarted?.(),
  });
  if (managed.pid > 0) o.onSpawned?.(managed.pid);
  const timer = setTimeout(() => void managed.stop('timeout'), o.timeoutSeconds * 1000);
  const exit = await managed.exited;
  clearTimeout(timer);
  stdoutLines.end();
  stderrLines.end();
  await Promise.all([closeStream(stdoutFile), closeStream(stderrFile)]);

  const { lookup, found } = findResult(o.paths.outputDir);
  removeLitter(o.paths.scratchDir);
  return { exit, stderrTail: tail, lookup, found, durationSeconds: (performance.now() - started) / 1000 };
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

/** llem's `./results/study_*` duplicate (no parquet, a manifest stuck at `running` on failure) is not ours to keep. */
export function removeLitter(scratchDir: string): void {
  try {
    rmSync(scratchDir, { recursive: true, force: true });
  } catch {
    // A file still held open (Windows) must not fail the run; the next attempt recreates the folder anyway.
  }
}
