import { Alert, Box, Button, Checkbox, FormControl, FormControlLabel, FormGroup, FormLabel, Radio, RadioGroup, Typography, type SxProps, type Theme } from '@mui/material';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ExportSources } from '../../../../contract/apiExport';
import type { AppError } from '../../../../contract/result';
import { plural } from './format';

/**
 * What the Results page's Export… and Push… dialogs (ExportDialog.tsx, PushDialog.tsx) share: the button that
 * opens one, which results it takes (everything, or chosen campaigns and/or the results imported outside a
 * campaign), its preview section, and its Cancel / Close button.
 */

/** A Results-page button that opens its dialog (mounted only while open); a rise of `openRequests` opens it from outside (the desktop menu). */
export function DialogButton(props: { label: string; icon: ReactNode; testId: string; openRequests?: number; dialog: (onClose: () => void) => ReactNode }) {
  const { openRequests = 0 } = props;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (openRequests > 0) setOpen(true);
  }, [openRequests]);
  return (
    <>
      <Button variant="outlined" size="small" startIcon={props.icon} onClick={() => setOpen(true)} data-testid={props.testId} aria-haspopup="dialog">
        {props.label}
      </Button>
      {open && props.dialog(() => setOpen(false))}
    </>
  );
}

export type Scope = 'all' | 'chosen';

/** Which results: `{}` = everything; otherwise exactly these campaigns, plus the hand imports when includeImported. */
export interface CampaignSelection {
  campaignIds?: string[];
  includeImported?: boolean;
}

export interface CampaignScope {
  scope: Scope;
  setScope: (scope: Scope) => void;
  chosen: ReadonlySet<string>;
  toggle: (campaignId: string) => void;
  imported: boolean;
  setImported: (imported: boolean) => void;
  /** What is chosen; null while "Chosen campaigns" has nothing ticked. */
  selection: CampaignSelection | null;
}

/** The state behind a CampaignScopePicker: everything, until campaigns are chosen. */
export function useCampaignScope(): CampaignScope {
  const [scope, setScope] = useState<Scope>('all');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [imported, setImported] = useState(false);
  const selection = useMemo((): CampaignSelection | null => {
    if (scope === 'all') return {};
    if (chosen.size === 0 && !imported) return null;
    return { campaignIds: [...chosen], includeImported: imported };
  }, [scope, chosen, imported]);
  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { scope, setScope, chosen, toggle, imported, setImported, selection };
}

/**
 * "Everything: N campaigns and M imported results" or "Chosen campaigns", then one checkbox per campaign and one
 * for the results imported outside a campaign. `idPrefix` names its ids and test ids (`<idPrefix>-scope-label`,
 * `<idPrefix>-campaigns`); `campaignsLabel` is the accessible name of the checkbox group.
 */
export function CampaignScopePicker(props: {
  sources: ExportSources;
  value: CampaignScope;
  idPrefix: string;
  label: string;
  campaignsLabel: string;
  sx?: SxProps<Theme>;
  disabled?: boolean;
}) {
  const { sources, value, idPrefix } = props;
  return (
    <FormControl sx={props.sx} disabled={props.disabled}>
      <FormLabel id={`${idPrefix}-scope-label`}>{props.label}</FormLabel>
      <RadioGroup aria-labelledby={`${idPrefix}-scope-label`} value={value.scope} onChange={(e) => value.setScope(e.target.value as Scope)}>
        <FormControlLabel
          value="all"
          control={<Radio size="small" />}
          label={`Everything: ${plural(sources.campaigns.length, 'campaign')}${sources.importedResults > 0 ? ` and ${plural(sources.importedResults, 'imported result')}` : ''}`}
        />
        <FormControlLabel value="chosen" control={<Radio size="small" />} label="Chosen campaigns" />
      </RadioGroup>
      {value.scope === 'chosen' && (
        <FormGroup sx={{ pl: 4 }} aria-label={props.campaignsLabel} data-testid={`${idPrefix}-campaigns`}>
          {sources.campaigns.map((c) => (
            <FormControlLabel
              key={c.id}
              control={<Checkbox size="small" checked={value.chosen.has(c.id)} onChange={() => value.toggle(c.id)} />}
              label={`${c.name || c.id} — ${plural(c.results, 'result')} (${c.status})`}
            />
          ))}
          {sources.importedResults > 0 && (
            <FormControlLabel
              control={<Checkbox size="small" checked={value.imported} onChange={(e) => value.setImported(e.target.checked)} />}
              label={`Imported outside a campaign — ${plural(sources.importedResults, 'result')}`}
            />
          )}
        </FormGroup>
      )}
    </FormControl>
  );
}

/**
 * The dialog's live preview (`<idPrefix>-preview`): a heading, then a hint while nothing is chosen; once something
 * is, `progress`, the preview's error (`<idPrefix>-preview-error`) and `children`.
 */
export function SelectionPreview(props: { idPrefix: string; title: string; selected: boolean; progress: ReactNode; error: AppError | null; children: ReactNode }) {
  const { idPrefix, selected, error } = props;
  return (
    <Box sx={{ mt: 2 }} data-testid={`${idPrefix}-preview`} aria-live="polite">
      <Typography variant="subtitle1" component="h3">
        {props.title}
      </Typography>
      {!selected && <Alert severity="info">Choose at least one campaign, or the imported results.</Alert>}
      {selected && props.progress}
      {selected && error && (
        <Alert severity="error" data-testid={`${idPrefix}-preview-error`}>
          {error.message}
        </Alert>
      )}
      {selected && props.children}
    </Box>
  );
}

/** "Cancel", or "Close" once the dialog is `done`; then it takes the focus, as the action button goes away: the keyboard stays in the dialog. */
export function CancelCloseButton({ done, onClose }: { done: boolean; onClose: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (done) button.current?.focus();
  }, [done]);
  return (
    <Button ref={button} onClick={onClose}>
      {done ? 'Close' : 'Cancel'}
    </Button>
  );
}
