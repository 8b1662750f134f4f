import CloudUploadIcon from '@mui/icons-material/CloudUpload';
import NetworkCheckIcon from '@mui/icons-material/NetworkCheck';
import {
  Alert,
  AlertTitle,
  Box,
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import type { MethodResult } from '../../../../contract/api';
import type { ConnectionTest, PushSubmissionView, PushSubmitted, PushTarget } from '../../../../contract/apiPush';
import type { AppError } from '../../../../contract/result';
import { useApi } from '../../api/ApiContext';
import { formatBytes } from '../../format';
import { plural } from './format';
import { CampaignScopePicker, CancelCloseButton, DialogButton, SelectionPreview, useCampaignScope } from './ResultsDialogParts';
import { useQuery } from '../../api/queries';

/**
 * The "Push…" button of the Results page and its dialog: what pushing sends, a preview of exactly that body and
 * where it would go, an explicit "Send N results to <host>", the platform's answer, and the confirmed pushes so far.
 * The same push as `llem-studio push` (docs/push.md); the URL and token come from the Settings page.
 */

const focusRing = { '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 2 } };

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function PushButton() {
  return (
    <DialogButton label="Push…" icon={<CloudUploadIcon />} testId="push-button" dialog={(onClose) => <PushDialog onClose={onClose} />} />
  );
}

function PushDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const sources = useQuery('export.sources', {});
  const campaigns = useCampaignScope();
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<PushSubmitted | null>(null);
  const [sendError, setSendError] = useState<AppError | null>(null);
  const [testing, setTesting] = useState(false);
  const [connection, setConnection] = useState<{ result: ConnectionTest } | { error: AppError } | null>(null);

  const selection = campaigns.selection;
  const preview = useQuery('push.preview', selection && !sent ? selection : null);
  const history = useQuery('push.history', {});
  // Where the push goes stays on screen while the selection is changed (the preview is asked again then).
  const [target, setTarget] = useState<PushTarget | null>(null);
  useEffect(() => {
    if (preview.data) setTarget(preview.data.target);
  }, [preview.data]);
  const submission = preview.data?.submission ?? null;
  const canSend = !!target?.ready && !!submission && !submission.overBudget && !preview.loading && !sending && !sent;
  const groups = (sources.data?.campaigns.length ?? 0) + ((sources.data?.importedResults ?? 0) > 0 ? 1 : 0);

  const send = async () => {
    if (!selection || !submission) return;
    setSending(true);
    setSendError(null);
    const result = await api.call('push.submit', { ...selection, expectKey: submission.idempotencyKey });
    setSending(false);
    if (result.ok) setSent(result.value);
    else setSendError(result.error);
    preview.refetch();
    history.refetch();
  };

  // The answer of a send or a test appears above the preview; bring it into view when the dialog was scrolled down to Send.
  const answer = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sendError || sent || connection) answer.current?.scrollIntoView?.({ block: 'nearest' });
  }, [sendError, sent, connection]);

  const testConnection = async () => {
    setTesting(true);
    setConnection(null);
    const result = await api.call('push.testConnection', {});
    setTesting(false);
    setConnection(result.ok ? { result: result.value } : { error: result.error });
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="push-title" aria-describedby="push-description" maxWidth="md" fullWidth data-testid="push-dialog">
      <DialogTitle id="push-title">Push results to the platform</DialogTitle>
      <DialogContent>
        <Typography id="push-description" variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Pushing sends your results to the sharing platform&apos;s ingest API as leaderboard entries: one per configuration, summarised over its
          cycles (energy, latency, throughput, GPU, workload), with their provenance (this app&apos;s version and the llem versions). It never sends
          paths, host names or campaign names, and never the ML.ENERGY reference data. Nothing leaves this machine until you press Send.
        </Typography>

        {target && <TargetView target={target} onTest={() => void testConnection()} testing={testing} disabled={sending} />}

        {/* What happened to a test or a push comes before the preview: a long preview must not push it out of sight. */}
        <Box ref={answer} sx={{ scrollMarginTop: 8 }}>
          {connection && <ConnectionResult connection={connection} />}
          {sending && (
            <Alert severity="info" icon={<CircularProgress size={18} />} sx={{ mt: 2 }} role="status">
              Sending to {target?.host}… A busy platform or a network error is retried for a while; the answer appears here.
            </Alert>
          )}
          {sendError && (
            <Alert severity="error" sx={{ mt: 2 }} data-testid="push-error">
              <AlertTitle>Not pushed</AlertTitle>
              {sendError.message}
              {sendError.issues && sendError.issues.length > 0 && (
                <Box component="ul" sx={{ m: 0, mt: 1, pl: 3 }} data-testid="push-error-issues">
                  {sendError.issues.map((i, n) => (
                    <li key={n}>
                      <code>{i.path}</code>: {i.message}
                    </li>
                  ))}
                </Box>
              )}
            </Alert>
          )}
          {sent && (
            <Alert severity="success" sx={{ mt: 2 }} data-testid="push-done" role="status">
              <AlertTitle>{sent.status === 'created' ? `Accepted by ${sent.host}` : `Already on ${sent.host}`}</AlertTitle>
              {sent.status === 'created'
                ? `${plural(sent.entries, 'entry', 'entries')} (${formatBytes(sent.bytes)}) stored as submission `
                : `The platform already had exactly these ${plural(sent.entries, 'entry', 'entries')}; nothing changed. Submission `}
              <code data-testid="push-submission-id">{sent.submissionId}</code>
              {sent.attempts > 1 ? ` (after ${sent.attempts} attempts).` : '.'}
            </Alert>
          )}
        </Box>

        {sources.error && <Alert severity="error">{sources.error.message}</Alert>}
        {sources.data && groups > 1 && !sent && (
          <CampaignScopePicker
            sources={sources.data}
            value={campaigns}
            idPrefix="push"
            label="Results to push"
            campaignsLabel="Campaigns to push"
            sx={{ mt: 1 }}
            disabled={sending}
          />
        )}

        {!sent && (
          <SelectionPreview
            idPrefix="push"
            title="What would be sent"
            selected={!!selection}
            progress={preview.loading && !preview.data && <CircularProgress size={20} aria-label="Preparing the preview" />}
            error={preview.error}
          >
            {preview.data?.empty && (
              <Alert severity="info" data-testid="push-empty">
                {preview.data.empty} Run a campaign on the Runs page, or import llem results on this page; they can then be pushed.
              </Alert>
            )}
            {submission && <SubmissionView submission={submission} />}
          </SelectionPreview>
        )}

        <HistoryView history={history.data} error={history.error} />
      </DialogContent>
      <DialogActions>
        {/* The Send button goes away once the platform has answered yes: Close takes the focus. */}
        <CancelCloseButton done={!!sent} onClose={onClose} />
        {!sent && (
          <Button variant="contained" startIcon={<CloudUploadIcon />} onClick={() => void send()} disabled={!canSend} data-testid="push-send">
            {sending
              ? `Sending to ${target?.host ?? 'the platform'}…`
              : submission && target?.host
                ? `Send ${plural(submission.results, 'result')} to ${target.host}`
                : 'Send'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

function TestConnectionButton({ onTest, testing, disabled }: { onTest: () => void; testing: boolean; disabled: boolean }) {
  return (
    <Button
      size="small"
      variant="outlined"
      color="inherit"
      onClick={onTest}
      disabled={testing || disabled}
      startIcon={testing ? <CircularProgress size={14} /> : <NetworkCheckIcon />}
      data-testid="push-test-connection"
      sx={{ flexShrink: 0 }}
    >
      {testing ? 'Testing…' : 'Test connection'}
    </Button>
  );
}

function TargetView({ target, onTest, testing, disabled }: { target: PushTarget; onTest: () => void; testing: boolean; disabled: boolean }) {
  // A URL without a token can still be tested (is it the right URL?); no URL cannot.
  const testable = target.endpoint !== null && target.problemCode !== 'token_store_error';
  if (!target.ready) {
    return (
      <Alert
        severity="warning"
        data-testid="push-not-configured"
        action={
          <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', justifyContent: 'flex-end' }}>
            {testable && <TestConnectionButton onTest={onTest} testing={testing} disabled={disabled} />}
            <Button color="inherit" size="small" href="#/settings" data-testid="push-open-settings">
              Open Settings
            </Button>
          </Box>
        }
      >
        <AlertTitle>{target.problemCode === 'no_token' ? 'No token for this platform' : 'No platform set up'}</AlertTitle>
        {target.problem}
      </Alert>
    );
  }
  return (
    <Box data-testid="push-target" sx={{ mb: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="body2" sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
          To: <code data-testid="push-endpoint">{target.endpoint}</code>
        </Typography>
        {testable && <TestConnectionButton onTest={onTest} testing={testing} disabled={disabled} />}
      </Box>
      <Typography variant="body2" color="text.secondary">
        Token: {target.tokenSource === 'env' ? 'from the LLEM_STUDIO_TOKEN environment variable' : `the one stored for this platform, kept in ${target.tokenStore}`}. It is sent
        only in the Authorization header and never shown.
      </Typography>
    </Box>
  );
}

const CHECK_MARK: Record<ConnectionTest['checks'][number]['outcome'], string> = { passed: '✓', failed: '✗', unknown: '?' };

/** The connection test's verdict and what it checked, one line per check; the request it made, for the curious. */
function ConnectionResult({ connection }: { connection: { result: ConnectionTest } | { error: AppError } }) {
  if ('error' in connection) {
    return (
      <Alert severity="error" sx={{ mt: 1 }} data-testid="push-connection">
        {connection.error.message}
      </Alert>
    );
  }
  const r = connection.result;
  return (
    <Alert severity={r.ok ? 'success' : 'error'} sx={{ mt: 1 }} data-testid="push-connection" data-ok={r.ok} role="status">
      <AlertTitle>{r.ok ? 'Connection works' : 'Connection test failed'}</AlertTitle>
      {r.message}
      <Box component="ul" sx={{ m: 0, mt: 1, pl: 0, listStyle: 'none' }} aria-label="What the test checked">
        {r.checks.map((c) => (
          <li key={c.id} data-testid={`push-check-${c.id}`} data-outcome={c.outcome}>
            <span aria-hidden="true">{CHECK_MARK[c.outcome]}</span> {c.label}: {c.outcome === 'passed' ? '' : `${c.outcome} — `}
            {c.detail}
          </li>
        ))}
      </Box>
      <Typography variant="caption" component="p" sx={{ mt: 1 }}>
        Checked with one POST to {r.request.url}
        {r.request.withToken ? ' with the token' : ' without a token'} and a body that is not a submission (<code>{r.request.body}</code>)
        {r.httpStatus !== null ? `; answer HTTP ${r.httpStatus}` : ''} in {r.elapsedMs.toLocaleString('en')} ms. Nothing is submitted or recorded.
      </Typography>
    </Alert>
  );
}

function SubmissionView({ submission: s }: { submission: PushSubmissionView }) {
  const [showBody, setShowBody] = useState(false);
  const from = [
    ...s.campaigns.map((c) => `${c.name} (${plural(c.results, 'result')})`),
    ...(s.importedResults > 0 ? [`${plural(s.importedResults, 'result')} imported outside a campaign`] : []),
  ];
  return (
    <>
      <Typography data-testid="push-summary" sx={{ mt: 1 }}>
        {plural(s.entries, 'entry', 'entries')} (configurations) summarising {plural(s.results, 'result')}, {formatBytes(s.bytes)} of JSON.
      </Typography>
      <Typography variant="body2" color="text.secondary">
        From: {from.join('; ') || '—'} <i>(campaign names stay on this machine)</i>
      </Typography>
      <Typography variant="body2" color="text.secondary">
        Models: {s.models.join(', ') || '—'} · GPUs: {s.gpus.join(', ') || '—'}
      </Typography>
      {s.overBudget && (
        <Alert severity="error" sx={{ mt: 1 }}>
          The submission is {formatBytes(s.bytes)}, over the {formatBytes(s.maxBytes)} one push may send. Choose fewer campaigns.
        </Alert>
      )}
      <Table size="small" aria-label="Provenance and request details" sx={{ mt: 1 }} data-testid="push-provenance">
        <TableBody>
          <TableRow>
            <TableCell component="th" scope="row">
              Format
            </TableCell>
            <TableCell>
              {s.format} {s.formatVersion} (leaderboard format {s.leaderboardFormatVersion})
            </TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row">
              Generator
            </TableCell>
            <TableCell data-testid="push-generator">
              {s.provenance.generator.name} {s.provenance.generator.version}
            </TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row">
              llem versions
            </TableCell>
            <TableCell>{s.provenance.llem_versions.join(', ') || '—'}</TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row">
              Personal data
            </TableCell>
            <TableCell data-testid="push-personal-data">{s.provenance.personal_data} (no paths, host names or campaign names)</TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row">
              Idempotency-Key
            </TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="push-key">
              {s.idempotencyKey}
            </TableCell>
          </TableRow>
        </TableBody>
      </Table>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.5 }}>
        The key is the SHA-256 of the body: pushing the same results again is recognised by the platform as a duplicate and changes nothing.
      </Typography>
      {s.body !== null ? (
        <>
          <Button size="small" onClick={() => setShowBody((v) => !v)} aria-expanded={showBody} aria-controls="push-body" sx={{ mt: 1 }} data-testid="push-show-body">
            {showBody ? 'Hide the exact JSON' : 'Show the exact JSON that would be sent'}
          </Button>
          {showBody && (
            <Box
              component="pre"
              id="push-body"
              tabIndex={0}
              aria-label="The JSON body that would be sent"
              data-testid="push-body"
              sx={{ maxHeight: 240, overflow: 'auto', fontSize: 12, p: 1, m: 0, mt: 1, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all', ...focusRing }}
            >
              {s.body}
            </Box>
          )}
        </>
      ) : (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          The body is over {formatBytes(s.bodyShownUpTo)}, too long to show here; <code>llem-studio push --dry-run</code> prints it byte for byte.
        </Typography>
      )}
    </>
  );
}

function HistoryView({ history, error }: { history: MethodResult<'push.history'> | null; error: AppError | null }) {
  return (
    <Box sx={{ mt: 3 }} data-testid="push-history">
      <Typography variant="subtitle1" component="h3">
        Confirmed pushes
      </Typography>
      {error && <Alert severity="error">{error.message}</Alert>}
      {history && history.total === 0 && (
        <Typography variant="body2" color="text.secondary" data-testid="push-history-empty">
          None yet. A push is listed here once the platform has confirmed it.
        </Typography>
      )}
      {history && history.total > 0 && (
        <>
          <Table size="small" aria-label="Confirmed pushes, newest first">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Platform</TableCell>
                <TableCell align="right">Entries</TableCell>
                <TableCell align="right">Size</TableCell>
                <TableCell>Submission</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {history.submissions.map((h) => (
                <TableRow key={h.pushId} data-testid="push-history-row">
                  <TableCell>
                    {when(h.firstAcceptedAt)}
                    {h.lastAcceptedAt !== h.firstAcceptedAt && (
                      <Typography component="span" variant="body2" color="text.secondary">
                        {` (again ${when(h.lastAcceptedAt)})`}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{h.host}</TableCell>
                  <TableCell align="right">{h.entries.toLocaleString('en')}</TableCell>
                  <TableCell align="right">{formatBytes(h.bytes)}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace' }}>
                    {h.submissionId}
                    {h.status === 'duplicate' ? ' (duplicate)' : ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {history.total > history.submissions.length && (
            <Typography variant="caption" color="text.secondary">
              The newest {history.submissions.length} of {history.total}.
            </Typography>
          )}
        </>
      )}
    </Box>
  );
}
