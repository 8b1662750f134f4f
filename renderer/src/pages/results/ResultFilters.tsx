import { FormControlLabel, MenuItem, Stack, Switch, TextField, Tooltip } from '@mui/material';
import type { ReferenceDatasetView } from '../../../../contract/apiResults';

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
      <Tooltip
        title={
          datasets.length > 0
            ? `Published measurements, always labelled and never mixed with yours: ${datasets.map((d) => `${d.label} (${d.rowCount} rows)`).join('; ')}`
            : 'No reference data stored. Import the ML.ENERGY leaderboard data files (index.json and tasks/*.json) to compare with published measurements.'
        }
      >
        <span>
          <FormControlLabel
            control={<Switch checked={overlay && datasets.length > 0} onChange={(e) => onOverlay(e.target.checked)} disabled={datasets.length === 0} />}
            label={`ML.ENERGY reference data${refRows > 0 ? ` (${refRows.toLocaleString('en')} rows)` : ''}`}
            data-testid="reference-toggle"
          />
        </span>
      </Tooltip>
    </Stack>
  );
}
