import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { Accordion, AccordionDetails, AccordionSummary, Box, MenuItem, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import type { FieldSpec, ModelSpec } from '../../../../contract/llem/modelSpec';
import { checkValue, defaultValue, describeDefault, unwrap } from './profileSchema';
import { formatYamlValue, parseYamlValue, type YamlPath } from './studyYaml';

export interface FieldAccess {
  read(path: YamlPath): unknown;
  write(path: YamlPath, value: unknown): void;
}

const NULL_CHOICE = '__null__';
const DEFAULT_CHOICE = '';

function pathId(path: YamlPath): string {
  return `field-${path.join('.')}`;
}

/** One choice among fixed values (bool, literal): "default (x)" removes the key so llem's default applies. */
function ChoiceField({ field, path, access, choices }: { field: FieldSpec; path: YamlPath; access: FieldAccess; choices: readonly (string | number | boolean)[] }) {
  const { nullable } = unwrap(field.type);
  const def = defaultValue(field);
  const current = access.read(path);
  const value = current === undefined ? DEFAULT_CHOICE : current === null ? NULL_CHOICE : String(current);
  return (
    <TextField
      select
      size="small"
      fullWidth
      id={pathId(path)}
      label={field.name}
      value={value}
      helperText={field.description}
      onChange={(event) => {
        const picked = event.target.value;
        if (picked === DEFAULT_CHOICE) return access.write(path, undefined);
        if (picked === NULL_CHOICE) return access.write(path, null);
        const original = choices.find((c) => String(c) === picked);
        access.write(path, original);
      }}
    >
      <MenuItem value={DEFAULT_CHOICE}>
        <em>default ({describeDefault(def)})</em>
      </MenuItem>
      {choices.map((choice) => (
        <MenuItem key={String(choice)} value={String(choice)}>
          {String(choice)}
        </MenuItem>
      ))}
      {nullable && def !== null && <MenuItem value={NULL_CHOICE}>null</MenuItem>}
    </TextField>
  );
}

/**
 * A typed text box: numbers, text, or a YAML value for free-form fields. Edits are kept locally while typing and
 * written to the study on blur or Enter; the check under the box runs as you type.
 */
function TextValueField({ field, path, access }: { field: FieldSpec; path: YamlPath; access: FieldAccess }) {
  const { type } = unwrap(field.type);
  const current = access.read(path);
  const external = current === undefined ? '' : formatYamlValue(current);
  const [draft, setDraft] = useState(external);
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setDraft(external);
  }, [external, focused]);

  const numeric = type.k === 'int' || type.k === 'float';
  const structured = !numeric && type.k !== 'str' && type.k !== 'union';
  const parse = (text: string): { value: unknown; error: string | null } => {
    if (text.trim() === '') return { value: undefined, error: null };
    if (numeric) {
      const n = Number(text);
      if (!Number.isFinite(n) || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text.trim())) return { value: text, error: 'must be a number written in plain decimals' };
      return { value: n, error: checkValue(field.type, n) };
    }
    if (structured) {
      const parsed = parseYamlValue(text);
      return parsed.ok ? { value: parsed.value, error: null } : { value: text, error: parsed.error };
    }
    return { value: text, error: checkValue(field.type, text) };
  };
  const { value, error } = parse(draft);
  const commit = () => {
    if (error) return;
    if (draft === external) return;
    access.write(path, value);
  };
  const def = defaultValue(field);
  return (
    <TextField
      size="small"
      fullWidth
      id={pathId(path)}
      label={field.name}
      value={draft}
      placeholder={def === 'required' ? 'required' : `default: ${describeDefault(def)}`}
      error={!!error || (def === 'required' && draft.trim() === '')}
      helperText={error ?? (def === 'required' && draft.trim() === '' ? 'required' : field.description)}
      slotProps={{ htmlInput: { inputMode: numeric ? 'decimal' : 'text', spellCheck: false, 'aria-describedby': undefined } }}
      onFocus={() => setFocused(true)}
      onChange={(event) => {
        const text = event.target.value;
        setDraft(text);
        // The form and the YAML are one model: a valid value is written as it is typed (the YAML tab, the plan and
        // the save follow); an invalid one stays in the box with its error until it is fixed.
        const typed = parse(text);
        if (!typed.error && text !== external) access.write(path, typed.value);
      }}
      onBlur={() => {
        setFocused(false);
        commit();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit();
      }}
    />
  );
}

function FieldControl({ field, path, access, depth }: { field: FieldSpec; path: YamlPath; access: FieldAccess; depth: number }) {
  const { type } = unwrap(field.type);
  if (type.k === 'bool') return <ChoiceField field={field} path={path} access={access} choices={[true, false]} />;
  if (type.k === 'lit') return <ChoiceField field={field} path={path} access={access} choices={type.values} />;
  if (type.k === 'model') return <SpecSection title={field.name} description={field.description} spec={type.model} basePath={path} access={access} depth={depth + 1} />;
  return <TextValueField field={field} path={path} access={access} />;
}

/** Every field of a llem model, grouped as llem groups them (nested models become nested sections). */
export function SpecFields({ spec, basePath, access, depth = 0, only }: { spec: ModelSpec; basePath: YamlPath; access: FieldAccess; depth?: number; only?: (field: FieldSpec) => boolean }) {
  const scalars = spec.fields.filter((f) => (only ? only(f) : true) && unwrap(f.type).type.k !== 'model');
  const sections = spec.fields.filter((f) => (only ? only(f) : true) && unwrap(f.type).type.k === 'model');
  return (
    <Box>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2, mb: sections.length ? 2 : 0 }}>
        {scalars.map((field) => (
          <FieldControl key={field.name} field={field} path={[...basePath, field.name]} access={access} depth={depth} />
        ))}
      </Box>
      {sections.map((field) => (
        <FieldControl key={field.name} field={field} path={[...basePath, field.name]} access={access} depth={depth} />
      ))}
    </Box>
  );
}

export function SpecSection({ title, description, spec, basePath, access, depth = 0, defaultExpanded = false }: { title: string; description?: string; spec: ModelSpec; basePath: YamlPath; access: FieldAccess; depth?: number; defaultExpanded?: boolean }) {
  const [expanded, setExpanded] = useState(defaultExpanded);
  const setCount = countSet(access.read(basePath));
  return (
    <Accordion expanded={expanded} onChange={(_e, open) => setExpanded(open)} disableGutters variant="outlined" sx={{ mb: 1 }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-controls={`${pathId(basePath)}-content`} id={`${pathId(basePath)}-header`}>
        <Typography sx={{ fontWeight: 600, mr: 2 }}>{title}</Typography>
        <Typography color="text.secondary" variant="body2">
          {description}
          {setCount > 0 ? ` · ${setCount} set` : ''}
        </Typography>
      </AccordionSummary>
      <AccordionDetails>{expanded && <SpecFields spec={spec} basePath={basePath} access={access} depth={depth} />}</AccordionDetails>
    </Accordion>
  );
}

function countSet(value: unknown): number {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return 0;
  return Object.keys(value).length;
}
