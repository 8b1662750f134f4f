import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import type { ProfileIdName } from '../../../../contract/api';
import { useApi } from '../../api/ApiContext';
import { askNotificationPermission } from '../../notifications/campaignEndNotice';
import { nextCampaignName, ranCampaignWords, type RanCampaign } from './ranCampaign';

/**
 * Shown instead of autosaving when the designer holds a campaign that has run: the way to its runs, and the two
 * ways to a new campaign from its design — save it (then edit), or run it again at once. Each asks for the name.
 */
export function RanCampaignBanner({
  campaign,
  design,
  existingNames,
  canRun,
  rename,
  onSaved,
  onStarted,
}: {
  campaign: RanCampaign;
  design: { name: string; yaml: string; profile: ProfileIdName };
  existingNames: readonly string[];
  canRun: boolean;
  /** The design's YAML with its study name set to the new campaign's name. */
  rename: (yaml: string, name: string) => string;
  onSaved: (saved: { id: string; name: string; yaml: string }) => void;
  onStarted: (campaignId: string) => void;
}) {
  const api = useApi();
  const [asking, setAsking] = useState<'save' | 'run' | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const open = (mode: 'save' | 'run') => {
    if (mode === 'run') askNotificationPermission();
    setError(null);
    setName(design.name.trim() && design.name !== campaign.name ? design.name : nextCampaignName(campaign.name, existingNames));
    setAsking(mode);
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const yaml = rename(design.yaml, name.trim());
      const saved = await api.call('campaign.save', { name: name.trim(), yaml, profile: design.profile });
      if (!saved.ok) return setError(saved.error.message);
      if (asking === 'save') {
        setAsking(null);
        return onSaved({ id: saved.value.id, name: saved.value.name, yaml });
      }
      const started = await api.call('runs.start', { campaignId: saved.value.id });
      if (!started.ok) {
        // The new campaign is saved as a draft: the designer continues on it, with the reason on screen.
        setAsking(null);
        onSaved({ id: saved.value.id, name: saved.value.name, yaml });
        return setError(`Saved as “${saved.value.name}”, but it could not start: ${started.error.message}`);
      }
      setAsking(null);
      onStarted(saved.value.id);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Alert severity="info" sx={{ mb: 2 }} data-testid="ran-campaign-banner">
        {ranCampaignWords(campaign)}
        <Stack direction="row" spacing={1} sx={{ mt: 1, flexWrap: 'wrap', rowGap: 1 }}>
          <Button size="small" variant="contained" onClick={() => open('run')} disabled={!canRun} data-testid="ran-run-again">
            Run again as a new campaign…
          </Button>
          <Button size="small" variant="outlined" onClick={() => open('save')} data-testid="ran-save-as-new">
            Save as new campaign…
          </Button>
          <Button size="small" href={`#/runs/${encodeURIComponent(campaign.id)}`} data-testid="ran-open-runs">
            Open its runs
          </Button>
        </Stack>
      </Alert>
      {error && !asking && (
        <Alert severity="error" sx={{ mb: 2 }} onClose={() => setError(null)} data-testid="ran-campaign-error">
          {error}
        </Alert>
      )}
      <Dialog open={asking !== null} onClose={() => !busy && setAsking(null)} aria-labelledby="ran-campaign-dialog-title" fullWidth maxWidth="sm">
        <DialogTitle id="ran-campaign-dialog-title">{asking === 'run' ? 'Run again as a new campaign' : 'Save as a new campaign'}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>
            {asking === 'run'
              ? `A new campaign with this design starts on this GPU (or joins the queue if the GPU is busy). “${campaign.name}” and its results stay as they are.`
              : `A new draft with this design, which you can then edit and run. “${campaign.name}” stays as it ran.`}
          </DialogContentText>
          <TextField
            autoFocus
            fullWidth
            size="small"
            label="Name of the new campaign"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={name.trim() === ''}
            helperText={name.trim() === '' ? 'Give it a name.' : ' '}
            onKeyDown={(e) => e.key === 'Enter' && name.trim() && !busy && void confirm()}
            slotProps={{ htmlInput: { maxLength: 200, 'data-testid': 'ran-new-name' } }}
          />
          {error && asking && <Alert severity="error">{error}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setAsking(null)} disabled={busy}>
            Cancel
          </Button>
          <Button variant="contained" onClick={() => void confirm()} disabled={busy || name.trim() === ''} data-testid="ran-confirm">
            {asking === 'run' ? 'Save and run' : 'Save'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
