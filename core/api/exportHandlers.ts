import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ExportFileView, ExportPreview, exportApiMethods } from '../../contract/apiExport';
import { err, ok, type Result } from '../../contract/result';
import { countImportedResults, listCampaignsWithResults } from '../campaigns/campaignStore';
import type { CoreContext } from '../coreContext';
import { DEFAULT_MAX_BYTES, planExport, writePlannedExport, type PlannedExport } from '../export/index';
import { downloadTicketsOf, TICKET_TTL_MS } from '../export/downloadTickets';
import { planFolderZip } from '../export/zipExport';
import type { MethodHandlers } from './dispatcher';

/** Folder of the app's exports inside the data directory. */
export const EXPORTS_DIR = 'exports';

type Selection = { format: 'leaderboard' | 'site'; campaignIds?: string[]; includeImported?: boolean; includePersonalData: boolean };

export function exportsDir(ctx: CoreContext): string {
  return path.join(ctx.dataDir, EXPORTS_DIR);
}

function plan(ctx: CoreContext, s: Selection): Result<PlannedExport> {
  return planExport(ctx.db, s.format, {
    ...(s.campaignIds !== undefined ? { campaignIds: s.campaignIds } : {}),
    ...(s.campaignIds !== undefined && s.includeImported !== undefined ? { includeImported: s.includeImported } : {}),
    includePersonalData: s.includePersonalData,
    generatorVersion: ctx.appVersion,
  });
}

function fileKind(p: PlannedExport, file: string): ExportFileView['kind'] {
  if (file === p.indexPath) return 'index';
  const base = p.indexPath === 'index.json' ? '' : p.indexPath.slice(0, -'index.json'.length);
  return p.entriesFiles.some((f) => `${base}${f.path}` === file) ? 'entries' : 'site';
}

function preview(ctx: CoreContext, p: PlannedExport, includePersonalData: boolean): ExportPreview {
  const base = p.indexPath === 'index.json' ? '' : p.indexPath.slice(0, -'index.json'.length);
  const entriesByPath = new Map(p.entriesFiles.map((f) => [`${base}${f.path}`, f.content.entries.length]));
  const allEntries = p.entriesFiles.flatMap((f) => f.content.entries);
  const distinct = (xs: string[]) => [...new Set(xs)].sort();
  return {
    format: p.format,
    entries: p.index.total_entries,
    results: allEntries.reduce((n, e) => n + e.cycles, 0),
    models: p.index.models,
    gpus: p.index.gpus,
    files: p.files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.text, 'utf8'), kind: fileKind(p, f.path), entries: entriesByPath.get(f.path) ?? null })),
    totalBytes: p.totalBytes,
    maxBytes: DEFAULT_MAX_BYTES,
    overBudget: p.totalBytes > DEFAULT_MAX_BYTES,
    personalData: {
      included: includePersonalData,
      campaignNames: distinct(p.entriesFiles.flatMap((f) => (f.content.group.campaign_name ? [f.content.group.campaign_name] : []))),
      hosts: distinct(allEntries.flatMap((e) => e.private_provenance?.hosts ?? [])),
      sourcePaths: distinct(allEntries.flatMap((e) => e.private_provenance?.source_paths ?? [])).length,
      outputDirs: distinct(allEntries.flatMap((e) => e.private_provenance?.output_dirs ?? [])).length,
    },
    exportsDir: exportsDir(ctx),
  };
}

/** A new folder name: the UTC time to the second and the format, with a counter when that exists already. */
function newExportId(root: string, format: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  for (let n = 1; ; n++) {
    const id = `${stamp}-${format}${n === 1 ? '' : `-${n}`}`;
    if (!existsSync(path.join(root, id))) return id;
  }
}

/** `root/id/rel`, refusing anything that resolves (through links too) outside `root/id`. */
function resolveInside(root: string, id: string, rel: string): Result<string> {
  const folder = path.join(root, id);
  const target = path.join(folder, ...rel.split('/'));
  const notFound = err('not_found', `The export ${id} has no file ${rel}.`, { path: rel });
  try {
    if (!existsSync(target) || !statSync(target).isFile()) return notFound;
    const realFolder = realpathSync(folder);
    const realTarget = realpathSync(target);
    if (!realTarget.startsWith(realFolder + path.sep)) return notFound;
    const realRoot = realpathSync(root);
    if (!realFolder.startsWith(realRoot + path.sep)) return notFound;
    return ok(realTarget);
  } catch {
    return notFound;
  }
}

/** Largest file export.readFile sends back (the export's own size budget). */
const MAX_READ_BYTES = DEFAULT_MAX_BYTES;

/** Handlers of contract/apiExport.ts. */
export function createExportHandlers(ctx: CoreContext, now: () => Date = () => new Date()): Pick<MethodHandlers, keyof typeof exportApiMethods> {
  return {
    'export.sources': async () => {
      try {
        return ok({ campaigns: listCampaignsWithResults(ctx.db), importedResults: countImportedResults(ctx.db), exportsDir: exportsDir(ctx) });
      } catch (e) {
        return err('db_error', `Could not list what can be exported: ${(e as Error).message}`);
      }
    },

    'export.preview': async (selection) => {
      const planned = plan(ctx, selection);
      if (!planned.ok) return planned;
      return ok(preview(ctx, planned.value, selection.includePersonalData));
    },

    'export.write': async (selection) => {
      const planned = plan(ctx, selection);
      if (!planned.ok) return planned;
      const root = exportsDir(ctx);
      try {
        mkdirSync(root, { recursive: true });
      } catch (e) {
        return err('io_error', `Could not create ${root}: ${(e as Error).message}`, { path: root });
      }
      const exportId = newExportId(root, selection.format, now());
      const outDir = path.join(root, exportId);
      const written = writePlannedExport(planned.value, outDir);
      if (!written.ok) return written;
      return ok({
        ...preview(ctx, planned.value, selection.includePersonalData),
        exportId,
        outDir: written.value.outDir,
        sitePage: selection.format === 'site' ? path.join(written.value.outDir, 'index.html') : null,
      });
    },

    'export.downloadLink': async ({ exportId }) => {
      if (ctx.mode !== 'browser') return err('not_available', 'A zip download is for browser mode; the desktop app has the export folder itself.');
      const folder = path.join(exportsDir(ctx), exportId);
      // Checked now as well as when the link is used: a missing or oversized folder is reported here, in the dialog.
      const planned = planFolderZip(folder);
      if (!planned.ok) return planned;
      const fileName = `llem-studio-${exportId}.zip`;
      const { ticket } = downloadTicketsOf(ctx).issue(exportId);
      return ok({
        url: `/download/export/${ticket}/${fileName}`,
        fileName,
        files: planned.value.files.length,
        contentBytes: planned.value.totalBytes,
        expiresInS: Math.round(TICKET_TTL_MS / 1000),
      });
    },

    'export.readFile': async ({ exportId, path: rel }) => {
      const resolved = resolveInside(exportsDir(ctx), exportId, rel);
      if (!resolved.ok) return resolved;
      const bytes = statSync(resolved.value).size;
      if (bytes > MAX_READ_BYTES) return err('too_large', `${rel} is larger than ${MAX_READ_BYTES} bytes; open it from ${path.join(exportsDir(ctx), exportId)}.`, { path: rel });
      return ok({ exportId, path: rel, text: readFileSync(resolved.value, 'utf8'), bytes });
    },
  };
}
