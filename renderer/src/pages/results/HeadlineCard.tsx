import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import { Button, Paper, Stack, Typography } from '@mui/material';
import type { HeadlineView } from '../../../../contract/apiResults';
import { withUnit } from './format';

/** The one sentence computed from the aggregation, with its confidence interval and what stayed fixed. */
export function HeadlineCard({ headline, onCompare }: { headline: HeadlineView; onCompare: (groupKeys: [string, string]) => void }) {
  if (!headline.available) {
    return (
      <Paper variant="outlined" sx={{ p: 2 }} data-testid="headline">
        <Typography color="text.secondary">{headline.reason}</Typography>
      </Paper>
    );
  }
  return (
    <Paper variant="outlined" sx={{ p: 2, borderLeft: 4, borderLeftColor: 'primary.main' }} data-testid="headline" aria-live="polite">
      <Typography variant="h6" component="p" data-testid="headline-text">
        {headline.text}
      </Typography>
      <Typography variant="body2" data-testid="headline-ci" color={headline.significant === false ? 'warning.main' : 'text.secondary'}>
        {headline.ciText}
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1, alignItems: { sm: 'center' } }}>
        <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
          {withUnit(headline.better.mean, 'J/token')} vs {withUnit(headline.worse.mean, 'J/token')} (means across cycles). {headline.context}
        </Typography>
        <Button size="small" startIcon={<CompareArrowsIcon />} onClick={() => onCompare([headline.worse.groupKey, headline.better.groupKey])}>
          Compare these two
        </Button>
      </Stack>
    </Paper>
  );
}
