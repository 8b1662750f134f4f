import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import { Alert, Button, Chip, Stack, Typography, Paper, Link } from '@mui/material';
import { useState } from 'react';
import type { HeadlineView } from '../../../../contract/apiResults';
import { formatFactor, withUnit } from './format';

const GRADE_COLOUR = { A: 'success', B: 'warning', C: 'error' } as const;

/**
 * The one sentence computed from the aggregation, with its confidence interval and what stayed fixed. The
 * caveats of either side (failed or warned quality checks) stand right under the factor: a result that fails a
 * check is never the silent winner. llem's own factor (its unbounded token counts) is there on request.
 */
export function HeadlineCard({ headline, onCompare, onExplain }: {
  headline: HeadlineView;
  onCompare: (groupKeys: [string, string]) => void;
  /** "Explain this number" for one side's energy per output token (group key). */
  onExplain?: (groupKey: string) => void;
}) {
  const [showRaw, setShowRaw] = useState(false);
  if (!headline.available) {
    return (
      <Paper variant="outlined" sx={{ p: 2 }} data-testid="headline">
        <Typography color="text.secondary">{headline.reason}</Typography>
      </Paper>
    );
  }
  const flagged = headline.caveats.length > 0;
  return (
    <Paper variant="outlined" sx={{ p: 2, borderLeft: 4, borderLeftColor: flagged ? 'warning.main' : 'primary.main' }} data-testid="headline" aria-live="polite">
      <Typography variant="h6" component="p" data-testid="headline-text">
        {headline.text}
      </Typography>
      <Typography variant="body2" data-testid="headline-ci" color={headline.significant === false ? 'warning.main' : 'text.secondary'}>
        {headline.ciText}
      </Typography>
      {flagged && (
        <Alert severity="warning" sx={{ mt: 1 }} data-testid="headline-caveats">
          {headline.caveats.map((c) => (
            <div key={c}>{c}</div>
          ))}
          {headline.rawFactor !== null && (
            <Link component="button" type="button" variant="body2" onClick={() => setShowRaw((v) => !v)} data-testid="headline-raw-toggle">
              {showRaw ? 'Hide' : 'Show'} the factor from llem's own figures
            </Link>
          )}
          {showRaw && headline.rawFactor !== null && (
            <Typography variant="body2" data-testid="headline-raw">
              With llem's own token counts, as written: {formatFactor(headline.rawFactor)} — not used, since those counts are impossible or the checks failed.
            </Typography>
          )}
        </Alert>
      )}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mt: 1, alignItems: { sm: 'center' } }}>
        <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
          {withUnit(headline.better.mean, 'J/token')}{' '}
          <Chip size="small" color={GRADE_COLOUR[headline.grades.better]} label={`grade ${headline.grades.better}`} data-testid="headline-grade-better" />
          {' '}vs {withUnit(headline.worse.mean, 'J/token')}{' '}
          <Chip size="small" color={GRADE_COLOUR[headline.grades.worse]} label={`grade ${headline.grades.worse}`} data-testid="headline-grade-worse" />
          {' '}(means across cycles). {headline.context}
        </Typography>
        {onExplain && (
          <Button size="small" onClick={() => onExplain(headline.better.groupKey)} data-testid="headline-explain" sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
            Explain this number
          </Button>
        )}
        <Button size="small" startIcon={<CompareArrowsIcon />} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }} onClick={() => onCompare([headline.worse.groupKey, headline.better.groupKey])}>
          Compare these two
        </Button>
      </Stack>
    </Paper>
  );
}
