import { Alert, Button, Stack, TextField, Typography, Paper, InputAdornment } from '@mui/material';
import { useEffect, useState } from 'react';
import { GridIntensitySchema } from '../../../contract/apiGrid';
import { useMutation, useQuery } from '../api/queries';

/**
 * Settings → Energy and CO₂e: the grid intensity behind a campaign's CO₂e figure. Empty by default, and then no
 * CO₂e is shown anywhere; the source text is shown next to every figure made with it.
 */
export function GridIntensityPanel() {
  const stored = useQuery('settings.gridIntensity', {});
  const save = useMutation('settings.setGridIntensity', { invalidates: ['settings.gridIntensity'] });
  const [grams, setGrams] = useState('');
  const [source, setSource] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [problems, setProblems] = useState<{ gramsPerKwh?: string; source?: string }>({});
  useEffect(() => {
    setGrams(stored.data ? String(stored.data.gramsPerKwh) : '');
    setSource(stored.data?.source ?? '');
  }, [stored.data]);

  const submit = async () => {
    setSaved(null);
    if (grams.trim() === '' && source.trim() === '') {
      const cleared = await save.mutate({ intensity: null });
      if (cleared.ok) setSaved('Cleared: no CO₂e is shown.');
      setProblems({});
      return;
    }
    const parsed = GridIntensitySchema.safeParse({ gramsPerKwh: grams.trim() === '' ? Number.NaN : Number(grams), source });
    if (!parsed.success) {
      const byField: { gramsPerKwh?: string; source?: string } = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] === 'source' ? 'source' : 'gramsPerKwh';
        byField[field] ??= field === 'gramsPerKwh' && grams.trim() === '' ? 'enter grams of CO₂e per kWh' : issue.message;
      }
      setProblems(byField);
      return;
    }
    setProblems({});
    const result = await save.mutate({ intensity: parsed.data });
    if (result.ok) setSaved('Saved: finished campaigns show their CO₂e with this intensity.');
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }} component="section" aria-labelledby="grid-intensity-title">
      <Typography variant="h6" component="h2" id="grid-intensity-title" gutterBottom>
        Energy and CO₂e
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        A campaign’s CO₂e is its GPU energy times the carbon intensity of the grid it drew from. Leave both fields empty to show no CO₂e. Use a figure
        for your grid and say where it comes from (e.g. “Ember 2024, Germany, annual average”): it is shown next to every CO₂e figure.
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'flex-start' }, maxWidth: 960 }}>
        <TextField
          size="small"
          label="Grid intensity"
          value={grams}
          onChange={(e) => setGrams(e.target.value)}
          error={!!problems.gramsPerKwh}
          helperText={problems.gramsPerKwh ?? 'Grams of CO₂-equivalent per kilowatt-hour.'}
          sx={{ width: { md: 260 } }}
          slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'settings-grid-intensity' }, input: { endAdornment: <InputAdornment position="end">gCO₂e/kWh</InputAdornment> } }}
        />
        <TextField
          size="small"
          label="Source of the figure"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          error={!!problems.source}
          helperText={problems.source ?? 'Shown next to every CO₂e figure.'}
          sx={{ flexGrow: 1 }}
          slotProps={{ htmlInput: { maxLength: 200, 'data-testid': 'settings-grid-source' } }}
        />
        <Button variant="outlined" onClick={() => void submit()} disabled={save.pending} data-testid="settings-grid-save" sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
          Save grid intensity
        </Button>
      </Stack>
      {save.error && (
        <Alert severity="error" sx={{ mt: 2 }}>
          {save.error.message}
        </Alert>
      )}
      {saved && (
        <Alert severity="success" sx={{ mt: 2 }} data-testid="settings-grid-saved" onClose={() => setSaved(null)}>
          {saved}
        </Alert>
      )}
    </Paper>
  );
}
