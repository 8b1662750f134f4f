import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import { Autocomplete, Box, Button, IconButton, MenuItem, Stack, TextField, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { formatYamlValue, linearRange, logRange, parseValueList } from './studyYaml';

type Dimension = { key: string; values: unknown[] };

function dimensionsOf(sweep: unknown): Dimension[] {
  if (!sweep || typeof sweep !== 'object' || Array.isArray(sweep)) return [];
  return Object.entries(sweep as Record<string, unknown>).map(([key, values]) => ({ key, values: Array.isArray(values) ? values : [values] }));
}

function toSweep(dimensions: Dimension[]): Record<string, unknown[]> | undefined {
  const kept = dimensions.filter((d) => d.key.trim() !== '');
  return kept.length ? Object.fromEntries(kept.map((d) => [d.key.trim(), d.values])) : undefined;
}

function ValuesBox({ dimension, onValues }: { dimension: Dimension; onValues: (values: unknown[]) => void }) {
  const external = dimension.values.map(formatYamlValue).join(', ');
  const [draft, setDraft] = useState(external);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(external);
  }, [external, focused]);
  const parsed = parseValueList(draft);
  return (
    <TextField
      size="small"
      fullWidth
      label="values"
      value={draft}
      error={!parsed.ok}
      helperText={parsed.ok ? `${parsed.values.length} value${parsed.values.length === 1 ? '' : 's'} — comma-separated, or a YAML list such as [{preset: standard}, {preset: creative}]` : parsed.error}
      onFocus={() => setFocused(true)}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => {
        setFocused(false);
        if (parsed.ok && draft !== external) onValues(parsed.values);
      }}
      slotProps={{ htmlInput: { spellCheck: false, 'aria-label': `values of ${dimension.key || 'new dimension'}` } }}
    />
  );
}

/** Fills a dimension from a range: linear (start, stop, step) or geometric (start, stop, ×factor). */
function RangeFiller({ onValues }: { onValues: (values: number[]) => void }) {
  const [kind, setKind] = useState<'linear' | 'log'>('log');
  const [start, setStart] = useState('1');
  const [stop, setStop] = useState('64');
  const [step, setStep] = useState('2');
  const values = kind === 'linear' ? linearRange(Number(start), Number(stop), Number(step)) : logRange(Number(start), Number(stop), Number(step));
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 1 }}>
      <TextField select size="small" label="range" value={kind} onChange={(e) => setKind(e.target.value as 'linear' | 'log')} sx={{ width: 130 }}>
        <MenuItem value="linear">linear</MenuItem>
        <MenuItem value="log">geometric</MenuItem>
      </TextField>
      <TextField size="small" label="from" value={start} onChange={(e) => setStart(e.target.value)} sx={{ width: 90 }} />
      <TextField size="small" label="to" value={stop} onChange={(e) => setStop(e.target.value)} sx={{ width: 90 }} />
      <TextField size="small" label={kind === 'linear' ? 'step' : '× factor'} value={step} onChange={(e) => setStep(e.target.value)} sx={{ width: 90 }} />
      <Button size="small" disabled={!values} onClick={() => values && onValues(values)}>
        Use {values ? `${values.length} values` : 'range'}
      </Button>
    </Stack>
  );
}

export function SweepEditor({ sweep, suggestions, onChange }: { sweep: unknown; suggestions: string[]; onChange: (sweep: Record<string, unknown[]> | undefined) => void }) {
  const dimensions = dimensionsOf(sweep);
  const update = (index: number, next: Partial<Dimension>) => onChange(toSweep(dimensions.map((d, i) => (i === index ? { ...d, ...next } : d))));
  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Each dimension is a llem field and the values to try; every combination becomes an experiment. Keys without a
        dot replace a whole field (<code>precision</code>, <code>decoder</code>); keys with a dot go into a backend
        section (<code>pytorch.batch_size</code>, <code>vllm.engine.block_size</code>).
      </Typography>
      {dimensions.map((dimension, index) => (
        <Box key={index} sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 2, mb: 2 }} data-testid="sweep-dimension">
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
            <Autocomplete
              freeSolo
              options={suggestions}
              value={dimension.key}
              onInputChange={(_e, key, reason) => {
                if (reason !== 'reset') return;
                update(index, { key });
              }}
              onChange={(_e, key) => update(index, { key: typeof key === 'string' ? key : '' })}
              renderInput={(params) => (
                <TextField
                  {...params}
                  size="small"
                  label="field"
                  onBlur={(e) => {
                    if (e.target.value !== dimension.key) update(index, { key: e.target.value });
                  }}
                />
              )}
              sx={{ minWidth: 280 }}
            />
            <ValuesBox dimension={dimension} onValues={(values) => update(index, { values })} />
            <Tooltip title="Remove this dimension">
              <IconButton aria-label={`Remove dimension ${dimension.key}`} onClick={() => onChange(toSweep(dimensions.filter((_, i) => i !== index)))}>
                <DeleteIcon />
              </IconButton>
            </Tooltip>
          </Stack>
          <RangeFiller onValues={(values) => update(index, { values })} />
        </Box>
      ))}
      <Button
        startIcon={<AddIcon />}
        onClick={() => {
          const used = new Set(dimensions.map((d) => d.key));
          const key = suggestions.find((s) => !used.has(s)) ?? '';
          onChange(toSweep([...dimensions, { key, values: [] }]));
        }}
      >
        Add dimension
      </Button>
    </Box>
  );
}
