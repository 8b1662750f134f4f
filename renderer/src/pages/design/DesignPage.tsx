import { Alert, Box, Button, Card, CardActionArea, CardContent, Chip, Link, MenuItem, Paper, Stack, Tab, Tabs, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProfileIdName } from '../../../../contract/api';
import type { CampaignSummary, CampaignTemplate } from '../../../../contract/apiCampaign';
import { useApi } from '../../api/ApiContext';
import { openCampaignRuns } from '../../navigation';
import { RunOnChoice } from '../slurm/RunOnChoice';
import { ExecutionEditor } from './ExecutionEditor';
import { ExperimentsEditor } from './ExperimentsEditor';
import { PlanPanel, type PlanState } from './PlanPanel';
import { profileShape, sweepKeySuggestions } from './profileSchema';
import type { FieldSpec } from '../../../../contract/llem/modelSpec';
import { SpecFields, type FieldAccess } from './SpecFields';
import { SweepEditor } from './SweepEditor';
import { DRAFT_KEY, INITIAL_PROFILE, loadLocalDraft, type Draft } from './draft';
import { parseStudy, readPath, writePath, type YamlPath } from './studyYaml';
import { YamlEditor } from './YamlEditor';
import { yamlProblems } from './yamlProblems';

const PROFILES: { id: ProfileIdName; label: string }[] = [
  { id: 'head', label: 'llem HEAD (v0.8.0)' },
  { id: 'v0.8', label: 'llem v0.8.0 tag' },
  { id: 'v0.7', label: 'llem v0.7.0 tag' },
  { id: 'pypi-0.7.0', label: 'llenergymeasure 0.7.0 (PyPI)' },
];

function blankYaml(profile: ProfileIdName): string {
  return profile === 'pypi-0.7.0'
    ? 'study_name: "my-campaign"\nserving_mode: "offline"\ntask:\n  model: "gpt2"\nsweep:\n  transformers.engine_params.dtype: ["float16", "bfloat16"]\n'
    : 'name: "my-campaign"\nmodel: "gpt2"\nsweep:\n  precision: ["fp16", "bf16"]\n';
}

/** Why "Run on this GPU" is off without llem, and how to get the release the designer now writes for. */
function NoLlemNotice() {
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="no-llem-notice">
      No llem found, so campaigns cannot run here yet. The designer writes for <strong>llenergymeasure 0.7.0</strong>, the release{' '}
      <code>pip install llenergymeasure</code> installs. Install it, then choose its <code>llem</code> (or its Python) in{' '}
      <Link href="#/settings">Settings → llem</Link>.
    </Alert>
  );
}

