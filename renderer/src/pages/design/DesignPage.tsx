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
import { CampaignModeChooser } from './CampaignModeChooser';
import { adaptiveSettingsOf, defaultAdaptiveForm, type AdaptiveForm, type CampaignMode } from './adaptivePlan';
import { profileShape, sweepKeySuggestions } from './profileSchema';
import { blankStudyYaml } from '../../../../contract/llem/formShape';
import type { FieldSpec } from '../../../../contract/llem/modelSpec';
import { LLEM_PROFILE_IDS, PROFILES } from '../../../../contract/llem/profiles';
import { SpecFields, type FieldAccess } from './SpecFields';
import { SweepEditor } from './SweepEditor';
import { DRAFT_KEY, INITIAL_PROFILE, loadLocalDraft, type Draft } from './draft';
import { parseStudy, readPath, writePath, type YamlPath } from './studyYaml';
import { YamlEditor } from './YamlEditor';
import { RanCampaignBanner } from './RanCampaignBanner';
import { askNotificationPermission } from '../../notifications/campaignEndNotice';
import { yamlProblems } from './yamlProblems';

/** The profile picker: every declared profile, in declaration order. */
const PROFILE_CHOICES: { id: ProfileIdName; label: string }[] = LLEM_PROFILE_IDS.map((id) => ({ id, label: PROFILES[id].pickerLabel }));

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

/** What the version box adds to the default version: whether llem was found there, or that the probe has not answered yet. */
function profileSuffix(detected: boolean | null): string {
  if (detected === null) return ' — looking for llem…';
  return detected ? ' — installed' : ' — default (no llem found)';
}

