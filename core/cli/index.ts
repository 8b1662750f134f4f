import { Command, InvalidArgumentError } from 'commander';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../dataDir';
import { APP_VERSION } from '../version';
import { runServeCommand } from './serve';

/** The built UI sits beside the built CLI: out/cli/index.js → out/renderer/. */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return Number(value);
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

  return program;
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
    process.stderr.write(`llem-studio: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

void main(process.argv);
