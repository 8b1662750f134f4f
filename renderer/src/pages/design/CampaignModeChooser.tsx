import { Box, Checkbox, FormControlLabel, MenuItem, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import type { CampaignPlanView } from '../../../../contract/apiCampaign';
import { formatDuration, formatRange } from '../../format';
import { adaptiveSaving, adaptiveSettingsOf, type AdaptiveForm, type CampaignMode } from './adaptivePlan';

/**
 * Grid (every configuration) or Adaptive (an optimizer picks which to run, docs/adaptive.md), and the adaptive
 * search's objectives, constraints, budget and seed, with the saving the plan's estimate predicts.
 */
export function CampaignModeChooser({
  mode,
  onMode,
  form,
  onForm,
  plan,
}: {
  mode: CampaignMode;
  onMode: (mode: CampaignMode) => void;
  form: AdaptiveForm;
  onForm: (form: AdaptiveForm) => void;
  plan: CampaignPlanView | null;
}) {
  const configCount = plan?.configCount ?? 0;
  const checked = adaptiveSettingsOf(form, configCount);
  const problem = (field: keyof AdaptiveForm) => (checked.ok ? undefined : checked.problems.find((p) => p.field === field)?.message);
  const saving = plan && checked.ok ? adaptiveSaving(plan, checked.settings.budget) : null;
  const set = <K extends keyof AdaptiveForm>(key: K, value: AdaptiveForm[K]) => onForm({ ...form, [key]: value });
  const numberField = (key: keyof AdaptiveForm, label: string, unit: string, disabled = false) => (
    <TextField
      size="small"
      label={label}
      value={form[key] as string}
      disabled={disabled}
      onChange={(e) => set(key, e.target.value)}
      error={!!problem(key)}
      helperText={problem(key) ?? unit}
      slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': `adaptive-${key}` } }}
      sx={{ width: 150 }}
    />
  );

  return (
    <Box data-testid="campaign-mode">
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle2" id="campaign-mode-label">
          How to run it
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={mode} onChange={(_e, m: CampaignMode | null) => m && onMode(m)} aria-labelledby="campaign-mode-label">
          <ToggleButton value="grid" data-testid="mode-grid">
            Grid
          </ToggleButton>
          <ToggleButton value="adaptive" data-testid="mode-adaptive">
            Adaptive
          </ToggleButton>
        </ToggleButtonGroup>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {mode === 'grid'
          ? 'Every configuration runs.'
          : 'An optimizer (Optuna) picks one configuration at a time from what the earlier runs measured, to find the energy/speed front with a fraction of the runs.'}
      </Typography>
      {mode === 'adaptive' && (
        <Stack spacing={1.5} sx={{ mt: 1.5 }} data-testid="adaptive-settings">
          {saving && (
            <Typography variant="body2" data-testid="adaptive-saving">
              {form.patienceOn ? 'At most' : 'About'} <strong>{saving.runs}</strong> of {saving.gridRuns} runs ({saving.percent} %) · time{' '}
              <strong>{formatRange(saving.seconds, formatDuration)}</strong> instead of {plan ? formatRange(plan.estimate.totalDurationSeconds, formatDuration) : '—'}
            </Typography>
          )}
          <TextField select size="small" label="Objectives" value={form.second} onChange={(e) => set('second', e.target.value as AdaptiveForm['second'])} slotProps={{ htmlInput: { 'data-testid': 'adaptive-objective' } }}>
            <MenuItem value="throughput">Energy per output token (J/token, lower) vs output throughput (tok/s, higher)</MenuItem>
            <MenuItem value="latency">Energy per output token (J/token, lower) vs latency per request (s, lower)</MenuItem>
            <MenuItem value="none">Energy per output token only (J/token, lower)</MenuItem>
          </TextField>
          <Typography variant="caption" color="text.secondary">
            Constraints (optional): a run over a limit is measured but kept off the front.
          </Typography>
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
            <FormControlLabel
              control={<Checkbox checked={form.latencyLimitOn} onChange={(e) => set('latencyLimitOn', e.target.checked)} />}
              label="p95 latency (time to first token) ≤"
              sx={{ mt: 0.5 }}
            />
            {numberField('latencyLimitMs', 'Limit', 'ms', !form.latencyLimitOn)}
          </Stack>
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
            <FormControlLabel control={<Checkbox checked={form.memoryLimitOn} onChange={(e) => set('memoryLimitOn', e.target.checked)} />} label="Memory fits: peak GPU memory ≤" sx={{ mt: 0.5 }} />
            {numberField('memoryLimitMb', 'Limit', 'MB', !form.memoryLimitOn)}
          </Stack>
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
            {numberField('budget', 'Budget', `runs (of ${configCount} configs)`)}
            {numberField('seed', 'Seed', 'same seed, same runs')}
            <TextField select size="small" label="Sampler" value={form.sampler} onChange={(e) => set('sampler', e.target.value as AdaptiveForm['sampler'])} sx={{ width: 150 }} helperText="TPE suits small budgets">
              <MenuItem value="tpe">TPE</MenuItem>
              <MenuItem value="nsga2">NSGA-II</MenuItem>
              <MenuItem value="random">Random search</MenuItem>
            </TextField>
          </Stack>
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
            <FormControlLabel
              control={<Checkbox checked={form.patienceOn} onChange={(e) => set('patienceOn', e.target.checked)} />}
              label="Stop early when the front has not improved for"
              sx={{ mt: 0.5 }}
            />
            {numberField('patience', 'Runs', 'runs in a row', !form.patienceOn)}
          </Stack>
        </Stack>
      )}
    </Box>
  );
}
