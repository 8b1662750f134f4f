import { Paper, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A titled card around one chart, with its controls and a caption that says how to read it. */
export function ChartCard({ title, controls, caption, children, testId }: { title: string; controls?: ReactNode; caption?: ReactNode; children: ReactNode; testId: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 2, minWidth: 0 }} data-testid={testId} component="section" aria-label={title}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="subtitle1" component="h2" sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        {controls}
      </Stack>
      {children}
      {caption && (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          {caption}
        </Typography>
      )}
    </Paper>
  );
}

/** What a chart says when it has nothing to draw, and what to do about it. */
export function ChartEmpty({ children }: { children: ReactNode }) {
  return (
    <Typography color="text.secondary" sx={{ py: 6, textAlign: 'center' }} data-testid="chart-empty">
      {children}
    </Typography>
  );
}
