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

/**
 * The YAML's `sweep:` from the dimensions shown. A dimension without a field or without values is not written: an
 * empty list (`model: []`) would make llem plan no experiment at all.
 */
export function toSweep(dimensions: Dimension[]): Record<string, unknown[]> | undefined {
  const kept = dimensions.filter((d) => d.key.trim() !== '' && d.values.length > 0);
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
      onChange={(event) => {
        const text = event.target.value;
        setDraft(text);
        // Live: the plan follows what is typed (the designer re-plans after a short pause), not only on blur.
        const typed = parseValueList(text);
        if (typed.ok && typed.values.length > 0 && text !== external) onValues(typed.values);
      }}
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
  const written = dimensionsOf(sweep);
  // Dimensions being filled in (no field or no values yet) live here until they are complete, then in the YAML.
  const [pending, setPending] = useState<Dimension[]>([]);
  const dimensions = [...written, ...pending];
  const update = (index: number, next: Partial<Dimension>) => {
    if (index < written.length) return onChange(toSweep(written.map((d, i) => (i === index ? { ...d, ...next } : d))));
    const p = index - written.length;
    const changed = { ...pending[p]!, ...next };
    const complete = changed.key.trim() !== '' && changed.values.length > 0;
    setPending(complete ? pending.filter((_, i) => i !== p) : pending.map((d, i) => (i === p ? changed : d)));
    if (complete) onChange(toSweep([...written, changed]));
  };
  const remove = (index: number) => {
    if (index < written.length) onChange(toSweep(written.filter((_, i) => i !== index)));
    else setPending(pending.filter((_, i) => i !== index - written.length));
  };
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
              <IconButton aria-label={`Remove dimension ${dimension.key}`} onClick={() => remove(index)}>
                <DeleteIcon />
              </IconButton>
            </Tooltip>
          </Stack>
          <RangeFiller onValues={(values) => update(index, { values })} />
          {index >= written.length && (
            <Typography variant="caption" color="text.secondary" data-testid="sweep-dimension-pending">
              Not in the study yet: it joins the plan once it has a field and at least one value.
            </Typography>
          )}
        </Box>
      ))}
      <Button
        startIcon={<AddIcon />}
        onClick={() => {
          // Only on screen until it has a field and values: the plan never sees a half-made dimension.
          const used = new Set(dimensions.map((d) => d.key));
          const key = suggestions.find((s) => !used.has(s)) ?? '';
          setPending([...pending, { key, values: [] }]);
        }}
      >
        Add dimension
      </Button>
    </Box>
  );
}
