import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import { Box, Button, IconButton, Stack, TextField, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { formatYamlValue, parseYamlValue } from './studyYaml';

function EntryBox({ index, entry, onEntry }: { index: number; entry: unknown; onEntry: (entry: Record<string, unknown>) => void }) {
  const external = formatYamlValue(entry ?? {});
  const [draft, setDraft] = useState(external);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(external);
  }, [external, focused]);
  const parsed = parseYamlValue(draft.trim() === '' ? '{}' : draft);
  const error = !parsed.ok ? parsed.error : parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value) ? 'each experiment is a mapping such as {precision: fp16}' : null;
  return (
    <TextField
      size="small"
      fullWidth
      label={`experiments[${index}]`}
      value={draft}
      error={!!error}
      helperText={error ?? 'fields that differ from the fixed ones, e.g. {precision: bf16, pytorch: {load_in_4bit: true}}'}
      onFocus={() => setFocused(true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        setFocused(false);
        if (!error && parsed.ok && draft !== external) onEntry(parsed.value as Record<string, unknown>);
      }}
      slotProps={{ htmlInput: { spellCheck: false } }}
    />
  );
}

/** Explicit experiments: llem appends them after the sweep's combinations (entry keys replace fixed ones wholesale). */
export function ExperimentsEditor({ experiments, onChange }: { experiments: unknown; onChange: (experiments: unknown[] | undefined) => void }) {
  const entries = Array.isArray(experiments) ? experiments : [];
  return (
    <Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Explicit experiments run in addition to the sweep. Each one starts from the fixed fields; a key given here
        replaces that whole field.
      </Typography>
      {entries.map((entry, index) => (
        <Stack key={index} direction="row" spacing={1} sx={{ mb: 2, alignItems: 'flex-start' }} data-testid="explicit-experiment">
          <EntryBox index={index} entry={entry} onEntry={(next) => onChange(entries.map((e, i) => (i === index ? next : e)))} />
          <Tooltip title="Remove this experiment">
            <IconButton aria-label={`Remove experiment ${index}`} onClick={() => onChange(entries.length > 1 ? entries.filter((_, i) => i !== index) : undefined)}>
              <DeleteIcon />
            </IconButton>
          </Tooltip>
        </Stack>
      ))}
      <Button startIcon={<AddIcon />} onClick={() => onChange([...entries, {}])}>
        Add experiment
      </Button>
    </Box>
  );
}
