import CloseIcon from '@mui/icons-material/Close';
import DriveFolderUploadIcon from '@mui/icons-material/DriveFolderUpload';
import UploadFileIcon from '@mui/icons-material/UploadFile';
import { Alert, Box, Button, Collapse, IconButton, LinearProgress, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { useCallback, useRef, useState, type ChangeEvent } from 'react';
import type { ImportReportView } from '../../../../contract/apiResults';
import type { AppError } from '../../../../contract/result';
import { useApi } from '../../api/ApiContext';
import { namesForPicked, uploadFiles, type PickedFile } from './uploadFiles';

export interface Importer {
  busy: boolean;
  progress: { sent: number; total: number } | null;
  report: ImportReportView | null;
  error: AppError | null;
  importFiles: (files: PickedFile[]) => Promise<void>;
  dismiss: () => void;
}

/** One import at a time; `onImported` runs after the core has stored what it could. */
export function useImporter(onImported: () => void): Importer {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [report, setReport] = useState<ImportReportView | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const importFiles = useCallback(
    async (files: PickedFile[]) => {
      if (files.length === 0) return;
      setBusy(true);
      setError(null);
      setReport(null);
      try {
        const result = await uploadFiles(api, files, (sent, total) => setProgress({ sent, total }));
        if (result.ok) setReport(result.value);
        else setError(result.error);
      } catch (e) {
        setError({ code: 'internal', message: `Could not read the files: ${e instanceof Error ? e.message : String(e)}` });
      } finally {
        setBusy(false);
        setProgress(null);
        onImported();
      }
    },
    [api, onImported],
  );
  return { busy, progress, report, error, importFiles, dismiss: () => (setReport(null), setError(null)) };
}

/** "Import files…" and "Import folder…" buttons (the whole page also takes drops). */
export function ImportButtons({ importer }: { importer: Importer }) {
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = ''; // choosing the same files again must fire again
    void importer.importFiles(namesForPicked(files));
  };
  return (
    <>
      <Button variant="contained" size="small" startIcon={<UploadFileIcon />} onClick={() => filesInput.current?.click()} disabled={importer.busy}>
        Import files…
      </Button>
      <Button variant="outlined" size="small" startIcon={<DriveFolderUploadIcon />} onClick={() => folderInput.current?.click()} disabled={importer.busy}>
        Import folder…
      </Button>
      <input ref={filesInput} data-testid="import-files-input" type="file" multiple accept=".json,.parquet,application/json" hidden onChange={onChange} />
      <input
        ref={folderInput}
        data-testid="import-folder-input"
        type="file"
        multiple
        hidden
        onChange={onChange}
        // Not in React's typings; Chromium and Electron support it.
        {...({ webkitdirectory: '' } as Record<string, string>)}
      />
    </>
  );
}

/** Progress while sending, then what was added / duplicate / rejected (with reasons) / ignored. */
export function ImportStatus({ importer }: { importer: Importer }) {
  const [details, setDetails] = useState(false);
  const { progress, report, error } = importer;
  if (progress) {
    const pct = progress.total > 0 ? (100 * progress.sent) / progress.total : 100;
    return (
      <Box sx={{ my: 2 }} role="status" aria-live="polite">
        <Typography variant="body2">Importing… {Math.round(pct)} % sent</Typography>
        <LinearProgress variant="determinate" value={pct} aria-label="Import progress" />
      </Box>
    );
  }
  if (error) {
    return (
      <Alert severity="error" sx={{ my: 2 }} onClose={importer.dismiss} data-testid="import-error">
        {error.message}
      </Alert>
    );
  }
  if (!report) return null;
  const { added, duplicates, rejected, ignored } = report;
  const results = added.filter((a) => a.kind === 'llem_result').length;
  const refRows = added.reduce((n, a) => n + (a.rows ?? 0), 0);
  const severity = rejected.length > 0 ? 'warning' : added.length > 0 ? 'success' : 'info';
  const summary = [
    `${results} result${results === 1 ? '' : 's'} added`,
    refRows > 0 ? `${refRows} reference rows added` : null,
    `${duplicates.length} already stored`,
    `${rejected.length} rejected`,
    ignored.length > 0 ? `${ignored.length} ignored` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Alert
      severity={severity}
      sx={{ my: 2 }}
      data-testid="import-report"
      action={
        <Stack direction="row">
          {(rejected.length > 0 || ignored.length > 0 || added.some((a) => a.notes.length > 0)) && (
            <Button color="inherit" size="small" onClick={() => setDetails(!details)} aria-expanded={details}>
              {details ? 'Hide details' : 'Details'}
            </Button>
          )}
          <IconButton aria-label="Dismiss import report" color="inherit" size="small" onClick={importer.dismiss}>
            <CloseIcon fontSize="small" />
          </IconButton>
        </Stack>
      }
    >
      <Typography variant="body2" data-testid="import-summary">
        {summary}.
      </Typography>
      {rejected.length > 0 && (
        <List dense disablePadding data-testid="import-rejected">
          {rejected.map((r) => (
            <ListItem key={r.path} disableGutters>
              <ListItemText primary={`Rejected ${r.path}`} secondary={r.reason} slotProps={{ secondary: { sx: { wordBreak: 'break-word' } } }} />
            </ListItem>
          ))}
        </List>
      )}
      <Collapse in={details}>
        <List dense disablePadding>
          {added
            .filter((a) => a.notes.length > 0)
            .map((a) => (
              <ListItem key={a.path} disableGutters>
                <ListItemText primary={`Added ${a.path}`} secondary={a.notes.join('; ')} />
              </ListItem>
            ))}
          {ignored.map((i) => (
            <ListItem key={i.path} disableGutters>
              <ListItemText primary={`Ignored ${i.path}`} secondary={i.reason} />
            </ListItem>
          ))}
        </List>
      </Collapse>
    </Alert>
  );
}
