import type { AdaptiveCliFlags } from '../adaptive/cliAdaptive';
import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../dataDir';
import { APP_VERSION } from '../version';
import { runDoctorCommand } from './doctor';
import { registerExportCommand } from './export';
import { registerPushCommand } from './push';
import { runImportCommand } from './import';
import { runPlanCommand } from './plan';
import { openLearnedPhases } from '../runner/phaseHistoryStore';
import { detectInstalledProfile } from '../runner/llemProfileProbe';
import { profileIdsInWords } from '../../contract/llem/profiles';
import { runResultsCommand } from './results';
import { runRunCommand } from './run';
import { runServeCommand } from './serve';
import { terminalText } from './terminalText';
import { registerSlurmCommand } from './slurm';

/** The built UI sits beside the built CLI: out/cli/index.js → out/renderer/. */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return Number(value);
}

function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return n;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('llem-studio')
    .description('llem Studio: design, run, store, compare and share LLM inference energy measurements made with llem.')
    .version(APP_VERSION, '-V, --version', 'print the llem Studio version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('serve')
    .description('serve the app in a browser on 127.0.0.1 (token-protected), for headless GPU servers reached over SSH')
    .option('--port <n>', 'port to listen on; 0 picks a free one', parsePort, 0)
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .action(async (opts: { port: number; dataDir?: string }) => {
      process.exitCode = await runServeCommand({ dataDir: resolveDataDir(opts.dataDir), port: opts.port, rendererDir: RENDERER_DIR });
    });

  program
    .command('plan')
    .description('expand, validate, hash and order a llem study file exactly as llem would, with an estimate')
    .argument('<study.yaml>', 'llem study or experiment file (.yaml, .yml or .json)')
    .option('--json', 'print one JSON object (study_design_hash, skipped, warnings, runs in execution order)')
    .option('--llem-profile <name>', `llem version profile: ${profileIdsInWords()} (default: the installed llem's, by what it accepts; head when none is found)`)
    .option('--llem <path>', 'the llem executable whose profile to use (default: LLEM_STUDIO_LLEM or PATH)')
    .option('--data-dir <dir>', 'data directory whose recent campaigns on this host the estimate learns from (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .action(async (file: string, opts: { json?: boolean; llemProfile?: string; llem?: string; dataDir?: string }) => {
      const learned = openLearnedPhases(resolveDataDir(opts.dataDir));
      try {
        emit(
          await runPlanCommand(
            { file, json: !!opts.json, llemProfile: opts.llemProfile },
            { detectInstalledProfile: () => detectInstalledProfile({ configuredPath: opts.llem ?? null }), ...(learned ? { learnedPhases: learned.lookup } : {}) },
          ),
        );
      } finally {
        learned?.close();
      }
    });

  program
    .command('run')
    .description('run a llem study on this GPU, one llem process per experiment, with live telemetry; run again to resume')
    .argument('<study.yaml>', 'llem study or experiment file')
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .option('--llem <path>', 'llem executable (default: LLEM_STUDIO_LLEM, else PATH)')
    .option('--python <path>', 'a Python interpreter that has llenergymeasure installed (used when no llem path is given)')
    .option('--telemetry <source>', 'nvml | nvidia-smi | off | auto | replay:<file>', 'auto')
    .option('--timeout <seconds>', 'app-side time limit per run (default: from the estimate)', parsePositiveNumber)
    .option('--new', 'start the study as a new campaign instead of resuming the earlier one')
    .option('--retry-failed', 'also run again the runs that failed before')
    .option('--adaptive', 'search for the Pareto front instead of running the whole grid (Optuna, in llem\'s venv)')
    .option('--budget <runs>', 'adaptive: at most this many runs', parsePositiveNumber)
    .option('--objective <metrics>', 'adaptive: one or two of energy,throughput,latency,ttft,ttft_p95,itl_p99', 'energy,throughput')
    .option('--constraint <metric<=limit...>', 'adaptive: e.g. ttft_p95<=250 (repeatable)')
    .option('--patience <runs>', 'adaptive: stop when the front has not changed for this many runs', parsePositiveNumber)
    .option('--seed <n>', 'adaptive: seed of the search (same seed, same proposals)', parsePositiveNumber)
    .option('--sampler <name>', 'adaptive: tpe | nsga2 | random', 'tpe')
    .option('--optimizer-python <path>', 'adaptive: the Python with Optuna (default: beside llem, else .cache/llem-venv)')
    .action(
      async (
        studyFile: string,
        opts: { dataDir?: string; llem?: string; python?: string; telemetry: string; timeout?: number; new?: boolean; retryFailed?: boolean } & AdaptiveCliFlags,
      ) => {
        const { exitCode } = await runRunCommand({
          studyFile,
          dataDir: resolveDataDir(opts.dataDir),
          llem: opts.llem,
          python: opts.python,
          telemetry: opts.telemetry,
          runTimeoutSeconds: opts.timeout,
          newCampaign: !!opts.new,
          retryFailed: !!opts.retryFailed,
          adaptive: opts.adaptive ? opts : undefined,
        });
        process.exitCode = exitCode;
      },
    );

  program
    .command('doctor')
    .description('check llem, its GPU/backends/energy setup and the app\'s own GPU telemetry, with a fix for each problem')
    .option('--llem <path>', 'llem executable (default: LLEM_STUDIO_LLEM, else PATH)')
    .option('--python <path>', 'a Python interpreter that has llenergymeasure installed')
    .option('--json', 'print the findings as JSON')
    .action(async (opts: { llem?: string; python?: string; json?: boolean }) => {
      emit(await runDoctorCommand({ configuredPath: opts.llem ?? null, pythonInterpreter: opts.python ?? null, json: !!opts.json }));
    });

  program
    .command('import')
    .description('import llem result files (result.json + timeseries.parquet), folders or whole study trees')
    .argument('<path...>', 'result.json files or folders (searched recursively)')
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], opts: { dataDir?: string; json?: boolean }) => {
      emit(await runImportCommand({ paths, dataDir: resolveDataDir(opts.dataDir), json: !!opts.json }));
    });

  program
    .command('results')
    .description('list stored results (own measurements, imports and labelled reference data)')
    .option('--campaign <id>', 'only this campaign')
    .option('--json', 'print a JSON array')
    .option('--no-reference', 'leave out reference (ML.ENERGY) rows')
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .action(async (opts: { campaign?: string; json?: boolean; reference: boolean; dataDir?: string }) => {
      emit(
        await runResultsCommand({
          campaign: opts.campaign,
          json: !!opts.json,
          dataDir: resolveDataDir(opts.dataDir),
          includeReference: opts.reference,
        }),
      );
    });

  registerExportCommand(program, emit);
  registerPushCommand(program, emit);
  registerSlurmCommand(program, emit);

  return program;
}

/** Commands return their output as data (testable without a process); this is where it meets the terminal. */
function emit(result: { exitCode: number; stdout: string; stderr: string }): void {
  // Messages (stderr) always, and anything shown on a terminal, have their control characters made visible
  // (printers already do so per field); stdout piped elsewhere keeps its exact bytes (e.g. push --dry-run's body).
  if (result.stdout) process.stdout.write(process.stdout.isTTY ? terminalText(result.stdout) : result.stdout);
  if (result.stderr) process.stderr.write(terminalText(result.stderr));
  process.exitCode = result.exitCode;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    // commander already printed help/version/usage errors; anything else is ours to report.
    if (typeof code === 'number') {
      process.exitCode = code === 1 && (e as { code?: string }).code?.startsWith('commander.') ? 2 : code;
      return;
    }
    process.stderr.write(terminalText(`llem-studio: ${(e as Error).message}\n`));
    process.exitCode = 1;
  }
}

void main(process.argv);
