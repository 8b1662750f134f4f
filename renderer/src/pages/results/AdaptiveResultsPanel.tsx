import { Box, Chip, List, ListItem, ListItemText, Paper, Typography } from '@mui/material';
import { useQuery } from '../../api/queries';
import { useHashParam } from '../../hooks/useHashParam';
import { adaptiveCampaignIdsOf, adaptiveResultsSummary } from './adaptiveResults';

/** At most this many adaptive campaigns are summarised at once (the newest results' campaigns first). */
const MAX_PANELS = 3;

/**
 * Results of adaptive campaigns: which configurations are on the front, which the search found infeasible, and
 * which grid configurations it never ran. Shown for the campaign Results was opened for (`?campaign=`) and for the
 * adaptive campaigns among the rows listed; nothing otherwise.
 */
export function AdaptiveResultsPanel({ rowCampaignIds }: { rowCampaignIds: readonly (string | null)[] }) {
  const [opened] = useHashParam('campaign');
  const ids = adaptiveCampaignIdsOf(opened, rowCampaignIds).slice(0, MAX_PANELS);
  return (
    <>
      {ids.map((id) => (
        <OneCampaign key={id} campaignId={id} />
      ))}
    </>
  );
}

function OneCampaign({ campaignId }: { campaignId: string }) {
  const view = useQuery('adaptive.view', { campaignId });
  if (!view.data) return null;
  const s = adaptiveResultsSummary(view.data);
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 2 }} data-testid="adaptive-results">
      <Typography variant="subtitle1" component="h2">
        Adaptive search {s.campaignId}: {s.measured} of {s.gridSize} configurations measured
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 2 }}>
        <Box>
          <Typography variant="subtitle2">On the front ({s.front.length})</Typography>
          <List dense data-testid="adaptive-results-front">
            {s.front.map((f) => (
              <ListItem key={f.run} disableGutters>
                <ListItemText
                  primary={
                    <>
                      <Chip size="small" color="success" label="front" sx={{ mr: 1 }} />
                      run {f.run}: {f.label}
                    </>
                  }
                  secondary={f.words}
                  slotProps={{ primary: { sx: { wordBreak: 'break-word' } }, secondary: { sx: { wordBreak: 'break-word' } } }}
                />
              </ListItem>
            ))}
          </List>
          {s.infeasible.length > 0 && (
            <>
              <Typography variant="subtitle2">Infeasible ({s.infeasible.length})</Typography>
              <List dense>
                {s.infeasible.map((f) => (
                  <ListItem key={f.run} disableGutters>
                    <ListItemText primary={`run ${f.run}: ${f.label}`} secondary={f.words} slotProps={{ primary: { sx: { wordBreak: 'break-word' } }, secondary: { sx: { wordBreak: 'break-word' } } }} />
                  </ListItem>
                ))}
              </List>
            </>
          )}
        </Box>
        <Box>
          <Typography variant="subtitle2">Never run ({s.neverRun.length} of {s.gridSize} grid configurations; their values are unknown)</Typography>
          <List dense data-testid="adaptive-results-never-run" sx={{ maxHeight: 240, overflow: 'auto' }} tabIndex={0} aria-label="Grid configurations never run">
            {s.neverRun.map((label) => (
              <ListItem key={label} disableGutters>
                <ListItemText primary={label} slotProps={{ primary: { sx: { wordBreak: 'break-word' } } }} />
              </ListItem>
            ))}
          </List>
        </Box>
      </Box>
    </Paper>
  );
}