export function DesignPage() {
  const api = useApi();
  const [draft, setDraft] = useState<Draft | null>(() => loadLocalDraft());
  const [defaultProfile, setDefaultProfile] = useState<ProfileIdName>(INITIAL_PROFILE);
  const [profileDetected, setProfileDetected] = useState(false);
  // null until app.info answers: the Run button neither flashes enabled nor claims llem is missing before it knows.
  const [llemFound, setLlemFound] = useState<boolean | null>(null);
  const [templates, setTemplates] = useState<CampaignTemplate[]>([]);
  const [campaigns, setCampaigns] = useState<CampaignSummary[]>([]);
  const [plan, setPlan] = useState<PlanState>({ status: 'idle' });
  const [saveStatus, setSaveStatus] = useState<'saved' | 'saving' | 'unsaved' | { error: string }>('saved');
  const [tab, setTab] = useState<'form' | 'sweep' | 'experiments' | 'execution' | 'yaml'>('form');
  const [startError, setStartError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void api.call('app.info', {}).then((info) => {
      if (info.ok) {
        setDefaultProfile(info.value.llemProfile.id);
        setProfileDetected(info.value.llemProfile.detected);
        setLlemFound(info.value.llem.found);
      }
    });
    void api.call('campaign.list', {}).then((list) => list.ok && setCampaigns(list.value));
  }, [api]);

  const profile = draft?.profile ?? defaultProfile;
  useEffect(() => {
    void api.call('campaign.templates', { profile }).then((result) => setTemplates(result.ok ? result.value : []));
  }, [api, profile]);

  // Every edit is kept locally at once (nothing typed is lost, even with the core unreachable)…
  useEffect(() => {
    // "New" (no draft) forgets the local copy too, or a reload would bring the old study back.
    if (draft) localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else localStorage.removeItem(DRAFT_KEY);
  }, [draft]);

  // …planned after a short pause…
  const planSeq = useRef(0);
  useEffect(() => {
    if (!draft) return;
    const seq = ++planSeq.current;
    setPlan({ status: 'planning' });
    const timer = setTimeout(() => {
      void api.call('campaign.plan', { yaml: draft.yaml, profile: draft.profile }).then((result) => {
        if (seq !== planSeq.current) return; // an older answer arriving late
        setPlan(result.ok ? { status: 'ok', plan: result.value } : { status: 'error', error: result.error });
      });
    }, 300);
    return () => clearTimeout(timer);
  }, [api, draft?.yaml, draft?.profile]);

  // …and saved to the store after a longer one.
  const saveSeq = useRef(0);
  useEffect(() => {
    if (!draft) return;
    const seq = ++saveSeq.current;
    setSaveStatus('unsaved');
    const timer = setTimeout(() => {
      setSaveStatus('saving');
      void api.call('campaign.save', { id: draft.id, name: draft.name.trim() || 'Untitled campaign', yaml: draft.yaml, profile: draft.profile }).then((result) => {
        // The campaign's id is kept whatever the order; the status only from the newest save: an older save that
        // answers after an edit must not say "All changes saved" (Run would then start the older study).
        if (result.ok) setDraft((current) => (current && !current.id ? { ...current, id: result.value.id } : current));
        if (seq !== saveSeq.current) return;
        if (!result.ok) return setSaveStatus({ error: result.error.message });
        setSaveStatus('saved');
        setCampaigns((list) => [result.value, ...list.filter((c) => c.id !== result.value.id)]);
      });
    }, 1000);
    return () => clearTimeout(timer);
  }, [api, draft?.yaml, draft?.name, draft?.profile]);

  const shape = useMemo(() => profileShape(profile), [profile]);
  // The plan's problems placed on the YAML's lines: marked in the editor and listed by line in the plan panel.
  const problems = useMemo(() => (draft ? yamlProblems(draft.yaml, plan.status === 'error' ? plan.error : null) : []), [draft?.yaml, plan]);
  const parsed = useMemo(() => (draft ? parseStudy(draft.yaml) : null), [draft?.yaml]);

  const access: FieldAccess = useMemo(
    () => ({
      read: (path: YamlPath) => {
        const value = parsed?.doc.getIn(path);
        return value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value;
      },
      write: (path: YamlPath, value: unknown) => setDraft((d) => (d ? { ...d, yaml: writePath(d.yaml, path, value) } : d)),
    }),
    [parsed],
  );

  // Choosing a template replaces the cards the keyboard was on: continue on the campaign's name.
  const nameField = useRef<HTMLInputElement>(null);
  const focusName = useRef(false);
  useEffect(() => {
    if (focusName.current && nameField.current) {
      focusName.current = false;
      nameField.current.focus();
    }
  });

  const startFrom = useCallback((yaml: string, name: string, forProfile: ProfileIdName) => {
    setDraft({ name, yaml, profile: forProfile });
    setTab('form');
    focusName.current = true;
  }, []);

  const openCampaign = async (id: string) => {
    const result = await api.call('campaign.get', { id });
    // A campaign that has run is opened as a copy: its own design stays as it ran.
    if (result.ok) setDraft({ id: result.value.status === 'draft' ? result.value.id : undefined, name: result.value.status === 'draft' ? result.value.name : `${result.value.name} (copy)`, yaml: result.value.yaml, profile: result.value.profile ?? defaultProfile });
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 1_000_000) return setSaveStatus({ error: `${file.name} is larger than 1 MB; that is not a llem study.` });
    const text = await file.text();
    const named = readPath(text, [shape.nameKey]);
    startFrom(text, typeof named === 'string' && named.trim() ? named : file.name.replace(/\.(ya?ml|json)$/i, ''), profile);
  };

  // In the desktop app the native menu drives the designer too (File > New / Open / Save / Save As).
  const draftRef = useRef(draft);
  draftRef.current = draft;
  useEffect(() => {
    const desktop = window.llem?.desktop;
    if (!desktop) return;
    return desktop.onEvent((event) => {
      if (event.type === 'campaign.opened') startFrom(event.campaign.text, event.campaign.name.replace(/\.(ya?ml|json)$/i, ''), draftRef.current?.profile ?? defaultProfile);
      else if (event.type === 'menu' && event.command === 'campaign.new') setDraft(null);
      else if (event.type === 'menu' && (event.command === 'campaign.save' || event.command === 'campaign.saveAs')) {
        const current = draftRef.current;
        if (current) void desktop.saveFile({ suggestedName: `${(current.name || 'study').replace(/[^\w.-]+/g, '-')}.yaml`, kind: 'campaign', text: current.yaml });
      }
    });
  }, [defaultProfile, startFrom]);

  const download = () => {
    if (!draft) return;
    const desktop = window.llem?.desktop;
    if (desktop) {
      void desktop.saveFile({ suggestedName: `${(draft.name || 'study').replace(/[^\w.-]+/g, '-')}.yaml`, kind: 'campaign', text: draft.yaml });
      return;
    }
    const url = URL.createObjectURL(new Blob([draft.yaml], { type: 'application/yaml' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${(draft.name || 'study').replace(/[^\w.-]+/g, '-')}.yaml`;
    link.click();
    URL.revokeObjectURL(url);
  };

  const header = (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2, alignItems: { md: 'center' } }}>
      <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
        Design
      </Typography>
      <TextField
        select
        size="small"
        label="llem version"
        value={profile}
        onChange={(e) => draft && setDraft({ ...draft, profile: e.target.value as ProfileIdName })}
        disabled={!draft}
        sx={{ minWidth: 230 }}
      >
        {PROFILES.map((p) => (
          <MenuItem key={p.id} value={p.id}>
            {p.label}
            {p.id === defaultProfile ? (profileDetected ? ' — installed' : ' — default (no llem found)') : ''}
          </MenuItem>
        ))}
      </TextField>
      <TextField select size="small" label="Open campaign" value="" onChange={(e) => void openCampaign(e.target.value)} sx={{ minWidth: 200 }} disabled={campaigns.length === 0}>
        {campaigns.map((c) => (
          <MenuItem key={c.id} value={c.id}>
            {c.name} <Chip size="small" label={c.status} sx={{ ml: 1 }} />
          </MenuItem>
        ))}
      </TextField>
      <Button
        variant="outlined"
        onClick={() => {
          const desktop = window.llem?.desktop;
          if (desktop) void desktop.openCampaign().then((r) => r.ok && r.value && startFrom(r.value.text, r.value.name.replace(/\.(ya?ml|json)$/i, ''), profile));
          else fileInput.current?.click();
        }}
      >
        Open YAML…
      </Button>
      <Button variant="outlined" onClick={() => setDraft(null)}>
        New
      </Button>
      <input ref={fileInput} type="file" accept=".yaml,.yml,.json" hidden onChange={(e) => void onFile(e.target.files?.[0])} aria-label="Open a llem study file" />
    </Stack>
  );

  if (!draft) {
    return (
      <>
        {header}
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          Start a campaign from a template, or from a blank study. Everything stays editable.
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr 1fr' }, gap: 2 }}>
          {templates.map((t) => (
            <Card key={t.id} variant="outlined">
              <CardActionArea onClick={() => startFrom(t.yaml, t.name, t.profile)} data-testid={`template-${t.id}`}>
                <CardContent>
                  <Typography variant="h6">{t.name}</Typography>
                  <Typography variant="body2" color="text.secondary">
                    {t.description}
                  </Typography>
                </CardContent>
              </CardActionArea>
            </Card>
          ))}
          <Card variant="outlined">
            <CardActionArea onClick={() => startFrom(blankYaml(profile), 'my-campaign', profile)} data-testid="template-blank">
              <CardContent>
                <Typography variant="h6">Blank study</Typography>
                <Typography variant="body2" color="text.secondary">
                  One model, two precisions: the smallest sweep.
                </Typography>
              </CardContent>
            </CardActionArea>
          </Card>
        </Box>
      </>
    );
  }

  const engine = access.read([shape.engineField]);
  const engineName = typeof engine === 'string' ? engine : shape.engines[0];
  const servingMode = access.read(['serving_mode']);
  const rootFilter = (field: FieldSpec) => {
    if (shape.hidden.has(field.name)) return false;
    if (shape.engines.includes(field.name) && field.name !== engineName) return false;
    if ((field.name === 'server' || field.name === 'offline') && servingMode !== field.name) return false;
    return true;
  };

  return (
    <>
      {header}
      <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
        <TextField
          size="small"
          label="Campaign name"
          inputRef={nameField}
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value, yaml: writePath(draft.yaml, [shape.nameKey], e.target.value || undefined) })}
          sx={{ minWidth: 320 }}
        />
        <RunOnChoice campaignId={draft.id ?? null} disabled={!draft.id || saveStatus !== 'saved' || plan.status !== 'ok' || plan.plan.runCount === 0} onSubmitted={(id) => (localStorage.removeItem(DRAFT_KEY), setDraft(null), openCampaignRuns(id))}>
        <Button
          variant="contained"
          disabled={!llemFound || !draft.id || saveStatus !== 'saved' || plan.status !== 'ok' || plan.plan.runCount === 0}
          onClick={async () => {
            if (!draft.id) return;
            setStartError(null);
            const started = await api.call('runs.start', { campaignId: draft.id });
            if (!started.ok) return setStartError(started.error.message);
            // The campaign's design is now fixed: the designer starts fresh (open it again to copy it).
            localStorage.removeItem(DRAFT_KEY);
            setDraft(null);
            openCampaignRuns(started.value.campaignId);
          }}
          data-testid="run-campaign"
        >
          Run on this GPU
        </Button>
        </RunOnChoice>
        <Typography variant="body2" color={typeof saveStatus === 'object' ? 'error' : 'text.secondary'} data-testid="save-status">
          {typeof saveStatus === 'object' ? `Not saved: ${saveStatus.error}` : saveStatus === 'saved' ? 'All changes saved' : saveStatus === 'saving' ? 'Saving…' : 'Unsaved changes (kept locally)'}
        </Typography>
      </Stack>
      {llemFound === false && <NoLlemNotice />}
      {startError && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="run-error" onClose={() => setStartError(null)}>
          {startError}
        </Alert>
      )}
      {parsed?.error && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          The YAML does not parse yet ({parsed.error}). The form is read-only until it does; fix it in the YAML tab.
        </Alert>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0, 3fr) minmax(0, 2fr)' }, gap: 3, alignItems: 'start' }}>
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Tabs value={tab} onChange={(_e, t) => setTab(t)} sx={{ mb: 2 }} variant="scrollable" aria-label="Campaign sections">
            <Tab value="form" label="Fixed fields" />
            <Tab value="sweep" label="Sweep" />
            <Tab value="experiments" label="Experiments" />
            <Tab value="execution" label="Execution" />
            <Tab value="yaml" label="YAML" />
          </Tabs>
          {tab === 'form' && (
            <>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
                Fields shared by every experiment. Empty fields use llem's default (shown greyed).
              </Typography>
              <SpecFields spec={shape.spec} basePath={[]} access={access} only={rootFilter} />
            </>
          )}
          {tab === 'sweep' && <SweepEditor sweep={access.read(['sweep'])} suggestions={sweepKeySuggestions(shape)} onChange={(sweep) => access.write(['sweep'], sweep)} />}
          {tab === 'experiments' && <ExperimentsEditor experiments={access.read(['experiments'])} onChange={(list) => access.write(['experiments'], list)} />}
          {tab === 'execution' && <ExecutionEditor shape={shape} access={access} />}
          {tab === 'yaml' && (
            <YamlEditor
              value={draft.yaml}
              problems={problems}
              onChange={(yaml) => {
                const named = readPath(yaml, [shape.nameKey]);
                setDraft((d) => (d ? { ...d, yaml, name: typeof named === 'string' && named.trim() ? named : d.name } : d));
              }}
            />
          )}
        </Paper>
        <PlanPanel state={plan} yaml={draft.yaml} problems={problems} onDownload={download} />
      </Box>
    </>
  );
}
