import { Chip, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { CampaignRuns } from '../../../../contract/apiRuns';
import { RunEnergyCell } from './RunEnergyCell';
import { FAILURE_WORDS } from './runWords';

/**
 * The campaign's runs. Every row opens the run detail drawer (click, or focus it and press Enter or Space),
 * failed ones included; labels are the values that tell the runs apart (contract/runLabels.ts).
 */
export function RunsTable({ runs, onOpen }: { runs: CampaignRuns['runs']; onOpen: (runId: number) => void }) {
  return (
    <Paper variant="outlined" sx={{ mb: 2 }}>
      <Table size="small" aria-label="Runs" data-testid="runs-table">
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Cycle</TableCell>
            <TableCell>Configuration</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right" title="The app's NVML counter and integrated power over its measuring phase (every GPU summed) / llem's total over llem's own window">
              Energy: app counter / app integrated / llem (J)
            </TableCell>
            <TableCell>Why</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map((run) => (
            <TableRow
              key={run.id}
              hover
              tabIndex={0}
              role="button"
              aria-label={`Run ${run.runIndex + 1}, ${run.label}, ${run.status}: show details`}
              data-testid="run-row"
              onClick={() => onOpen(run.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpen(run.id);
                }
              }}
              sx={{ cursor: 'pointer' }}
            >
              <TableCell>{run.runIndex + 1}</TableCell>
              <TableCell>{run.cycle}</TableCell>
              <TableCell data-testid="run-label" sx={{ wordBreak: 'break-word' }}>
                {run.label}
                {run.label !== run.summary && (
                  <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                    {run.summary}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Chip size="small" label={run.status} color={run.status === 'succeeded' ? 'success' : run.status === 'failed' ? 'error' : 'default'} />
              </TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                <RunEnergyCell energy={run.energy} />
              </TableCell>
              <TableCell sx={{ wordBreak: 'break-word' }}>{run.failureReason ? FAILURE_WORDS[run.failureReason] : ''}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paper>
  );
}
