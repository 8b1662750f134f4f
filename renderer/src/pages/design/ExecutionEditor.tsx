import { Box, MenuItem, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import type { ProfileShape } from './profileSchema';
import type { FieldAccess } from './SpecFields';

function NumberBox({ label, help, path, access, integer, min }: { label: string; help: string; path: (string | number)[]; access: FieldAccess; integer?: boolean; min: number }) {
  const current = access.read(path);
  const external = current === undefined || current === null ? '' : String(current);
  const [draft, setDraft] = useState(external);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(external);
  }, [external, focused]);
  const n = Number(draft);
  const error = draft.trim() === '' ? null : !Number.isFinite(n) ? 'must be a number' : integer && !Number.isInteger(n) ? 'must be a whole number' : n < min ? `must be ≥ ${min}` : null;
  return (
    <TextField
      size="small"
      label={label}
      value={draft}
      error={!!error}
      helperText={error ?? help}
      onFocus={() => setFocused(true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        setFocused(false);
        if (!error && draft !== external) access.write(path, draft.trim() === '' ? undefined : n);
      }}
      slotProps={{ htmlInput: { inputMode: 'decimal' } }}
    />
  );
}

/** Cycles, order and gaps: how llem repeats and orders the experiments (the `execution` block). */
export function ExecutionEditor({ shape, access }: { shape: ProfileShape; access: FieldAccess }) {
  const base = [shape.executionKey];
  const order = access.read([...base, shape.orderField]);
  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Left empty, llem runs 3 cycles in shuffled order with no gaps. Repeating each configuration lets llem Studio
        report variance and a confidence interval.
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
        <NumberBox label="n_cycles" help="How often each configuration runs (default 3)" path={[...base, 'n_cycles']} access={access} integer min={1} />
        <TextField
          select
          size="small"
          label={shape.orderField}
          value={typeof order === 'string' ? order : ''}
          helperText="Order of runs across cycles (default: shuffled)"
          onChange={(e) => access.write([...base, shape.orderField], e.target.value === '' ? undefined : e.target.value)}
        >
          <MenuItem value="">
            <em>default</em>
          </MenuItem>
          {shape.orders.map((o) => (
            <MenuItem key={o} value={o}>
              {o}
            </MenuItem>
          ))}
        </TextField>
        <NumberBox label={shape.experimentGapField} help="Seconds of idle time between experiments (GPU cool-down)" path={[...base, shape.experimentGapField]} access={access} min={0} />
        <NumberBox label="cycle_gap_seconds" help="Extra seconds between cycles" path={[...base, 'cycle_gap_seconds']} access={access} min={0} />
        <NumberBox label="shuffle_seed" help="Fixes the shuffled order (default: derived from the study hash)" path={[...base, 'shuffle_seed']} access={access} integer min={-(2 ** 53)} />
      </Box>
    </Box>
  );
}
