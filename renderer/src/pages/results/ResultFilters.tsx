import { FormControlLabel, MenuItem, Stack, Switch, TextField, Tooltip, Typography } from '@mui/material';
import type { ReferenceDatasetView } from '../../../../contract/apiResults';

/** Read by screen readers, not shown. */
const visuallyHidden = { border: 0, clip: 'rect(0 0 0 0)', height: '1px', margin: '-1px', overflow: 'hidden', padding: 0, position: 'absolute', whiteSpace: 'nowrap', width: '1px' } as const;

export interface FilterState {
  model: string;
  gpuName: string;
  backend: string;
  precision: string;
}

export const NO_FILTER: FilterState = { model: '', gpuName: '', backend: '', precision: '' };

/** Only the fields that are set: the API treats an absent field as "any". */
export function filterParams(f: FilterState): Partial<FilterState> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()])) as Partial<FilterState>;
}

interface Props {
  filter: FilterState;
  onFilter: (f: FilterState) => void;
  backends: string[];
  precisions: string[];
  overlay: boolean;
  onOverlay: (on: boolean) => void;
  datasets: ReferenceDatasetView[];
}

/** The filter the grid and every chart share, and the reference-data overlay switch. */
export function ResultFilters({ filter, onFilter, backends, precisions, overlay, onOverlay, datasets }: Props) {
  const set = (k: keyof FilterState) => (e: { target: { value: string } }) => onFilter({ ...filter, [k]: e.target.value });
  const options = (values: string[], current: string) => [...new Set([...values, ...(current ? [current] : [])])].sort();
  const refRows = datasets.reduce((n, d) => n + d.rowCount, 0);
  const referenceHelp =
    datasets.length > 0
      ? `Published measurements, always labelled and never mixed with yours: ${datasets.map((d) => `${d.label} (${d.rowCount} rows)`).join('; ')}`
      : 'No reference data stored, so this switch is off. Import the ML.ENERGY leaderboard data files (index.json and tasks/*.json) to compare with published measurements.';
  return (
    <Stack direction="row" spacing={1.5} sx={{ flexWrap: 'wrap', rowGap: 1.5, alignItems: 'center', my: 2 }} role="search" aria-label="Filter results">
      <TextField size="small" label="Model contains" value={filter.model} onChange={set('model')} sx={{ width: 200 }} />
      <TextField size="small" label="GPU contains" value={filter.gpuName} onChange={set('gpuName')} sx={{ width: 170 }} />
      <TextField select size="small" label="Backend" value={filter.backend} onChange={set('backend')} sx={{ width: 130 }}>
        <MenuItem value="">any</MenuItem>
        {options(backends, filter.backend).map((b) => (
          <MenuItem key={b} value={b}>
            {b}
          </MenuItem>
        ))}
      </TextField>
      <TextField select size="small" label="Precision" value={filter.precision} onChange={set('precision')} sx={{ width: 130 }}>
        <MenuItem value="">any</MenuItem>
        {options(precisions, filter.precision).map((p) => (
          <MenuItem key={p} value={p}>
            {p}
          </MenuItem>
        ))}
      </TextField>
      {datasets.length > 0 ? (
        <Tooltip title={referenceHelp} describeChild>
          <FormControlLabel
            control={
              <Switch
                checked={overlay}
                onChange={(e) => onOverlay(e.target.checked)}
                slotProps={{ input: { 'aria-describedby': 'reference-toggle-help' } }}
              />
            }
            label={`ML.ENERGY reference data${refRows > 0 ? ` (${refRows.toLocaleString('en')} rows)` : ''}`}
            data-testid="reference-toggle"
          />
        </Tooltip>
      ) : (
        <FormControlLabel
          control={<Switch checked={false} disabled slotProps={{ input: { 'aria-describedby': 'reference-toggle-help' } }} />}
          label="ML.ENERGY reference data"
          data-testid="reference-toggle"
        />
      )}
      {/* Visible when the switch is off-limits (a disabled switch takes no focus, so a tooltip would never be read); otherwise for screen readers. */}
      <Typography
        id="reference-toggle-help"
        variant="caption"
        color="text.secondary"
        data-testid="reference-toggle-help"
        sx={datasets.length > 0 ? visuallyHidden : { maxWidth: 360, lineHeight: 1.3 }}
      >
        {referenceHelp}
      </Typography>
    </Stack>
  );
}
