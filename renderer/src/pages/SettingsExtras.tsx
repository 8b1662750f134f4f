import { Alert, Button, Chip, List, ListItem, ListItemText, Paper, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import type { PlatformSettings } from '../../../contract/apiSettings';
import type { DoctorFinding } from '../../../contract/doctor';
import { useApi } from '../api/ApiContext';
import { useQuery } from '../api/queries';

const STATUS_COLOUR = { ok: 'success', warn: 'warning', error: 'error' } as const;

/** `llem-studio doctor` on the page: what running campaigns needs, each with a fix. */
export function DoctorPanel() {
  // A query of the data layer: saving the llem settings invalidates it, so the check runs again with the new llem.
  const query = useQuery('settings.doctor', {});
  const findings: DoctorFinding[] | null = query.loading ? null : query.data;
  const error = query.error?.message ?? null;
  const check = query.refetch;
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          llem and GPU check
        </Typography>
        <Button size="small" onClick={check}>
          Check again
        </Button>
      </Stack>
      {error && <Alert severity="error">{error}</Alert>}
      {!findings && !error && <Typography color="text.secondary">Checking…</Typography>}
      {findings && (
        <List dense data-testid="doctor-findings">
          {findings.map((f) => (
            <ListItem key={f.id} disableGutters alignItems="flex-start">
              <Chip size="small" label={f.status} color={STATUS_COLOUR[f.status]} sx={{ mr: 2, mt: 0.5, minWidth: 56 }} />
              <ListItemText primary={f.message} secondary={f.fixHint} />
            </ListItem>
          ))}
        </List>
      )}
    </Paper>
  );
}

/** Where results are pushed, and its token (write-only: the page never sees a stored token). */
export function PlatformPanel() {
  const api = useApi();
  const [settings, setSettings] = useState<PlatformSettings | null>(null);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  useEffect(() => {
    void api.call('settings.platform', {}).then((r) => {
      if (r.ok) {
        setSettings(r.value);
        // A URL typed before the stored one arrived is kept (the answer must not wipe what the user entered).
        setUrl((typed) => (typed === '' ? (r.value.url ?? '') : typed));
      }
    });
  }, [api]);
  const save = async (clearToken = false) => {
    const result = await api.call('settings.setPlatform', { url: url.trim() === '' ? null : url.trim(), ...(token ? { token } : {}), ...(clearToken ? { clearToken } : {}) });
    if (!result.ok) return setMessage({ severity: 'error', text: result.error.message });
    setSettings(result.value);
    setToken('');
    setMessage({ severity: 'success', text: 'Saved.' });
  };
  return (
    <Paper variant="outlined" sx={{ p: 2, mt: 3 }}>
      <Typography variant="h6" component="h2" gutterBottom>
        Sharing platform
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Results are only sent when you push them, after a preview. The token is kept {settings ? settings.tokenStore : 'safely'} and never shown again.
      </Typography>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'flex-start' } }}>
        <TextField size="small" label="Platform URL" placeholder="https://platform.example.org" value={url} onChange={(e) => setUrl(e.target.value)} sx={{ minWidth: 320 }} />
        <TextField
          size="small"
          label="Token"
          type="password"
          autoComplete="off"
          value={token}
          placeholder={settings?.tokenStored ? 'stored (type to replace)' : ''}
          onChange={(e) => setToken(e.target.value)}
          helperText={settings?.tokenStored ? 'A token is stored for this platform.' : 'No token stored.'}
        />
        <Button variant="outlined" onClick={() => void save()}>
          Save
        </Button>
        {settings?.tokenStored && (
          <Button color="error" onClick={() => void save(true)}>
            Forget token
          </Button>
        )}
      </Stack>
      {message && (
        <Alert severity={message.severity} sx={{ mt: 2 }} data-testid="platform-message">
          {message.text}
        </Alert>
      )}
    </Paper>
  );
}
