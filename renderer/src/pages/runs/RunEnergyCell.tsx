import { Box, Tooltip, Typography } from '@mui/material';
import type { RunRow } from '../../../../contract/apiRuns';

const joules = (j: number | null) => (j === null ? '—' : `${j.toFixed(1)}`);

/**
 * The Runs table's energy cell: the app's counter and integrated energy over its measuring phase (every GPU
 * summed) and llem's over its own window, in J. A disagreement beyond the tolerance (the same comparison as the
 * result's quality check) is printed next to the numbers, not only in a tooltip.
 */
export function RunEnergyCell({ energy }: { energy: RunRow['energy'] }) {
  if (!energy) return null;
  const numbers = `${joules(energy.counterJ)} / ${joules(energy.integratedJ)} / ${joules(energy.llemJ)}`;
  const agreement = energy.agreement;
  const flagged = agreement && (agreement.status === 'warn' || agreement.status === 'fail');
  const windows =
    energy.appWindowS != null || energy.llemWindowS != null
      ? `App's measuring phase ${energy.appWindowS != null ? `${energy.appWindowS.toFixed(1)} s` : 'unknown'}${energy.gpus ? ` (${energy.gpus} GPU${energy.gpus === 1 ? '' : 's'} summed)` : ''}; llem's window ${energy.llemWindowS != null ? `${energy.llemWindowS.toFixed(1)} s` : 'unknown'}. `
      : '';
  return (
    <Tooltip title={`${windows}${agreement?.words ?? ''}`}>
      <Box data-testid="run-energy" data-agreement={agreement?.status ?? 'not_checked'}>
        <span>{numbers}</span>
        {flagged && (
          <Typography component="div" variant="caption" color={agreement.status === 'fail' ? 'error' : 'warning.main'} data-testid="run-energy-caveat" sx={{ whiteSpace: 'normal', maxWidth: 320, ml: 'auto' }}>
            {agreement.caveat}
          </Typography>
        )}
      </Box>
    </Tooltip>
  );
}
