import type { CampaignTime } from '../../contract/campaignTime';
import { campaignExists } from '../campaigns/campaignStore';
import type { Db } from '../store/database';
import { openDatabase } from '../store/database';
import { listResults, type ResultListRow } from '../results/resultListStore';
import { readCampaignTime } from '../runner/timeBreakdown';
import type { CommandOutput } from './import';
import { terminalField } from './terminalText';

export interface ResultsCommandOptions {
  /** Only this campaign's measurements (reference rows are never part of a campaign). */
  campaign?: string;
  json: boolean;
  dataDir: string;
  /** Include labelled reference rows (default true when no campaign is given). */
  includeReference?: boolean;
}

/** Every row there is, in one go (the CLI is for scripts; the UI pages). */
const CLI_LIMIT = 100_000;

/**
 * `llem-studio results [--campaign ID] [--json] [--data-dir DIR]`. `--json` prints an array of
 * ResultListRow (each has `source`: measured | imported | reference), each row of a campaign with its
 * campaign's `campaign_time` (see withCampaignTime); otherwise a table.
 */
export async function runResultsCommand(options: ResultsCommandOptions): Promise<CommandOutput> {
  const opened = openDatabase(options.dataDir);
  if (!opened.ok) return { exitCode: 1, stdout: '', stderr: `llem-studio results: ${opened.error.message}\n` };
  const db = opened.value;
  try {
    const withReference = options.campaign === undefined && options.includeReference !== false;
    const listed = listResults(db, {
      ...(options.campaign !== undefined ? { campaignId: options.campaign } : {}),
      sources: withReference ? ['measured', 'imported', 'reference'] : ['measured', 'imported'],
      sortBy: 'source',
      sortDir: 'asc',
      limit: CLI_LIMIT,
    });
    if (!listed.ok) return { exitCode: 1, stdout: '', stderr: `llem-studio results: ${listed.error.message}\n` };
    if (options.campaign !== undefined && listed.value.total === 0) {
      if (!campaignExists(db, options.campaign)) return { exitCode: 1, stdout: options.json ? '[]\n' : '', stderr: `llem-studio results: no campaign with id ${options.campaign}\n` };
    }
    const stderr = listed.value.total > CLI_LIMIT ? `llem-studio results: showing the first ${CLI_LIMIT} of ${listed.value.total}\n` : '';
    if (options.json) return { exitCode: 0, stdout: `${JSON.stringify(withCampaignTime(db, listed.value.rows), null, 2)}\n`, stderr };
    return { exitCode: 0, stdout: formatTable(listed.value.rows), stderr };
  } finally {
    db.close();
  }
}

/**
 * Issue #19: how each result's campaign spent its wall time — the share inside llem's measurement windows
 * (core/runner/timeBreakdown.ts, the same figure as the Runs page and the `run` summary). Added as one extra field
 * per row, so scripts that read the array keep working; rows outside a campaign (imports, reference data) get none.
 */
function withCampaignTime(db: Db, rows: ResultListRow[]): (ResultListRow & { campaign_time?: object })[] {
  const byCampaign = new Map<string, CampaignTime>();
  return rows.map((row) => {
    if (!row.campaign_id) return row;
    let time = byCampaign.get(row.campaign_id);
    if (!time) {
      time = readCampaignTime(db, row.campaign_id);
      byCampaign.set(row.campaign_id, time);
    }
    return {
      ...row,
      campaign_time: { measuring_share: time.efficiency, measuring_s: time.measuringS, wall_s: time.wallS, parts_s: time.parts },
    };
  });
}

const COLUMNS: { title: string; value: (r: ResultListRow) => string }[] = [
  { title: 'source', value: (r) => r.source },
  { title: 'model', value: (r) => r.model },
  { title: 'backend', value: (r) => r.backend ?? '' },
  { title: 'precision', value: (r) => r.precision ?? '' },
  { title: 'gpu', value: (r) => r.gpu_name ?? '' },
  { title: 'J/out-token', value: (r) => num(r.avg_energy_per_token_j, 4) },
  { title: 'adj J/out-token', value: (r) => num(r.energy_per_token_adjusted_j, 4) },
  { title: 'out tokens/s', value: (r) => num(r.output_tokens_per_second, 1) },
  { title: 'energy J', value: (r) => num(r.total_energy_j, 2) },
  // Grade A/B/C (docs/quality.md); the caveats are in --json and in the app.
  { title: 'quality', value: (r) => (r.quality_grade === null ? '' : `${r.quality_grade}${r.caveats.length > 0 ? ` (${r.caveats.length} caveat${r.caveats.length === 1 ? '' : 's'})` : ''}`) },
  { title: 'hash', value: (r) => (r.hash_verified === true ? 'ok' : r.hash_verified === false ? 'MISMATCH' : '') },
  { title: 'id / dataset', value: (r) => (r.source === 'reference' ? (r.reference_dataset ?? '') : (r.experiment_id ?? '')) },
];

function formatTable(rows: ResultListRow[]): string {
  if (rows.length === 0) return 'No results yet. Import some with: llem-studio import <path>\n';
  // Every cell is data (model and GPU names, ids, dataset names): shown, never interpreted by the terminal.
  const cells = rows.map((r) => COLUMNS.map((c) => terminalField(c.value(r))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(COLUMNS.map((c) => c.title)), ...cells.map(line)].join('\n')}\n`;
}

function num(v: number | null, digits: number): string {
  return v === null ? '' : v.toFixed(digits);
}
