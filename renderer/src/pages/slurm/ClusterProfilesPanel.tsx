import { Alert, Button, IconButton, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import type { ClusterProfile } from '../../../../contract/apiSlurm';
import { useApi } from '../../api/ApiContext';

const EMPTY: ClusterProfile = { name: '', host: '', sshOptions: [], partition: '', account: '', workDir: '', llemPath: 'llem', maxParallel: 1, gpusPerTask: 1, time: '02:00:00' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** SLURM's time limit in words: a bare number is minutes, else [D-]HH:MM:SS as SLURM reads it. */
function timeLimitText(t: string): string {
  if (/^\d+$/.test(t)) return `${t} min`;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (!m) return t;
  const days = m[1] ? `${m[1]} d ` : '';
  return m[4] !== undefined ? `${days}${m[2]} h ${m[3]} min ${m[4]} s` : m[1] ? `${days}${m[2]} h${m[3] ? ` ${m[3]} min` : ''}` : `${m[2]} min ${m[3] ?? 0} s`;
}

/** Settings: SLURM cluster profiles (login host, partition, account, work dir, llem on the nodes, max parallel). */
export function ClusterProfilesPanel() {
  const api = useApi();
  const [profiles, setProfiles] = useState<ClusterProfile[]>([]);
  const [form, setForm] = useState<ClusterProfile>(EMPTY);
  const [sshOptions, setSshOptions] = useState('');
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  useEffect(() => {
    void api.call('slurm.profiles', {}).then((r) => r.ok && setProfiles(r.value));
  }, [api]);
  const save = async (next: ClusterProfile[]) => {
    const r = await api.call('slurm.saveProfiles', { profiles: next });
    if (!r.ok) {
      const issue = r.error.issues?.[0];
      return setMessage({ severity: 'error', text: issue ? `${issue.path.replace(/^profiles\.\d+\./, '')}: ${issue.message}` : r.error.message });
    }
    setProfiles(r.value);
    setMessage({ severity: 'success', text: 'Saved.' });
    return true;
  };
  const add = async () => {
    const profile = { ...form, sshOptions: sshOptions.split(/\s+/).filter(Boolean) };
    if (await save([...profiles.filter((p) => p.name !== profile.name), profile])) {
      setForm(EMPTY);
      setSshOptions('');
    }
  };
  const field = (key: keyof ClusterProfile, label: string, extra: { number?: boolean; width?: number; placeholder?: string } = {}) => (
    <TextField
      size="small"
      label={label}
      placeholder={extra.placeholder}
      value={String(form[key])}
      type={extra.number ? 'number' : 'text'}
      onChange={(e) => setForm({ ...form, [key]: extra.number ? Number(e.target.value) : e.target.value })}
      sx={{ width: extra.width ?? 180 }}
      slotProps={{ htmlInput: { 'data-testid': `cluster-${key}` } }}
    />
  );
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }} data-testid="cluster-profiles">
      <Typography variant="h6" component="h2" gutterBottom>
        SLURM clusters
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Profiles for &quot;Run on: SLURM cluster&quot; in Design. Leave the host empty to submit with this machine&apos;s sbatch; the work directory must be on a
        filesystem the compute nodes share. Whole GPUs only; see docs/slurm.md.
      </Typography>
      {profiles.length > 0 && (
        <Table size="small" aria-label="Cluster profiles" sx={{ mb: 2 }}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Host</TableCell>
              <TableCell>Partition / account</TableCell>
              <TableCell>Work dir</TableCell>
              <TableCell>llem on nodes</TableCell>
              <TableCell align="right">Max parallel</TableCell>
              <TableCell align="right">GPUs per task</TableCell>
              <TableCell>Time limit</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {profiles.map((p) => (
              <TableRow key={p.name}>
                <TableCell>{p.name}</TableCell>
                <TableCell>{p.host || 'this machine'}</TableCell>
                <TableCell>{[p.partition, p.account].filter(Boolean).join(' / ') || 'defaults'}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{p.workDir}</TableCell>
                <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{p.llemPath}</TableCell>
                <TableCell align="right">{plural(p.maxParallel, 'task')}</TableCell>
                <TableCell align="right">{p.gpusPerTask === 0 ? 'none (CPU only)' : plural(p.gpusPerTask, 'GPU')}</TableCell>
                <TableCell>{timeLimitText(p.time)}</TableCell>
                <TableCell>
                  <IconButton size="small" aria-label={`Remove ${p.name}`} onClick={() => void save(profiles.filter((q) => q !== p))}>
                    ✕
                  </IconButton>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Stack direction="row" useFlexGap spacing={1.5} sx={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
        {field('name', 'Profile name', { width: 160 })}
        {field('host', 'SSH host (empty: here)', { placeholder: 'me@login.cluster.edu', width: 220 })}
        <TextField size="small" label="ssh -o options" placeholder="Port=2222" value={sshOptions} onChange={(e) => setSshOptions(e.target.value)} sx={{ width: 200 }} />
        {field('partition', 'Partition', { width: 130 })}
        {field('account', 'Account', { width: 130 })}
        {field('workDir', 'Work dir on the cluster', { placeholder: '/scratch/me/llem', width: 260 })}
        {field('llemPath', 'llem on the nodes', { width: 260 })}
        {field('maxParallel', 'Max parallel (tasks)', { number: true, width: 150 })}
        {field('gpusPerTask', 'GPUs per task', { number: true, width: 120 })}
        {field('time', 'Time limit', { width: 120 })}
        <Button variant="outlined" onClick={() => void add()} disabled={!form.name.trim() || !form.workDir} data-testid="cluster-save">
          Save profile
        </Button>
      </Stack>
      {message && (
        <Alert severity={message.severity} sx={{ mt: 2 }} onClose={() => setMessage(null)} data-testid="cluster-message">
          {message.text}
        </Alert>
      )}
    </Paper>
  );
}
