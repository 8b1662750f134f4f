import { MAX_UPLOAD_BYTES, MAX_UPLOAD_CHARS_PER_CALL, type ImportReportView } from '../../../../contract/apiResults';
import type { Result } from '../../../../contract/result';
import type { ApiClient } from '../../api/client';

/** A file to send and the relative name it gets in the upload (folders kept: a result finds its timeseries). */
export interface PickedFile {
  name: string;
  file: File;
}

/** Raw bytes per chunk: 3-byte aligned so every chunk is valid base64 on its own, and within one call's budget. */
const CHUNK_BYTES = (MAX_UPLOAD_CHARS_PER_CALL / 4) * 3;
const MAX_FILES_PER_CALL = 1000;

/**
 * Files chosen with the picker: the folder picker gives each its path inside the folder; plain picks
 * have only a base name, and several `result.json` files must not overwrite each other, so each then
 * gets a folder of its own.
 */
export function namesForPicked(files: readonly File[]): PickedFile[] {
  const relative = files.map((f) => f.webkitRelativePath || f.name);
  const clash = new Set(relative).size !== relative.length;
  return files.map((file, i) => ({ file, name: clash ? `${i + 1}/${relative[i]}` : relative[i]! }));
}

/** Everything dropped, with folders walked (Chromium's entries API); falls back to the flat file list. */
export async function collectDropped(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = [...dt.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((e) => e === null)) return namesForPicked([...dt.files]);
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry!, '', out);
  const names = out.map((p) => p.name);
  return new Set(names).size === names.length ? out : namesForPicked(out.map((p) => p.file));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const name = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ name, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches until it returns an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, name, out);
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function newUploadId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Sends the files' bytes to the core in calls below the wire limit (big files in several chunks),
 * then asks it to import them; answers the core's report. Only JSON and parquet files are sent.
 */
export async function uploadFiles(
  api: ApiClient,
  picked: readonly PickedFile[],
  onProgress: (sentBytes: number, totalBytes: number) => void,
): Promise<Result<ImportReportView>> {
  const wanted = picked.filter((p) => /\.(json|parquet)$/i.test(p.name));
  const skipped = picked.filter((p) => !wanted.includes(p)).map((p) => ({ path: p.name, reason: 'not a JSON or parquet file; not sent' }));
  const total = wanted.reduce((n, p) => n + p.file.size, 0);
  if (total > MAX_UPLOAD_BYTES) {
    return { ok: false, error: { code: 'too_large', message: `These files hold ${Math.round(total / 2 ** 20)} MiB; import at most ${MAX_UPLOAD_BYTES / 2 ** 20} MiB at a time.` } };
  }
  const uploadId = newUploadId();
  let batch: { name: string; base64: string; append: boolean }[] = [];
  let batchChars = 0;
  let sent = 0;
  const flush = async (finish: boolean) => {
    const result = await api.call('results.importContent', { uploadId, files: batch, finish });
    batch = [];
    batchChars = 0;
    return result;
  };
  onProgress(0, total);
  for (const p of wanted) {
    const bytes = new Uint8Array(await p.file.arrayBuffer());
    for (let offset = 0; offset < bytes.length || offset === 0; offset += CHUNK_BYTES) {
      const chunk = toBase64(bytes.subarray(offset, offset + CHUNK_BYTES));
      if (batchChars + chunk.length > MAX_UPLOAD_CHARS_PER_CALL || batch.length >= MAX_FILES_PER_CALL) {
        const r = await flush(false);
        if (!r.ok) return r;
      }
      batch.push({ name: p.name, base64: chunk, append: offset > 0 });
      batchChars += chunk.length;
      sent += Math.min(CHUNK_BYTES, bytes.length - offset);
      onProgress(sent, total);
      if (bytes.length === 0) break;
    }
  }
  const done = await flush(true);
  if (!done.ok) return done;
  const report = done.value.report ?? { added: [], duplicates: [], rejected: [], ignored: [] };
  return { ok: true, value: { ...report, ignored: [...report.ignored, ...skipped] } };
}
