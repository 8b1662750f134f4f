import { Alert, Box, Button, IconButton, List, ListItem, ListItemButton, ListItemText, Paper, Tooltip, Typography } from '@mui/material';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import CloseIcon from '@mui/icons-material/Close';
import type { CampaignQueueState } from '../../../../contract/apiQueue';
import { useMutation } from '../../api/queries';
import { openCampaignRuns } from '../../navigation';
import { askNotificationPermission } from '../../notifications/campaignEndNotice';

/** What a change to the queue makes stale. */
export const QUEUE_QUERIES = ['runs.queue', 'runs.campaigns', 'runs.campaign'] as const;

const HOLD_WORDS: Record<NonNullable<CampaignQueueState['hold']>, string> = {
  restart: 'The app was restarted, so the queue waits for you.',
  paused: 'A campaign was paused, so the queue waits for you.',
};

/**
 * Campaigns waiting for the GPU, next first (stored: it survives a restart). Each can move up or down or leave
 * the queue; a held queue starts again with "Start queue".
 */
export function QueuePanel({ state, selected }: { state: CampaignQueueState | null; selected: string | null }) {
  const move = useMutation('runs.queueMove', { invalidates: QUEUE_QUERIES });
  const remove = useMutation('runs.queueRemove', { invalidates: QUEUE_QUERIES });
  const resume = useMutation('runs.queueResume', { invalidates: QUEUE_QUERIES });
  if (!state || state.entries.length === 0) return null;
  const error = move.error ?? remove.error ?? resume.error;
  const last = state.entries.length;
  return (
    <Paper variant="outlined" sx={{ mb: 2 }} data-testid="queue-panel">
      <Typography variant="subtitle2" component="h2" sx={{ px: 2, pt: 1.5 }}>
        Waiting for the GPU ({last})
      </Typography>
      {state.hold ? (
        <Alert severity="info" sx={{ mx: 1, mt: 1 }} data-testid="queue-held"
          action={
            <Button size="small" onClick={() => (askNotificationPermission(), void resume.mutate({}))} data-testid="queue-resume">
              Start queue
            </Button>
          }
        >
          {HOLD_WORDS[state.hold]}
        </Alert>
      ) : (
        state.waitingFor && (
          <Typography variant="body2" color="text.secondary" sx={{ px: 2, pt: 0.5, wordBreak: 'break-word' }} data-testid="queue-waiting-for">
            Starts when the GPU is free: now {state.waitingFor}.
          </Typography>
        )
      )}
      {error && (
        <Alert severity="error" sx={{ m: 1 }}>
          {error.message}
        </Alert>
      )}
      <List dense data-testid="queue-list" aria-label="Campaign queue">
        {state.entries.map((entry) => (
          <ListItem
            key={entry.campaignId}
            disablePadding
            data-testid="queue-entry"
            secondaryAction={
              <Box sx={{ display: 'flex' }}>
                <Tooltip title="Earlier">
                  <span>
                    <IconButton size="small" aria-label={`Move ${entry.name} earlier`} disabled={entry.position === 1} onClick={() => void move.mutate({ campaignId: entry.campaignId, position: entry.position - 1 })}>
                      <ArrowUpwardIcon fontSize="small" />
                    </IconButton>
                  </span>
                </Tooltip>
                <Tooltip title="Later">
                  <span>
                    <IconButton size="small" aria-label={`Move ${entry.name} later`} disabled={entry.position === last} onClick={() => void move.mutate({ campaignId: entry.campaignId, position: entry.position + 1 })}>
                      <ArrowDownwardIcon fontSize="small" />
                    </IconButton>
                  </span>
                </Tooltip>
                <Tooltip title="Remove from the queue">
                  <IconButton size="small" aria-label={`Remove ${entry.name} from the queue`} onClick={() => void remove.mutate({ campaignId: entry.campaignId })}>
                    <CloseIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              </Box>
            }
          >
            <ListItemButton selected={entry.campaignId === selected} onClick={() => openCampaignRuns(entry.campaignId)} sx={{ pr: 14 }}>
              <ListItemText
                primary={`${entry.position}. ${entry.name}`}
                secondary={`queued ${new Date(entry.enqueuedAt).toLocaleTimeString()}${entry.retryFailed ? ' · retries failed runs' : ''}`}
                slotProps={{ primary: { sx: { wordBreak: 'break-word' } } }}
              />
            </ListItemButton>
          </ListItem>
        ))}
      </List>
    </Paper>
  );
}
