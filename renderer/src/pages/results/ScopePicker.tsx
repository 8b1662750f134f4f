import { Checkbox, ListItemText, MenuItem, Stack, TextField, Typography } from '@mui/material';
import type { ResultScopesView } from '../../../../contract/apiResultScope';
import { scopeSummary, WITHOUT_CAMPAIGN_NAME, type ResultScope } from './scope';

/** The option value of "results of no campaign" (campaign ids are UUIDs, so it cannot clash). */
const LOOSE = '__without_campaign__';

interface Props {
  scope: ResultScope;
  scopes: ResultScopesView | null;
  onScope: (scope: ResultScope) => void;
}

/** Which campaigns the page shows: one or several, and the results of no campaign, as a multiple-choice list. */
export function ScopePicker({ scope, scopes, onScope }: Props) {
  const value = [...scope.campaignIds, ...(scope.withoutCampaign ? [LOOSE] : [])];
  const loose = scopes?.withoutCampaign.results ?? 0;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
      <TextField
        select
        size="small"
        label="Campaigns shown"
        value={value}
        sx={{ width: 340, maxWidth: '100%' }}
        slotProps={{
          select: {
            multiple: true,
            renderValue: () => scopeSummary(scope, scopes),
            MenuProps: { slotProps: { paper: { sx: { maxHeight: 420 } } } },
            SelectDisplayProps: { 'data-testid': 'scope-select' } as object,
          },
        }}
        onChange={(e) => {
          const chosen = e.target.value as unknown as string[];
          onScope({ campaignIds: chosen.filter((v) => v !== LOOSE), withoutCampaign: chosen.includes(LOOSE) });
        }}
      >
        {(scopes?.campaigns ?? []).map((c) => (
          <MenuItem key={c.id} value={c.id} data-testid="scope-option">
            <Checkbox size="small" checked={scope.campaignIds.includes(c.id)} tabIndex={-1} />
            <ListItemText
              primary={c.name}
              secondary={`${c.results} result${c.results === 1 ? '' : 's'} · ${c.status}${c.lastResultAt ? ` · last ${c.lastResultAt.slice(0, 16).replace('T', ' ')}` : ''}`}
            />
          </MenuItem>
        ))}
        {loose > 0 && (
          <MenuItem value={LOOSE} data-testid="scope-option">
            <Checkbox size="small" checked={scope.withoutCampaign} tabIndex={-1} />
            <ListItemText primary={WITHOUT_CAMPAIGN_NAME} secondary={`${loose} result${loose === 1 ? '' : 's'} imported from files`} />
          </MenuItem>
        )}
      </TextField>
      <Typography variant="caption" color="text.secondary" sx={{ maxWidth: 360, lineHeight: 1.3 }}>
        Charts, headline and table show these campaigns only, and name only the settings that differ between them.
      </Typography>
    </Stack>
  );
}
