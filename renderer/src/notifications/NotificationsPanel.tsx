import { Button, Paper, Stack, Typography } from '@mui/material';
import { useState } from 'react';

/** Browser mode: whether system notifications are allowed when a campaign ends, and a button to allow them. */
export function NotificationsPanel() {
  const desktop = !!window.llem?.desktop;
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'unsupported');
  const words = desktop
    ? 'The desktop app shows a system notification when a campaign ends.'
    : !supported
      ? 'This browser has no system notifications; the app shows a message in its corner when a campaign ends.'
      : permission === 'granted'
        ? 'Allowed: a system notification appears when a campaign ends, and a message in the app’s corner.'
        : permission === 'denied'
          ? 'Blocked in this browser’s site settings; the app still shows a message in its corner when a campaign ends.'
          : 'When a campaign ends the app shows a message in its corner. Allow system notifications to hear about it on another tab too.';
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }} component="section" aria-labelledby="notifications-title">
      <Typography variant="h6" component="h2" id="notifications-title" gutterBottom>
        Notifications
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="body2" data-testid="notifications-state">
          {words}
        </Typography>
        {!desktop && supported && permission === 'default' && (
          <Button
            size="small"
            variant="outlined"
            data-testid="notifications-allow"
            // A click is the user gesture browsers require before they ask.
            onClick={() => void Notification.requestPermission().then(setPermission, () => undefined)}
          >
            Allow system notifications
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
