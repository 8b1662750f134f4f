import { Alert, Button, MenuItem, Paper, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '../api/queries';

const TELEMETRY_CHOICES = [
  { value: 'auto', label: 'auto — NVML, else nvidia-smi, else off' },
  { value: 'nvml', label: 'NVML (energy counter and instant power)' },
  { value: 'nvidia-smi', label: 'nvidia-smi (no energy counter)' },
  { value: 'off', label: 'off — keep only llem’s own energy' },
];

/**
 * Which llem the app runs (an executable, or a Python interpreter with llenergymeasure installed) and where GPU
 * telemetry comes from. Saving re-checks llem (app.info, the doctor) through query invalidation.
 */
export function LlemSettingsPanel() {
  const settings = useQuery('settings.llem', {});
  const save = useMutation('settings.setLlem', { invalidates: ['settings.llem', 'settings.doctor', 'app.info'] });
  const [llemPath, setLlemPath] = useState('');
  const [python, setPython] = useState('');
  const [telemetry, setTelemetry] = useState('auto');
  const [saved, setSaved] = useState(false);
  const s = settings.data;
  useEffect(() => {
    if (!s) return;
    setLlemPath(s.llemPath ?? '');
    setPython(s.pythonInterpreter ?? '');
    setTelemetry(s.telemetrySource);
  }, [s]);
  const choices = TELEMETRY_CHOICES.some((c) => c.value === telemetry) ? TELEMETRY_CHOICES : [...TELEMETRY_CHOICES, { value: telemetry, label: telemetry }];
  const fieldError = (field: string) => (save.error?.path === field ? save.error.message : undefined);

  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }} component="section" aria-labelledby="llem-settings-title">
      <Typography variant="h6" component="h2" id="llem-settings-title" gutterBottom>
        llem
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        The llem campaigns run with. Leave both empty to use {s?.envLlemPath ? <code>LLEM_STUDIO_LLEM={s.envLlemPath}</code> : 'the llem on PATH'}. Get it with{' '}
        <code>pip install llenergymeasure</code> (the PyPI release, 0.7.0).
      </Typography>
      <Stack spacing={2} sx={{ maxWidth: 720 }}>
        <TextField
          size="small"
          label="llem executable"
          placeholder="/home/me/.venv/bin/llem"
          value={llemPath}
          onChange={(e) => setLlemPath(e.target.value)}
          error={!!fieldError('llemPath')}
          helperText={fieldError('llemPath') ?? 'Wins over everything else when set.'}
          slotProps={{ htmlInput: { 'data-testid': 'settings-llem-path' } }}
        />
        <TextField
          size="small"
          label="Python interpreter with llenergymeasure"
          placeholder="/home/me/.venv/bin/python"
          value={python}
          onChange={(e) => setPython(e.target.value)}
          error={!!fieldError('pythonInterpreter')}
          helperText={fieldError('pythonInterpreter') ?? 'Used when no executable is set: its llem script, else python -c.'}
          slotProps={{ htmlInput: { 'data-testid': 'settings-python' } }}
        />
        <TextField
          select
          size="small"
          label="Default GPU telemetry source"
          value={telemetry}
          onChange={(e) => setTelemetry(e.target.value)}
          error={!!fieldError('telemetrySource')}
          helperText={fieldError('telemetrySource') ?? (s?.envTelemetry ? `LLEM_STUDIO_TELEMETRY is set to ${s.envTelemetry}; a choice saved here wins over it.` : 'What the app itself samples while a campaign runs.')}
          data-testid="settings-telemetry"
        >
          {choices.map((c) => (
            <MenuItem key={c.value} value={c.value}>
              {c.label}
            </MenuItem>
          ))}
        </TextField>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Button
            variant="outlined"
            disabled={save.pending}
            data-testid="settings-llem-save"
            onClick={() => {
              setSaved(false);
              void save.mutate({ llemPath: llemPath.trim() || null, pythonInterpreter: python.trim() || null, telemetrySource: telemetry }).then((r) => setSaved(r.ok));
            }}
          >
            Save and check again
          </Button>
          {saved && <Typography color="success.main">Saved.</Typography>}
        </Stack>
        {save.error && !save.error.path && <Alert severity="error">{save.error.message}</Alert>}
      </Stack>
    </Paper>
  );
}
