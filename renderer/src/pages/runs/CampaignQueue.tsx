import { List, ListItemButton, ListItemText, Paper, Typography } from '@mui/material';
import type { runsApiMethods } from '../../../../contract/apiRuns';
import type { z } from 'zod';
import { openCampaignRuns } from '../../navigation';
import { queueLine } from './campaignTotals';

type QueueEntry = z.infer<(typeof runsApiMethods)['runs.campaigns']['result']>[number];

/** Campaigns queued or run, newest first; counts and "running here" come from the store on every run event. */
export function CampaignQueue({ queue, selected }: { queue: QueueEntry[]; selected: string | null }) {
  return (
    <Paper variant="outlined">
      <Typography variant="subtitle2" component="h2" sx={{ px: 2, pt: 1.5 }}>
        Queue and history
      </Typography>
      {queue.length === 0 ? (
        <Typography color="text.secondary" sx={{ p: 2 }}>
          No campaign has run yet. Design one, then press “Run on this GPU”.
        </Typography>
      ) : (
        <List dense data-testid="runs-queue">
          {queue.map((c) => (
            <ListItemButton key={c.id} selected={c.id === selected} onClick={() => openCampaignRuns(c.id)}>
              <ListItemText primary={c.name} secondary={queueLine(c.counts, c.status, c.active)} slotProps={{ primary: { sx: { wordBreak: 'break-word' } } }} />
            </ListItemButton>
          ))}
        </List>
      )}
    </Paper>
  );
}
