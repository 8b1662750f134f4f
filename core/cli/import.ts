import { openDatabase } from '../store/database';
import { importPaths } from '../results/importPaths';
import type { ImportReport } from '../results/importTypes';
import { terminalField } from './terminalText';

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ImportCommandOptions {
  paths: string[];
  dataDir: string;
  /** Print the report as JSON instead of lines. */
  json?: boolean;
}

/**
 * `llem-studio import <path>... [--data-dir DIR] [--json]`: imports llem result.json files, folders
 * of them (study trees) and ML.ENERGY leaderboard data. Exit 0 when nothing was rejected, 1 when
 * some file was rejected (everything importable was still stored), 2 on a usage error.
 */
export async function runImportCommand(options: ImportCommandOptions): Promise<CommandOutput> {
  if (options.paths.length === 0) {
    return { exitCode: 2, stdout: '', stderr: 'llem-studio import: give at least one file or folder to import\n' };
  }
  const opened = openDatabase(options.dataDir);
  if (!opened.ok) return { exitCode: 1, stdout: '', stderr: `llem-studio import: ${opened.error.message}\n` };
  const db = opened.value;
  try {
    const report = await importPaths(db, options.paths);
    const exitCode = report.rejected.length > 0 ? 1 : 0;
    const stderr = report.rejected.length > 0 ? `llem-studio import: ${report.rejected.length} file(s) rejected (see above)\n` : '';
    if (options.json) return { exitCode, stdout: `${JSON.stringify(report, null, 2)}\n`, stderr };
    return { exitCode, stdout: formatReport(report), stderr };
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `llem-studio import: ${(e as Error).message}\n` };
  } finally {
    db.close();
  }
}

export function formatReport(r: ImportReport): string {
  const lines: string[] = [];
  for (const a of r.added) {
    const what =
      a.kind === 'llem_result'
        ? `llem result #${a.resultId}, config hash ${a.hashVerified === true ? 'verified' : a.hashVerified === false ? 'MISMATCH' : 'not checked'}`
        : `${a.rows ?? 0} reference rows → ${a.datasetLabel}`;
    lines.push(`added      ${terminalField(a.path)} (${terminalField(what)})`);
    for (const note of a.notes) lines.push(`           note: ${terminalField(note)}`);
  }
  for (const d of r.duplicates) {
    const what = d.resultId !== undefined ? `already stored as result #${d.resultId}` : 'already imported';
    lines.push(`duplicate  ${terminalField(d.path)} (${what}${d.matchedBy === 'natural_key' ? ', same result re-saved' : ''})`);
  }
  for (const x of r.rejected) {
    lines.push(`rejected   ${terminalField(x.path)}: ${terminalField(x.reason.startsWith(x.path) ? x.reason.slice(x.path.length).replace(/^:\s*/, '') : x.reason)}`);
  }
  lines.push(
    `${r.added.length} added, ${r.duplicates.length} duplicate${r.duplicates.length === 1 ? '' : 's'}, ${r.rejected.length} rejected` +
      (r.ignored.length > 0 ? `, ${r.ignored.length} other file(s) ignored` : ''),
  );
  return `${lines.join('\n')}\n`;
}
