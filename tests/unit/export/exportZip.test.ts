import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadTickets, TICKET_TTL_MS } from '../../../core/export/downloadTickets';
import { planFolderZip, streamZip } from '../../../core/export/zipExport';

/**
 * The export folder as a zip (core/export/zipExport.ts): what is refused before a byte is sent (links, oversized
 * folders), that the streamed archive is a real zip of the files, and the one-time download tickets
 * (core/export/downloadTickets.ts). The browser download itself: tests/e2e/siteZip.spec.ts.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'llem-zip-'));
  mkdirSync(path.join(dir, 'data', 'campaigns'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(dir, 'data', 'index.json'), '{"a":1}');
  writeFileSync(path.join(dir, 'data', 'campaigns', 'c.json'), JSON.stringify({ x: 'y'.repeat(5000) }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('planFolderZip / streamZip', () => {
  it('lists every regular file with its "/" path and streams a zip that names them', async () => {
    const plan = planFolderZip(dir);
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.files.map((f) => f.rel)).toEqual(['data/campaigns/c.json', 'data/index.json', 'index.html']);
    expect(plan.value.totalBytes).toBe(plan.value.files.reduce((n, f) => n + f.bytes, 0));
    const zip = await collect(streamZip(plan.value));
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304'); // local file header
    expect(zip.subarray(-22, -18).toString('hex')).toBe('504b0506'); // end of central directory
    for (const f of plan.value.files) expect(zip.includes(Buffer.from(f.rel))).toBe(true);
    expect(zip.length).toBeLessThan(plan.value.totalBytes); // compressed (the 5 kB run of "y" shrinks)
  });

  it('refuses a folder over the size bound, one holding a link, and a missing one, before streaming anything', () => {
    expect(planFolderZip(dir, 100)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    symlinkSync('/etc/passwd', path.join(dir, 'data', 'leak.json'));
    expect(planFolderZip(dir)).toMatchObject({ ok: false, error: { code: 'not_a_file' } });
    expect(planFolderZip(path.join(dir, 'nope'))).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('a file removed after planning ends the stream with an error, not a silently short zip', async () => {
    const plan = planFolderZip(dir);
    if (!plan.ok) throw new Error(plan.error.message);
    rmSync(path.join(dir, 'index.html'));
    await expect(collect(streamZip(plan.value))).rejects.toThrow();
  });
});

describe('DownloadTickets', () => {
  it('a ticket is 256 random bits, good once, for its export, until it expires', () => {
    let now = 1_000;
    const tickets = new DownloadTickets(() => now);
    const a = tickets.issue('export-a');
    const b = tickets.issue('export-b');
    expect(a.ticket).toMatch(/^[0-9a-f]{64}$/);
    expect(a.ticket).not.toBe(b.ticket);
    expect(tickets.take(a.ticket)).toBe('export-a');
    expect(tickets.take(a.ticket)).toBeNull(); // used
    expect(tickets.take('f'.repeat(64))).toBeNull(); // unknown
    now += TICKET_TTL_MS;
    expect(tickets.take(b.ticket)).toBeNull(); // expired
  });
});
