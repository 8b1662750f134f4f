import { Alert, Button, Chip, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import type { SlurmTask } from '../../../../contract/apiSlurm';
import { useApi } from '../../api/ApiContext';

const POLL_MS = 3000;
const STATE_COLOUR = { pending: 'default', running: 'info', succeeded: 'success', failed: 'error', cancelled: 'warning' } as const;
const REASON_WORDS: Record<string, string> = {
  timeout: 'over its time limit',
  out_of_memory: 'out of memory',
  node_failure: 'node failure',
  preempted: 'preempted',
  never_started: 'never started',
  cancelled: 'cancelled',
  config_error: 'config error',
  preflight: 'pre-flight check failed',
  crash: 'crashed',
  interrupted: 'interrupted',
  import_error: 'result not importable',
};

/**
 * Runs page: a SLURM campaign's array tasks — SLURM's state, host and GPU, why a task ended — refreshed every 3 s
 * while the campaign is open; each refresh collects finished tasks into the store, so results appear as tasks
 * finish. Renders nothing for local campaigns.
 */
export function SlurmTasksPanel({ campaignId, onCollected }: { campaignId: string; onCollected: () => void }) {
  const api = useApi();
  const [tasks, setTasks] = useState<SlurmTask[] | null>(null);
  const [where, setWhere] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const lastKey = useRef('');
  // The page's refresh callback may be a new function each render; polling must not restart for that.
  const collected = useRef(onCollected);
  collected.current = onCollected;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setTasks(null);
    lastKey.current = '';
    const poll = async () => {
      const r = await api.call('slurm.tasks', { campaignId });
      if (stopped) return;
      if (!r.ok) setError(r.error.message);
      else if (!r.value.isSlurm) return; // a local campaign: nothing to show, nothing to poll
      else {
        setError(null);
        setTasks(r.value.tasks);
        setWhere(r.value.where);
        setProblems(r.value.problems);
        const key = r.value.tasks.map((t) => `${t.state}:${t.reason}`).join(',');
        if (key !== lastKey.current) {
          lastKey.current = key;
          collected.current();
        }
        if (r.value.tasks.every((t) => t.state !== 'pending' && t.state !== 'running')) return;
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, campaignId]);
  const cancel = async () => {
    const r = await api.call('slurm.cancel', { campaignId });
    if (!r.ok) setError(r.error.message);
  };
  if (!tasks && !error) return null;
  return (
    <Paper variant="outlined" sx={{ mb: 2, overflowX: 'auto' }} data-testid="slurm-tasks">
      <Stack direction="row" sx={{ px: 2, pt: 1.5, alignItems: 'center' }}>
        <Typography variant="subtitle1" sx={{ flexGrow: 1 }}>
          SLURM tasks{where ? ` on ${where}` : ''}
        </Typography>
        {tasks?.some((t) => t.state === 'pending' || t.state === 'running') && (
          <Button size="small" color="warning" onClick={() => void cancel()} data-testid="slurm-cancel">
            Cancel on cluster
          </Button>
        )}
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ px: 2 }}>
        One array task per run, in llem&apos;s order. Whole GPUs only; parallel tasks trade the order&apos;s thermal control for time.
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {problems.map((p) => (
        <Alert key={p} severity="warning">
          {p}
        </Alert>
      ))}
      {tasks && (
        <Table size="small" aria-label="SLURM tasks" data-testid="slurm-tasks-table">
          <TableHead>
            <TableRow>
              <TableCell>Task</TableCell>
              <TableCell>State</TableCell>
              <TableCell>SLURM</TableCell>
              <TableCell>Host</TableCell>
              <TableCell>GPU</TableCell>
              <TableCell>Details</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {tasks.map((t) => (
              <TableRow key={t.index} data-testid={`slurm-task-${t.index}`}>
                <TableCell>{t.jobId ? `${t.jobId}_${t.index}` : t.index}</TableCell>
                <TableCell>
                  <Chip size="small" label={t.reason ? `${t.state}: ${REASON_WORDS[t.reason] ?? t.reason}` : t.state} color={STATE_COLOUR[t.state]} />
                </TableCell>
                <TableCell>{t.slurmState ?? '—'}</TableCell>
                <TableCell>{t.host ?? '—'}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{t.gpuUuid ?? (t.state === 'succeeded' ? 'no GPU sampled' : '—')}</TableCell>
                <TableCell sx={{ maxWidth: 420 }}>{t.state === 'succeeded' ? '' : (t.message ?? '')}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}
