import DownloadIcon from '@mui/icons-material/Download';
import IosShareIcon from '@mui/icons-material/IosShare';
import {
  Alert,
  Box,
  Button,
  Checkbox,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  Radio,
  RadioGroup,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useMemo, useState } from 'react';
import type { ExportFormatName, ExportPreview, ExportSelection, ExportSources, ExportWritten } from '../../../../contract/apiExport';
import type { AppError } from '../../../../contract/result';
import { useApi } from '../../api/ApiContext';
import { formatBytes } from '../../format';
import { plural } from './format';
import { CampaignScopePicker, CancelCloseButton, DialogButton, SelectionPreview, useCampaignScope, type CampaignScope } from './ResultsDialogParts';
import { useQuery } from '../../api/queries';

const FORMAT_LABELS: Record<ExportFormatName, { label: string; help: string }> = {
  leaderboard: { label: 'Leaderboard JSON', help: 'index.json plus one file per campaign, in the llem-studio-leaderboard 1.0 format.' },
  site: { label: 'Static site', help: 'A page with a sortable table and chart, plus the same JSON; opens from disk or on GitHub Pages.' },
};

/** "campaigns/abc.json" → "leaderboard-campaigns-abc.json": one flat name for a download. */
function downloadName(path: string): string {
  return `leaderboard-${path.replace(/^data\//, '').replace(/\//g, '-')}`;
}

function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The "Export…" button of the Results page and its dialog. `openRequests` opens it from outside (the desktop menu). */
export function ExportButton({ openRequests = 0 }: { openRequests?: number }) {
  return (
    <DialogButton
      label="Export…"
      icon={<IosShareIcon />}
      testId="export-button"
      openRequests={openRequests}
      dialog={(onClose) => <ExportDialog onClose={onClose} />}
    />
  );
}

function ExportDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const sources = useQuery('export.sources', {});
  const [format, setFormat] = useState<ExportFormatName>('leaderboard');
  const campaigns = useCampaignScope();
  const [personal, setPersonal] = useState(false);
  const [writing, setWriting] = useState(false);
  const [written, setWritten] = useState<ExportWritten | null>(null);
  const [writeError, setWriteError] = useState<AppError | null>(null);

  const selection = useMemo(
    (): ExportSelection | null => campaigns.selection && { format, ...campaigns.selection, includePersonalData: personal },
    [format, campaigns.selection, personal],
  );
  const nothing = sources.data !== null && sources.data.campaigns.length === 0 && sources.data.importedResults === 0;
  const preview = useQuery('export.preview', selection && !nothing && !written ? selection : null);

  const write = async () => {
    if (!selection) return;
    setWriting(true);
    setWriteError(null);
    const result = await api.call('export.write', selection);
    setWriting(false);
    if (result.ok) setWritten(result.value);
    else setWriteError(result.error);
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="export-title" aria-describedby="export-description" maxWidth="md" fullWidth data-testid="export-dialog">
      <DialogTitle id="export-title">Export results</DialogTitle>
      <DialogContent>
        <Typography id="export-description" variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Share your measurements as a leaderboard: the same files as <code>llem-studio export</code>, checked against the published schema
          before anything is written. Reference data (ML.ENERGY) is never exported.
        </Typography>
        {sources.loading && <CircularProgress size={20} aria-label="Loading what can be exported" />}
        {sources.error && <Alert severity="error">{sources.error.message}</Alert>}
        {nothing && (
          <Alert severity="info" data-testid="export-empty">
            Nothing to export yet. Run a campaign on the Runs page, or import llem results on this page; their results can then be exported.
          </Alert>
        )}
        {sources.data && !nothing && !written && (
          <ExportForm sources={sources.data} format={format} onFormat={setFormat} campaigns={campaigns} personal={personal} onPersonal={setPersonal} />
        )}
        {!nothing && !written && (
          <SelectionPreview
            idPrefix="export"
            title="Preview"
            selected={!!selection}
            progress={preview.loading && <Typography color="text.secondary">Checking…</Typography>}
            error={preview.error}
          >
            {preview.data && !preview.loading && <PreviewView preview={preview.data} />}
          </SelectionPreview>
        )}
        {writeError && (
          <Alert severity="error" sx={{ mt: 2 }} data-testid="export-error">
            {writeError.message}
          </Alert>
        )}
        {written && <WrittenView written={written} />}
      </DialogContent>
      <DialogActions>
        {/* The Write button goes away once written: Close takes the focus. */}
        <CancelCloseButton done={!!written} onClose={onClose} />
        {!written && (
          <Button
            variant="contained"
            onClick={() => void write()}
            disabled={!selection || !preview.data || preview.loading || preview.data.overBudget || writing}
            data-testid="export-write"
          >
            {writing ? 'Writing…' : 'Write export'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

function ExportForm(props: {
  sources: ExportSources;
  format: ExportFormatName;
  onFormat: (f: ExportFormatName) => void;
  campaigns: CampaignScope;
  personal: boolean;
  onPersonal: (v: boolean) => void;
}) {
  const { sources, format, personal } = props;
  return (
    <Stack spacing={2}>
      <FormControl>
        <FormLabel id="export-format-label">Format</FormLabel>
        <RadioGroup aria-labelledby="export-format-label" value={format} onChange={(e) => props.onFormat(e.target.value as ExportFormatName)}>
          {(Object.keys(FORMAT_LABELS) as ExportFormatName[]).map((f) => (
            <FormControlLabel
              key={f}
              value={f}
              control={<Radio size="small" />}
              label={
                <span>
                  {FORMAT_LABELS[f].label}{' '}
                  <Typography component="span" variant="body2" color="text.secondary">
                    — {FORMAT_LABELS[f].help}
                  </Typography>
                </span>
              }
            />
          ))}
        </RadioGroup>
      </FormControl>
      <CampaignScopePicker sources={sources} value={props.campaigns} idPrefix="export" label="Results" campaignsLabel="Campaigns to export" />
      <FormControl>
        <FormControlLabel
          control={<Checkbox checked={personal} onChange={(e) => props.onPersonal(e.target.checked)} data-testid="export-personal-toggle" />}
          label="Include personal data (source paths, output folders, host names and campaign names)"
        />
        <FormHelperText sx={{ mt: 0 }}>
          Off by default: shared files then name no person and no machine, and a model given as a local path keeps only its last folder name.
        </FormHelperText>
      </FormControl>
    </Stack>
  );
}

function PreviewView({ preview }: { preview: ExportPreview }) {
  const p = preview.personalData;
  return (
    <>
      <Typography data-testid="export-summary" sx={{ mt: 1 }}>
        {plural(preview.entries, 'configuration')} from {plural(preview.results, 'result')}, in {plural(preview.files.length, 'file')} of{' '}
        {formatBytes(preview.totalBytes)} (budget {formatBytes(preview.maxBytes)}).
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Models: {preview.models.join(', ') || '—'} · GPUs: {preview.gpus.join(', ') || '—'}
      </Typography>
      {preview.overBudget && (
        <Alert severity="error" sx={{ mt: 1 }}>
          Over the size budget: nothing would be written. Export fewer campaigns.
        </Alert>
      )}
      <Alert severity={p.included ? 'warning' : 'success'} sx={{ mt: 1 }} data-testid="export-personal">
        {p.included ? (
          <>
            Personal data included: {plural(p.campaignNames.length, 'campaign name')}, {plural(p.hosts.length, 'host name')}
            {p.hosts.length > 0 ? ` (${p.hosts.join(', ')})` : ''}, {plural(p.sourcePaths, 'source path')} and {plural(p.outputDirs, 'output folder')}.
          </>
        ) : (
          <>No personal data: paths, host names and campaign names are left out.</>
        )}
      </Alert>
      <Table size="small" aria-label="Files to be written" sx={{ mt: 1 }} data-testid="export-files">
        <TableHead>
          <TableRow>
            <TableCell>File</TableCell>
            <TableCell align="right">Configurations</TableCell>
            <TableCell align="right">Size</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {preview.files.map((f) => (
            <TableRow key={f.path}>
              <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{f.path}</TableCell>
              <TableCell align="right">{f.entries === null ? '—' : f.entries.toLocaleString('en')}</TableCell>
              <TableCell align="right">{formatBytes(f.bytes)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        Written to a new folder in <code data-testid="export-target">{preview.exportsDir}</code>.
      </Typography>
    </>
  );
}

function WrittenView({ written }: { written: ExportWritten }) {
  const api = useApi();
  const desktop = window.llem?.desktop;
  const [status, setStatus] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const jsonFiles = written.files.filter((f) => f.path.endsWith('.json'));

  const save = async (path: string) => {
    const file = await api.call('export.readFile', { exportId: written.exportId, path });
    if (!file.ok) return setStatus({ severity: 'error', text: file.error.message });
    if (desktop) {
      const saved = await desktop.saveFile({ suggestedName: downloadName(path), kind: 'json', text: file.value.text });
      if (!saved.ok) setStatus({ severity: 'error', text: saved.error.message });
      else if (saved.value) setStatus({ severity: 'success', text: `Saved ${saved.value.path}` });
    } else {
      downloadText(downloadName(path), file.value.text);
      setStatus({ severity: 'success', text: `Downloading ${downloadName(path)} (${formatBytes(file.value.bytes)})` });
    }
  };

  // Browser mode: the whole folder as one .zip, streamed by the serving process through a one-time link.
  const downloadZip = async () => {
    const link = await api.call('export.downloadLink', { exportId: written.exportId });
    if (!link.ok) return setStatus({ severity: 'error', text: link.error.message });
    const a = document.createElement('a');
    a.href = link.value.url;
    a.download = link.value.fileName;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setStatus({
      severity: 'success',
      text: `Downloading ${link.value.fileName}: ${plural(link.value.files, 'file')}, ${formatBytes(link.value.contentBytes)} before compression`,
    });
  };

  return (
    <Box data-testid="export-done">
      <Alert severity="success" sx={{ mb: 2 }}>
        Exported {plural(written.entries, 'configuration')} from {plural(written.results, 'result')}: {plural(written.files.length, 'file')},{' '}
        {formatBytes(written.totalBytes)}, {written.personalData.included ? 'personal data included' : 'no personal data'}.
      </Alert>
      <Typography variant="body2">Folder:</Typography>
      <Typography component="code" data-testid="export-out-dir" sx={{ display: 'block', fontFamily: 'monospace', wordBreak: 'break-all', mb: 1 }}>
        {written.outDir}
      </Typography>
      {written.sitePage && (
        <Typography variant="body2" sx={{ mb: 1 }}>
          Open <code data-testid="export-site-page">{written.sitePage}</code> in a browser, or publish the folder (e.g. GitHub Pages).
        </Typography>
      )}
      {!desktop && (
        <Button variant="contained" size="small" startIcon={<DownloadIcon />} onClick={() => void downloadZip()} data-testid="export-download-zip" sx={{ mt: 1 }}>
          {written.sitePage ? 'Download the site as one .zip' : 'Download all files as one .zip'}
        </Button>
      )}
      <Typography variant="body2" sx={{ mt: 2, mb: 1 }}>
        {desktop ? 'Save a copy of a JSON file elsewhere:' : 'Download the JSON files:'}
      </Typography>
      <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
        {jsonFiles.map((f) => (
          <Button key={f.path} size="small" variant="outlined" startIcon={<DownloadIcon />} onClick={() => void save(f.path)} data-testid="export-download" data-path={f.path}>
            {f.path} ({formatBytes(f.bytes)})
          </Button>
        ))}
      </Stack>
      {status && (
        <Alert severity={status.severity} sx={{ mt: 2 }} role="status">
          {status.text}
        </Alert>
      )}
    </Box>
  );
}
