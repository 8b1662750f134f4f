import { InvalidArgumentError, type Command } from 'commander';
import { resolveDataDir } from '../dataDir';
import { exportLeaderboard, exportSite, formatBytes, type ExportFormat } from '../export/index';
import { openDatabase } from '../store/database';
import { APP_VERSION } from '../version';
import type { CommandOutput } from './import';

export interface ExportCommandOptions {
  /** `leaderboard` (JSON files) or `site` (static site with the JSON). */
  format: string;
  out: string;
  dataDir: string;
  /** Only these campaigns; default every campaign plus campaign-less imports. */
  campaigns?: string[];
  /** Size budget in bytes (default 10,000,000). */
  maxBytes?: number;
  /** Opt in to paths, host names and campaign names in the files. */
  includePersonalData?: boolean;
  json?: boolean;
  /** Site template folder (tests; default resources/site of this install). */
  siteTemplateDir?: string;
}

const FORMATS: readonly ExportFormat[] = ['leaderboard', 'site'];

/**
 * `llem-studio export --format leaderboard|site --out DIR [--campaign ID]... [--data-dir DIR]
 * [--max-bytes N] [--include-personal-data] [--json]`. Exit 0 written, 1 failed (nothing or only
 * whole files written), 2 usage error.
 */
export async function runExportCommand(options: ExportCommandOptions): Promise<CommandOutput> {
  const fail = (exitCode: number, message: string): CommandOutput => ({ exitCode, stdout: '', stderr: `llem-studio export: ${message}\n` });
  if (!FORMATS.includes(options.format as ExportFormat)) {
    return fail(2, `unknown --format "${options.format}"; use leaderboard or site`);
  }
  if (!options.out || options.out.trim() === '') return fail(2, 'give the output folder with --out DIR');
  if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
    return fail(2, '--max-bytes must be a positive whole number of bytes');
  }
  const opened = openDatabase(options.dataDir);
  if (!opened.ok) return fail(1, opened.error.message);
  const db = opened.value;
  try {
    const exportOptions = {
      outDir: options.out,
      ...(options.campaigns && options.campaigns.length > 0 ? { campaignIds: options.campaigns } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      ...(options.siteTemplateDir !== undefined ? { siteTemplateDir: options.siteTemplateDir } : {}),
      includePersonalData: options.includePersonalData === true,
      generatorVersion: APP_VERSION,
    };
    const result = options.format === 'site' ? exportSite(db, exportOptions) : exportLeaderboard(db, exportOptions);
    if (!result.ok) {
      const issues = result.error.issues?.map((i) => `  ${i.path}: ${i.message}\n`).join('') ?? '';
      return { exitCode: 1, stdout: '', stderr: `llem-studio export: ${result.error.message}\n${issues}` };
    }
    const r = result.value;
    if (options.json) return { exitCode: 0, stdout: `${JSON.stringify(r, null, 2)}\n`, stderr: '' };
    const lines = [
      `Exported ${r.entries} configuration${r.entries === 1 ? '' : 's'} as ${r.format === 'site' ? 'a static site' : 'leaderboard JSON'} to ${r.outDir}`,
      `${r.files} file${r.files === 1 ? '' : 's'}, ${formatBytes(r.totalBytes)}${r.removed.length > 0 ? `; removed ${r.removed.length} stale file(s): ${r.removed.join(', ')}` : ''}`,
      options.includePersonalData ? 'Personal data INCLUDED (paths, host names, campaign names) as requested.' : 'No paths, host names or campaign names included.',
      ...(r.format === 'site' ? [`Open ${r.outDir}/index.html in a browser, or publish the folder (e.g. GitHub Pages).`] : []),
    ];
    return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
  } catch (e) {
    return fail(1, (e as Error).message);
  } finally {
    db.close();
  }
}

/** Collects a repeatable option (`--campaign A --campaign B`). */
export function collectOption(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseBytes(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a number of bytes, e.g. 10000000.');
  return Number(value);
}

/** Adds `export` to the CLI; `emit` writes a command's output and sets the exit code (core/cli/index.ts). */
export function registerExportCommand(program: Command, emit: (output: CommandOutput) => void): void {
  program
    .command('export')
    .description('export results as leaderboard JSON (index + one file per campaign) or as a static leaderboard site')
    .requiredOption('--format <format>', 'leaderboard (JSON files) or site (static site with the JSON)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--campaign <id>', 'only this campaign (repeatable)', collectOption)
    .option('--max-bytes <n>', 'size budget over all files written (default 10000000)', parseBytes)
    .option('--include-personal-data', 'also write source paths, output folders, host names and campaign names')
    .option('--json', 'print the report as JSON')
    .option('--data-dir <dir>', 'data directory (default: LLEM_STUDIO_DATA_DIR or the app data folder)')
    .action(
      async (o: { format: string; out: string; campaign?: string[]; maxBytes?: number; includePersonalData?: boolean; json?: boolean; dataDir?: string }) => {
        emit(
          await runExportCommand({
            format: o.format,
            out: o.out,
            ...(o.campaign ? { campaigns: o.campaign } : {}),
            ...(o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {}),
            includePersonalData: !!o.includePersonalData,
            json: !!o.json,
            dataDir: resolveDataDir(o.dataDir),
          }),
        );
      },
    );
}
