import { Alert, Button, Chip, CircularProgress, Paper, Stack, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { AppInfo } from '../../../contract/api';
import type { AppError } from '../../../contract/result';
import { DoctorPanel, PlatformPanel } from './SettingsExtras';
import { GridIntensityPanel } from './GridIntensityPanel';
import { NotificationsPanel } from '../notifications/NotificationsPanel';
import { ClusterProfilesPanel } from './slurm/ClusterProfilesPanel';
import { LlemSettingsPanel } from './LlemSettingsPanel';
import { useQuery } from '../api/queries';

function Row({ label, value, testId }: { label: string; value: ReactNode; testId: string }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" sx={{ width: 220, fontWeight: 600 }}>
        {label}
      </TableCell>
      <TableCell data-testid={testId} sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
        {value}
      </TableCell>
    </TableRow>
  );
}

export function SettingsPage() {
  const query = useQuery('app.info', {});
  const info: AppInfo | null = query.data;
  const error: AppError | null = query.error;
  const loading = query.loading;
  const load = query.refetch;

  return (
    <>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", mb: 2 }}>
        <Typography variant="h5" component="h1">
          Settings
        </Typography>
        <Button size="small" variant="outlined" onClick={load} disabled={loading}>
          Check again
        </Button>
        {loading && <CircularProgress size={20} aria-label="Checking" />}
      </Stack>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {error.message}
        </Alert>
      )}
      {info && (
        <Paper variant="outlined">
          <Table size="small" aria-label="Environment">
            <TableBody>
              <Row label="llem Studio version" value={info.appVersion} testId="app-version" />
              <Row label="Running as" value={info.mode === 'electron' ? 'Desktop app' : 'Browser (llem-studio serve)'} testId="app-mode" />
              <Row label="Data directory" value={info.dataDir} testId="data-dir" />
              <Row label="Database" value={info.databaseFile} testId="database-file" />
              <Row label="SQLite version" value={info.sqliteVersion} testId="sqlite-version" />
              <Row label="Schema version" value={info.schemaVersion} testId="schema-version" />
              <Row
                label="llem"
                testId="llem-status"
                value={
                  info.llem.found ? (
                    <>
                      <Chip size="small" color="success" label="found" sx={{ mr: 1 }} />
                      {info.llem.versionOutput} — {info.llem.path}
                    </>
                  ) : (
                    <>
                      <Chip size="small" color="warning" label="not found" sx={{ mr: 1 }} />
                      {info.llem.reason}
                    </>
                  )
                }
              />
              <Row
                label="GPUs"
                testId="gpu-status"
                value={
                  info.gpus.found
                    ? info.gpus.devices.map((gpu) => `#${gpu.index} ${gpu.name}${gpu.memoryTotalMb !== null ? ` (${gpu.memoryTotalMb} MiB)` : ''}`).join(', ')
                    : `nvidia-smi: ${info.gpus.reason}. What llem itself sees is in the llem and GPU check below.`
                }
              />
            </TableBody>
          </Table>
        </Paper>
      )}
      <LlemSettingsPanel />
      <GridIntensityPanel />
      <NotificationsPanel />
      <DoctorPanel />
      <PlatformPanel />
      <ClusterProfilesPanel />
    </>
  );
}
