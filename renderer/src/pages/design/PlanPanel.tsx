import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Chip, Divider, List, ListItem, ListItemText, Paper, Stack, Typography } from '@mui/material';
import type { CampaignPlanView } from '../../../../contract/apiCampaign';
import type { AppError } from '../../../../contract/result';
import { formatDuration, formatEnergy, formatRange } from '../../format';
import type { YamlProblem } from './yamlProblems';
import type { ReactNode } from 'react';

export type PlanState = { status: 'idle' | 'planning' } | { status: 'ok'; plan: CampaignPlanView } | { status: 'error'; error: AppError };

function Stat({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <Box sx={{ minWidth: 90 }}>
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="h6" data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

/** The live side panel: what llem will do with this study, before anything runs. */
export function PlanPanel({
  state,
  yaml,
  problems = [],
  onDownload,
  modeChooser,
}: {
  state: PlanState;
  yaml: string;
  problems?: YamlProblem[];
  onDownload: () => void;
  /** Grid or adaptive, shown under the plan once it is valid (CampaignModeChooser). */
  modeChooser?: ReactNode;
}) {
  return (
    <Paper variant="outlined" sx={{ p: 2, position: { md: 'sticky' }, top: { md: 72 } }} aria-live="polite">
      <Typography variant="h6" component="h2" gutterBottom>
        Plan
      </Typography>
      {state.status === 'planning' && <Typography color="text.secondary">Checking…</Typography>}
      {state.status === 'error' && (
        <Alert severity="error" data-testid="plan-error" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {problems.length > 1 || state.error.issues?.length ? `${problems.length} problems, each marked on its line in the YAML:` : state.error.message}
          {problems.length > 0 && (problems.length > 1 || state.error.issues?.length) ? (
            <List dense data-testid="plan-problems">
              {problems.slice(0, 50).map((p, i) => (
                <ListItem key={i} disableGutters>
                  <ListItemText primary={`line ${p.line}${p.path ? ` · ${p.path}` : ''}: ${p.message}`} />
                </ListItem>
              ))}
            </List>
          ) : null}
        </Alert>
      )}
      {state.status === 'ok' && <PlanSummary plan={state.plan} />}
      {state.status === 'ok' && modeChooser && (
        <>
          <Divider sx={{ my: 2 }} />
          {modeChooser}
        </>
      )}
      <Divider sx={{ my: 2 }} />
      <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
        <Typography variant="subtitle2" sx={{ flexGrow: 1 }}>
          Study YAML
        </Typography>
        <Button size="small" startIcon={<ContentCopyIcon />} onClick={() => void navigator.clipboard?.writeText(yaml)}>
          Copy
        </Button>
        <Button size="small" onClick={onDownload}>
          Save as…
        </Button>
      </Stack>
      <Box component="pre" data-testid="study-yaml" tabIndex={0} role="region" aria-label="YAML as saved (read-only)" sx={{ m: 0, p: 1, maxHeight: 280, overflow: 'auto', bgcolor: 'action.hover', borderRadius: 1, fontSize: 12 }}>
        {yaml}
      </Box>
    </Paper>
  );
}

function PlanSummary({ plan }: { plan: CampaignPlanView }) {
  return (
    <>
      <Stack direction="row" spacing={3} sx={{ mb: 1, flexWrap: 'wrap' }}>
        <Stat label="runs" value={plan.runCount} testId="plan-run-count" />
        <Stat label="configurations" value={plan.configCount} testId="plan-config-count" />
        <Stat label="cycles" value={plan.execution.nCycles} testId="plan-cycles" />
        <Stat label="skipped" value={plan.skipped.length} testId="plan-skipped-count" />
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Order: {plan.execution.order}
        {plan.execution.defaulted ? ' (llem default)' : ''} · study hash <code>{plan.studyDesignHash || '—'}</code>
      </Typography>
      <Box sx={{ mt: 1 }} data-testid="plan-estimate">
        <Typography variant="body2">
          Time: <strong>{formatRange(plan.estimate.totalDurationSeconds, formatDuration)}</strong> · GPU energy:{' '}
          <strong>{formatRange(plan.estimate.totalEnergyJoules, formatEnergy)}</strong>
        </Typography>
        {plan.estimate.basis && (
          <Typography variant="caption" color="text.secondary" component="div" data-testid="plan-estimate-basis">
            Phase times: {plan.estimate.basis}
          </Typography>
        )}
        {plan.estimate.usesHeuristic && (
          <Typography variant="caption" color="text.secondary">
            A rough estimate (no similar runs measured yet): baseline, model load, warmup, thermal floor and gaps are included; model
            size and GPU speed are guessed.
          </Typography>
        )}
      </Box>
      {plan.warnings.length > 0 && (
        <Box sx={{ mt: 2 }}>
          {plan.warnings.map((w, i) => (
            <Alert key={i} severity="warning" sx={{ mb: 1 }} data-testid="plan-warning">
              {w.message}
            </Alert>
          ))}
        </Box>
      )}
      {plan.skipped.length > 0 && (
        <Box sx={{ mt: 2 }}>
          <Typography variant="subtitle2">Invalid combinations (not run)</Typography>
          <List dense data-testid="plan-skipped">
            {plan.skipped.map((s, i) => (
              <ListItem key={i} disableGutters alignItems="flex-start">
                <ListItemText
                  primary={
                    <>
                      <Chip size="small" label={s.values || s.label} sx={{ mr: 1, maxWidth: '100%' }} data-testid="plan-skipped-label" />
                      <Typography component="span" variant="caption" color="text.secondary">
                        {s.values ? `${s.label} · ` : ''}
                        {s.origin}
                      </Typography>
                    </>
                  }
                  secondary={s.reason}
                  slotProps={{ secondary: { sx: { whiteSpace: 'pre-wrap', wordBreak: 'break-word' } } }}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      )}
      {plan.configs.length > 0 && (
        <Box sx={{ mt: 2 }}>
          <Typography variant="subtitle2">Configurations</Typography>
          <List dense data-testid="plan-configs" sx={{ maxHeight: 200, overflow: 'auto' }}>
            {plan.configs.map((c) => (
              <ListItem key={c.index} disableGutters>
                <ListItemText
                  primary={c.label}
                  secondary={c.label === c.summary ? `${c.hash} · ${c.origin}` : `${c.summary} · ${c.hash} · ${c.origin}`}
                  slotProps={{ primary: { 'data-testid': 'plan-config-label' } as object, secondary: { sx: { wordBreak: 'break-word' } } }}
                />
              </ListItem>
            ))}
          </List>
        </Box>
      )}
    </>
  );
}