export function DesignPage() {
  const api = useApi();
  const [draft, setDraft] = useState<Draft | null>(() => loadLocalDraft());
  const [defaultProfile, setDefaultProfile] = useState<ProfileIdName>(INITIAL_PROFILE);
  // null while app.info has not answered: the version box says it is still looking, not that llem is missing.
  const [profileDetected, setProfileDetected] = useState<boolean | null>(null);
  // null until app.info answers: the Run button neither flashes enabled nor claims llem is missing before it knows.
  const [llemFound, setLlemFound] = useState<boolean | null>(null);
  const [templates, setTemplates] = useState<CampaignTemplate[]>([]);
  const [campaigns, setCampaigns] = useState<CampaignSummary[]>([]);
  const [plan, setPlan] = useState<PlanState>({ status: 'idle' });
  const [saveStatus, setSaveStatus] = useState<'saved' | 'saving' | 'unsaved' | { error: string }>('saved');
  const [tab, setTab] = useState<'form' | 'sweep' | 'experiments' | 'execution' | 'yaml'>('form');
  const [startError, setStartError] = useState<string | null>(null);
  const [mode, setMode] = useState<CampaignMode>('grid');
  const [adaptiveForm, setAdaptiveForm] = useState<AdaptiveForm | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void api.call('app.info', {}).then((info) => {
      if (info.ok) {
        setDefaultProfile(info.value.llemProfile.id);
        setProfileDetected(info.value.llemProfile.detected);
        setLlemFound(info.value.llem.found);
      } else setProfileDetected(false);
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
  // The save that is creating this draft's campaign (no id yet). A later save waits for its id: two creations in
  // flight would make two campaigns, and Run would start the one holding the older study.
  const creations = useRef(new Map<string, Promise<string | null>>());
  useEffect(() => {
    // A campaign that has run is only looked at: saving waits for the user's choice (RanCampaignBanner).
    if (!draft || draft.ranAs) return;
    const seq = ++saveSeq.current;
    setSaveStatus('unsaved');
    const timer = setTimeout(() => {
      setSaveStatus('saving');
      const save = async () => {
        const lineage = draft.localId ?? '';
        const creating = creations.current.get(lineage);
        const id = draft.id ?? (creating ? ((await creating) ?? undefined) : undefined);
        const pending = api.call('campaign.save', { id, name: draft.name.trim() || 'Untitled campaign', yaml: draft.yaml, profile: draft.profile });
        if (!id) creations.current.set(lineage, pending.then((r) => (r.ok ? r.value.id : null), () => null));
        return pending;
      };
      void save().then((result) => {
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
  }, [api, draft?.yaml, draft?.name, draft?.profile, draft?.ranAs]);

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
    setDraft({ name, yaml, profile: forProfile, localId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}` });
    setTab('form');
    focusName.current = true;
  }, []);

  const openCampaign = async (id: string) => {
    const result = await api.call('campaign.get', { id });
    if (!result.ok) return;
    const c = result.value;
    // A draft is edited in place. A campaign that has run is only looked at: no silent "(copy)"; the banner offers
    // "Run again" and "Save as new campaign", each asking for the new campaign's name.
    if (c.status === 'draft') setDraft({ id: c.id, name: c.name, yaml: c.yaml, profile: c.profile ?? defaultProfile });
    else setDraft({ name: c.name, yaml: c.yaml, profile: c.profile ?? defaultProfile, ranAs: { id: c.id, name: c.name, status: c.status } });
    setTab('form');
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
        {PROFILE_CHOICES.map((p) => (
          <MenuItem key={p.id} value={p.id}>
            {p.label}
            {p.id === defaultProfile ? profileSuffix(profileDetected) : ''}
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
            <CardActionArea onClick={() => startFrom(blankStudyYaml(profile), 'my-campaign', profile)} data-testid="template-blank">
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
            askNotificationPermission();
            setStartError(null);
            let started;
            if (mode === 'adaptive') {
              const checked = adaptiveSettingsOf(adaptiveForm ?? defaultAdaptiveForm(plan.status === 'ok' ? plan.plan.configCount : 0), plan.status === 'ok' ? plan.plan.configCount : 0);
              if (!checked.ok) return setStartError(checked.problems.map((p) => p.message).join(' '));
              started = await api.call('adaptive.start', { campaignId: draft.id, settings: checked.settings });
            } else started = await api.call('runs.start', { campaignId: draft.id });
            if (!started.ok) return setStartError(started.error.message);
            // The campaign's design is now fixed: the designer starts fresh (open it again to copy it).
            localStorage.removeItem(DRAFT_KEY);
            setDraft(null);
            openCampaignRuns(started.value.campaignId);
          }}
          data-testid="run-campaign"
        >
          {mode === 'adaptive' ? 'Run adaptive search on this GPU' : 'Run on this GPU'}
        </Button>
        </RunOnChoice>
        <Typography variant="body2" color={typeof saveStatus === 'object' ? 'error' : 'text.secondary'} data-testid="save-status">
          {draft.ranAs
            ? 'Not saved: this campaign has run'
            : typeof saveStatus === 'object' ? `Not saved: ${saveStatus.error}` : saveStatus === 'saved' ? 'All changes saved' : saveStatus === 'saving' ? 'Saving…' : 'Unsaved changes (kept locally)'}
        </Typography>
      </Stack>
      {draft.ranAs && (
        <RanCampaignBanner
          campaign={draft.ranAs}
          design={draft}
          existingNames={campaigns.map((c) => c.name)}
          canRun={llemFound === true}
          rename={(yaml, name) => writePath(yaml, [shape.nameKey], name)}
          onSaved={(saved) => {
            setDraft((d) => (d ? { name: saved.name, yaml: saved.yaml, profile: d.profile, id: saved.id } : d));
            void api.call('campaign.list', {}).then((list) => list.ok && setCampaigns(list.value));
          }}
          onStarted={(id) => (localStorage.removeItem(DRAFT_KEY), setDraft(null), openCampaignRuns(id))}
        />
      )}
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
        <PlanPanel
          state={plan}
          yaml={draft.yaml}
          problems={problems}
          onDownload={download}
          modeChooser={
            <CampaignModeChooser
              mode={mode}
              onMode={setMode}
              form={adaptiveForm ?? defaultAdaptiveForm(plan.status === 'ok' ? plan.plan.configCount : 0)}
              onForm={setAdaptiveForm}
              plan={plan.status === 'ok' ? plan.plan : null}
            />
          }
        />
      </Box>
    </>
  );
}
