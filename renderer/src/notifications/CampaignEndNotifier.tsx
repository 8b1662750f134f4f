import { Alert, AlertTitle, Button, Snackbar } from '@mui/material';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import { campaignEndNotice, showSystemNotification, type CampaignEndNotice } from './campaignEndNotice';

/**
 * Says when a campaign ends, on whatever page the user is: a snackbar in the app always, and a system notification
 * (browser mode, when the user allowed it; the desktop shell notifies natively).
 */
export function CampaignEndNotifier() {
  const api = useApi();
  const [notice, setNotice] = useState<CampaignEndNotice | null>(null);

  useEffect(
    () =>
      api.subscribe('runs.events', {}, (event) => {
        if (event.type !== 'campaign.finished') return;
        void api.call('runs.campaign', { campaignId: event.campaignId }).then(
          (campaign) => {
            const next = campaignEndNotice(event, campaign.ok ? campaign.value.name : event.campaignId);
            setNotice(next);
            showSystemNotification(next);
          },
          () => setNotice(campaignEndNotice(event, event.campaignId)),
        );
      }),
    [api],
  );

  const close = () => setNotice(null);
  return (
    <Snackbar open={!!notice} autoHideDuration={12_000} onClose={(_e, reason) => reason !== 'clickaway' && close()} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
      {notice ? (
        <Alert
          severity={notice.severity}
          variant="filled"
          onClose={close}
          data-testid="campaign-end-notice"
          sx={{ maxWidth: 520 }}
          action={
            <Button color="inherit" size="small" href={`#/runs/${encodeURIComponent(notice.campaignId)}`} onClick={close}>
              Open
            </Button>
          }
        >
          <AlertTitle sx={{ wordBreak: 'break-word' }}>{notice.title}</AlertTitle>
          {notice.body}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}
