import { Alert, Button, MenuItem, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import type { ClusterProfile } from '../../../../contract/apiSlurm';
import { useApi } from '../../api/ApiContext';

/**
 * Design's "Run on: this GPU | SLURM cluster". `children` is the local run button; with a cluster chosen, the
 * campaign is submitted as a job array with one of the cluster profiles kept in Settings (docs/slurm.md).
 */
export function RunOnChoice({ campaignId, disabled, onSubmitted, children }: { campaignId: string | null; disabled: boolean; onSubmitted: (campaignId: string) => void; children: ReactNode }) {
  const api = useApi();
  const [target, setTarget] = useState<'local' | 'slurm'>('local');
  const [profiles, setProfiles] = useState<ClusterProfile[] | null>(null);
  const [profile, setProfile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (target !== 'slurm' || profiles) return;
    void api.call('slurm.profiles', {}).then((r) => {
      if (!r.ok) return setError(r.error.message);
      setProfiles(r.value);
      setProfile((p) => p || r.value[0]?.name || '');
    });
  }, [api, target, profiles]);
  const chosen = profiles?.find((p) => p.name === profile);
  const submit = async () => {
    if (!campaignId || !profile) return;
    setBusy(true);
    setError(null);
    const r = await api.call('slurm.submit', { campaignId, profile });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    onSubmitted(r.value.campaignId);
  };
  return (
    <>
      <ToggleButtonGroup size="small" exclusive sx={{ whiteSpace: 'nowrap' }} value={target} onChange={(_e, v: 'local' | 'slurm' | null) => v && setTarget(v)} aria-label="Run on">
        <ToggleButton value="local" data-testid="run-on-local">
          This GPU
        </ToggleButton>
        <ToggleButton value="slurm" data-testid="run-on-slurm">
          SLURM cluster
        </ToggleButton>
      </ToggleButtonGroup>
      {target === 'local' && children}
      {target === 'slurm' && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          {profiles && profiles.length === 0 ? (
            <Typography variant="body2" color="text.secondary" data-testid="slurm-no-profiles">
              No cluster profiles yet: add one in Settings.
            </Typography>
          ) : (
            <TextField select size="small" label="Cluster profile" value={profile} onChange={(e) => setProfile(e.target.value)} sx={{ minWidth: 160 }} slotProps={{ htmlInput: { 'data-testid': 'slurm-profile-select' } }}>
              {(profiles ?? []).map((p) => (
                <MenuItem key={p.name} value={p.name}>
                  {p.name}
                </MenuItem>
              ))}
            </TextField>
          )}
          <Button variant="contained" disabled={disabled || busy || !chosen} onClick={() => void submit()} data-testid="slurm-submit" sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
            {busy ? 'Submitting…' : 'Submit to cluster'}
          </Button>
        </Stack>
      )}
      {target === 'slurm' && chosen && (
        <Typography variant="caption" color="text.secondary" data-testid="slurm-semantics" sx={{ maxWidth: 300, lineHeight: 1.3 }}>
          {chosen.maxParallel === 1
            ? 'One task at a time: llem\'s run order is kept.'
            : `Up to ${chosen.maxParallel} tasks at once on different GPUs: faster, but llem's order no longer controls GPU temperature between runs.`}{' '}
          {chosen.gpusPerTask === 0 ? 'No GPU requested (CPU-only profile).' : `Whole GPUs only (${chosen.gpusPerTask} per task).`} Each result records its host and GPU UUID.
        </Typography>
      )}
      {error && (
        <Alert severity="error" onClose={() => setError(null)} data-testid="slurm-submit-error">
          {error}
        </Alert>
      )}
    </>
  );
}
