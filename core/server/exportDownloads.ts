import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { CoreContext } from '../coreContext';
import { exportsDir } from '../api/exportHandlers';
import { downloadTicketsOf } from '../export/downloadTickets';
import { planFolderZip, streamZip } from '../export/zipExport';
import type { HttpRoute } from './loopbackServer';

/**
 * `GET /download/export/<ticket>/<name>.zip`: a written export folder as one streamed .zip (browser mode's "Download
 * the site as .zip"). The ticket comes from export.downloadLink over the authenticated WebSocket and is good once, for
 * one export, for a minute (core/export/downloadTickets.ts); the name is cosmetic (the browser's file name).
 */

export const DOWNLOAD_PREFIX = '/download/export/';
const DOWNLOAD_PATH = /^\/download\/export\/([0-9a-f]{64})\/([A-Za-z0-9][A-Za-z0-9._-]{0,150}\.zip)$/;

function answer(res: ServerResponse, status: 404 | 409 | 500, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

export function exportDownloadRoute(ctx: CoreContext): HttpRoute {
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!url.pathname.startsWith(DOWNLOAD_PREFIX)) return false;
    const m = DOWNLOAD_PATH.exec(url.pathname);
    const exportId = m ? downloadTicketsOf(ctx).take(m[1]!) : null;
    if (!m || exportId === null) {
      answer(res, 404, 'This download link is unknown, used or expired. Ask for the download again in the app.');
      return true;
    }
    const planned = planFolderZip(path.join(exportsDir(ctx), exportId));
    if (!planned.ok) {
      answer(res, 409, `The export cannot be zipped: ${planned.error.message}`);
      return true;
    }
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${m[2]}"`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    const zip = streamZip(planned.value);
    // A file that vanished mid-way: the archive is cut off, so the connection is dropped rather than ended cleanly
    // (a browser then reports a failed download instead of saving a broken zip).
    zip.on('error', () => res.destroy());
    res.on('close', () => (zip as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.());
    zip.pipe(res);
    return true;
  };
}
