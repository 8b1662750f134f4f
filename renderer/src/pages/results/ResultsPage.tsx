import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import DownloadIcon from '@mui/icons-material/Download';
import InsertChartOutlinedIcon from '@mui/icons-material/InsertChartOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import { Alert, Box, Button, CircularProgress, IconButton, Paper, Stack, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { ConfigView, ResultListRowView } from '../../../../contract/apiResults';
import { hashArgument } from '../../navigation';
import { ComparePanel } from './ComparePanel';
import { ExportButton } from './ExportDialog';
import { PushButton } from './PushDialog';
import { EnergyByParameterChart } from './charts/EnergyByParameterChart';
import { ParallelCoordinatesChart } from './charts/ParallelCoordinatesChart';
import { ParetoChart } from './charts/ParetoChart';
import { PowerTimelineChart } from './charts/PowerTimelineChart';
import { VarianceChart } from './charts/VarianceChart';
import { GRID_COLUMNS } from './gridColumns';
import { HeadlineCard } from './HeadlineCard';
import { ImportButtons, ImportStatus, useImporter } from './ImportControls';
import { filterParams, NO_FILTER, ResultFilters, type FilterState } from './ResultFilters';
import { AdaptiveResultsPanel } from './AdaptiveResultsPanel';
import { ResultsGrid, type GridSort } from './ResultsGrid';
import { ExplainDialog, type ExplainTarget } from './ExplainDialog';
import { collectDropped } from './uploadFiles';
import { useInvalidate, useQuery } from '../../api/queries';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { readHashParam, writeHashParam } from '../../hooks/useHashParam';
import { useApi } from '../../api/ApiContext';
import type { MethodName } from '../../../../contract/api';
import { ScopePicker } from './ScopePicker';
import { SCOPE_PARAM, scopeFilter, scopeFromUrl, scopeGroupOf, scopeGroups, scopeIsEmpty, scopeToUrl, type ResultScope } from './scope';
import { csvFileName, resultsCsv } from './csv';
import { downloadFile } from '../../components/chartExport';
import type { GridContext } from './gridColumns';

/** v2: the configuration folded into one column (issue #17); older stored choices overflowed a 1280 px window. */
const COLUMNS_KEY = 'llem-studio.results.columns.v2';
/** Configurations one comparison takes at most (contract/apiResults.ts CompareParamsSchema). */
const MAX_COMPARED = 8;
/** Every answer an import, a reload or a finished run can make stale on this page. */
const RESULTS_METHODS: readonly MethodName[] = [
  'results.list', 'results.aggregates', 'results.referenceDatasets', 'results.scopes', 'results.compare', 'export.sources', 'export.preview', 'push.preview', 'push.history',
];
const DEFAULT_COLUMNS = GRID_COLUMNS.filter((c) => c.defaultVisible).map((c) => c.id);
/** Reference rows drawn on the charts at most (published datasets hold a few thousand). */
const REFERENCE_LIMIT = 5000;

function storedColumns(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null');
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed.filter((id) => GRID_COLUMNS.some((c) => c.id === id));
  } catch {
    // A damaged setting falls back to the defaults.
  }
  return DEFAULT_COLUMNS;
}

const groupKeyOf = (r: ResultListRowView) => r.identity_hash ?? r.measurement_config_hash ?? `result-${r.id}`;

/** The scope's hash parameters, read together and written in one step (one history entry per change). */
function useScopeHash(): [{ campaigns: string | null; loose: string | null; reference: string | null }, (changes: Record<string, string | null>) => void] {
  const read = () => {
    const hash = window.location.hash;
    // `#/results?campaign=<id>` is what the Runs page links to ("Open results" of one campaign).
    const campaigns = readHashParam(hash, SCOPE_PARAM.campaigns) ?? readHashParam(hash, 'campaign');
    return { campaigns, loose: readHashParam(hash, SCOPE_PARAM.withoutCampaign), reference: readHashParam(hash, SCOPE_PARAM.reference) };
  };
  const [state, setState] = useState(read);
  useEffect(() => {
    const onHash = () => setState(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const write = useCallback((changes: Record<string, string | null>) => {
    let hash = window.location.hash || '#/results';
    hash = writeHashParam(hash, 'campaign', null);
    for (const [name, value] of Object.entries(changes)) hash = writeHashParam(hash, name, value);
    window.location.hash = hash;
  }, []);
  return [state, write];
}

export function ResultsPage() {
  const api = useApi();
  const invalidate = useInvalidate();
  const refresh = useCallback(() => invalidate(RESULTS_METHODS), [invalidate]);
  const importer = useImporter(refresh);

  const [hashScope, writeHash] = useScopeHash();
  const scopes = useQuery('results.scopes', {});
  const scope = useMemo(() => scopeFromUrl(hashScope.campaigns, hashScope.loose, scopes.data), [hashScope.campaigns, hashScope.loose, scopes.data]);
  const setScope = useCallback((next: ResultScope) => {
    const url = scopeToUrl(next);
    writeHash({ [SCOPE_PARAM.campaigns]: url.campaigns, [SCOPE_PARAM.withoutCampaign]: url.loose });
  }, [writeHash]);
  const overlay = hashScope.reference === '1';
  const setOverlay = (on: boolean) => writeHash({ [SCOPE_PARAM.reference]: on ? '1' : null });

  const [filter, setFilter] = useState<FilterState>(NO_FILTER);
  const debounced = useDebouncedValue(filter, 300);
  // Nothing is asked before the scope is known: the default scope needs the list of campaigns.
  const params = useMemo(() => (scopes.data ? { ...filterParams(debounced), ...scopeFilter(scope) } : null), [debounced, scope, scopes.data]);
  const [sort, setSort] = useState<GridSort>({ sortBy: 'start_time', sortDir: 'desc' });
  const [paging, setPaging] = useState({ page: 0, rowsPerPage: 25 });
  const [explain, setExplain] = useState<ExplainTarget | null>(null);
  const [columns, setColumns] = useState<string[]>(storedColumns);
  const [selected, setSelected] = useState<Map<number, string>>(new Map());
  const [compareKeys, setCompareKeys] = useState<string[] | null>(null);
  const [active, setActive] = useState<{ id: number; label: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const compareRef = useRef<HTMLDivElement>(null);
  const [exportRequests, setExportRequests] = useState(0);

  // `#/results/export` (the desktop menu's File > Export…) opens the export dialog.
  useEffect(() => {
    const check = () => {
      if (hashArgument() !== 'export') return;
      setExportRequests((n) => n + 1);
      history.replaceState(null, '', '#/results');
    };
    check();
    window.addEventListener('hashchange', check);
    return () => window.removeEventListener('hashchange', check);
  }, []);

  const datasets = useQuery('results.referenceDatasets', {});
  const showReference = overlay && (datasets.data?.length ?? 0) > 0;
  const listParams = useMemo(
    () =>
      params && {
        ...params,
        sources: showReference ? (['measured', 'imported', 'reference'] as const) : (['measured', 'imported'] as const),
        sortBy: sort.sortBy,
        sortDir: sort.sortDir,
      },
    [params, showReference, sort],
  );
  const list = useQuery('results.list', listParams && { ...listParams, sources: [...listParams.sources], limit: paging.rowsPerPage, offset: paging.page * paging.rowsPerPage });
  const aggregates = useQuery('results.aggregates', params);
  const reference = useQuery(
    'results.list',
    showReference && params
      ? { sources: ['reference'], ...(params.model ? { model: params.model } : {}), ...(params.gpuName ? { gpuName: params.gpuName } : {}), limit: REFERENCE_LIMIT, sortBy: 'avg_energy_per_token_j', sortDir: 'asc' }
      : null,
  );
  const referenceRows = showReference ? (reference.data?.rows ?? []) : null;

  useEffect(() => setPaging((p) => ({ ...p, page: 0 })), [params, showReference]);
  useEffect(() => {
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(columns));
  }, [columns]);
  useEffect(() => {
    if (compareKeys) compareRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'nearest' });
  }, [compareKeys]);

  const selectedKeys = useMemo(() => [...new Set(selected.values())], [selected]);
  const toggleSelected = (row: ResultListRowView) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, groupKeyOf(row));
      return next;
    });

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (importer.busy) return;
    const files = await collectDropped(e.dataTransfer);
    await importer.importFiles(files);
  };
  const onDragOver = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    if (!dragging) setDragging(true);
  };

  // A fresh import belongs to no campaign: bring those results into the scope, or they would seem to vanish.
  useEffect(() => {
    if (importer.report?.added.some((a) => a.kind === 'llem_result') && !scope.withoutCampaign) setScope({ ...scope, withoutCampaign: true });
  }, [importer.report]);

  const agg = aggregates.data;
  const hasOwn = (agg?.totalResults ?? 0) > 0;
  const filtered = Object.keys(filterParams(debounced)).length > 0;
  const storeEmpty = scopes.data !== null && scopes.data.campaigns.length === 0 && scopes.data.withoutCampaign.results === 0;
  const nothingYet = storeEmpty && (datasets.data?.length ?? 0) === 0 && !datasets.loading;
  const groupOf = useCallback((c: ConfigView) => scopeGroupOf(c, scope, scopes.data), [scope, scopes.data]);
  const severalCampaigns = useMemo(() => scopeGroups(agg?.configs ?? [], scope, scopes.data).length > 1, [agg, scope, scopes.data]);
  const gridContext = useMemo((): GridContext => ({ configLabels: new Map((agg?.configs ?? []).map((c) => [c.groupKey, c.label])) }), [agg]);
  const [csvBusy, setCsvBusy] = useState(false);
  const [csvError, setCsvError] = useState<string | null>(null);
  const exportCsv = async () => {
    if (!listParams) return;
    setCsvBusy(true);
    setCsvError(null);
    // Every row of the scope and filter in the table's order and columns, not just the page on screen.
    const all = await api.call('results.list', { ...listParams, sources: [...listParams.sources], limit: 100_000, offset: 0 });
    setCsvBusy(false);
    if (!all.ok) return setCsvError(all.error.message);
    const shown = GRID_COLUMNS.filter((c) => columns.includes(c.id));
    downloadFile(csvFileName(new Date()), new Blob([resultsCsv(all.value.rows, shown, gridContext)], { type: 'text/csv;charset=utf-8' }));
  };
  const backends = useMemo(() => [...new Set(agg?.configs.map((c) => c.backend) ?? [])], [agg]);
  const precisions = useMemo(() => [...new Set(agg?.configs.map((c) => c.precision).filter((p): p is string => p !== null) ?? [])], [agg]);

  return (
    <Box
      onDragOver={onDragOver}
      onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
      onDrop={(e) => void onDrop(e)}
      sx={{ position: 'relative', minHeight: 400 }}
      data-testid="results-page"
    >
      {dragging && (
        <Box
          aria-hidden
          sx={{ position: 'absolute', inset: 0, zIndex: 10, border: 3, borderStyle: 'dashed', borderColor: 'primary.main', borderRadius: 2, bgcolor: 'action.hover', display: 'flex', alignItems: 'center', justifyContent: 'center', pointerEvents: 'none' }}
        >
          <Typography variant="h6">Drop llem result files or folders to import them</Typography>
        </Box>
      )}
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
          Results
        </Typography>
        {(aggregates.loading || list.loading) && <CircularProgress size={20} aria-label="Loading results" />}
        <ImportButtons importer={importer} />
        <ExportButton openRequests={exportRequests} />
        <PushButton />
        <Tooltip title="Reload">
          <IconButton aria-label="Reload results" onClick={refresh}>
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      </Stack>
      <ImportStatus importer={importer} />
      {(aggregates.error || list.error) && (
        <Alert severity="error" sx={{ my: 2 }}>
          {(aggregates.error ?? list.error)!.message}
        </Alert>
      )}

      {nothingYet ? (
        <Paper variant="outlined" sx={{ p: 4, mt: 2, textAlign: 'center', borderStyle: 'dashed' }} data-testid="results-empty">
          <InsertChartOutlinedIcon color="action" sx={{ fontSize: 48 }} />
          <Typography variant="h6" gutterBottom>
            No results yet
          </Typography>
          <Typography color="text.secondary">
            Drop llem <code>result.json</code> files or whole result folders here, or use <b>Import files…</b> / <b>Import folder…</b> above. Results of campaigns
            you run on the Runs page appear here by themselves. From a terminal: <code>llem-studio import &lt;folder&gt;</code>.
          </Typography>
          <Typography color="text.secondary" sx={{ mt: 1 }}>
            To compare with published measurements, import the ML.ENERGY leaderboard data files too.
          </Typography>
        </Paper>
      ) : (
        <>
          <Box sx={{ mt: 2 }} data-testid="results-scope">
            <ScopePicker scope={scope} scopes={scopes.data} onScope={setScope} />
          </Box>
          {scopes.error && <Alert severity="error" sx={{ my: 2 }}>{scopes.error.message}</Alert>}
          {scopeIsEmpty(scope) && scopes.data && !storeEmpty && (
            <Alert severity="info" sx={{ mt: 2 }} data-testid="scope-empty">
              No campaign is chosen. Pick one or more in “Campaigns shown” to see their results.
            </Alert>
          )}
          <ResultFilters
            filter={filter}
            onFilter={setFilter}
            backends={backends}
            precisions={precisions}
            overlay={overlay}
            onOverlay={setOverlay}
            datasets={datasets.data ?? []}
          />
          {agg && !hasOwn && filtered && (
            <Alert severity="info" sx={{ mb: 2 }} action={<Button onClick={() => setFilter(NO_FILTER)}>Clear filters</Button>}>
              No own results match this filter.
            </Alert>
          )}
          {agg?.truncated && (
            <Alert severity="info" sx={{ mb: 2 }}>
              Charts show the first {agg.configs.length.toLocaleString('en')} of {agg.totalConfigs.toLocaleString('en')} configurations; narrow the filter to see the rest.
            </Alert>
          )}
          {agg && hasOwn && (
            <Stack spacing={2}>
              <HeadlineCard
                headline={agg.headline}
                onCompare={(keys) => setCompareKeys(keys)}
                onExplain={(groupKey) => {
                  const c = agg.configs.find((x) => x.groupKey === groupKey);
                  if (c && c.resultIds.length > 0) setExplain({ resultId: c.resultIds[0]!, figure: 'jPerOutputToken', cycleIds: c.resultIds });
                }}
              />
              {compareKeys && (
                <div ref={compareRef}>
                  <ComparePanel groupKeys={compareKeys} onClose={() => setCompareKeys(null)} />
                </div>
              )}
              <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' } }}>
                <EnergyByParameterChart
                  configs={agg.configs}
                  parameters={agg.parameters}
                  reference={referenceRows}
                  groupOf={groupOf}
                  severalCampaigns={severalCampaigns}
                  onExplain={(c) => c.resultIds.length > 0 && setExplain({ resultId: c.resultIds[0]!, figure: 'jPerOutputToken', cycleIds: c.resultIds })}
                />
                <ParetoChart
                  groupOf={groupOf}
                  configs={agg.configs}
                  fronts={agg.fronts}
                  reference={referenceRows}
                  onExplain={(c) => c.resultIds.length > 0 && setExplain({ resultId: c.resultIds[0]!, figure: 'jPerOutputToken', cycleIds: c.resultIds })}
                />
                <VarianceChart configs={agg.configs} groupOf={groupOf} />
                <ParallelCoordinatesChart configs={agg.configs} parameters={agg.parameters} groupOf={groupOf} />
              </Box>
              <PowerTimelineChart resultId={active?.id ?? null} label={active?.label ?? null} />
            </Stack>
          )}
          <AdaptiveResultsPanel rowCampaignIds={list.data?.rows.map((r) => r.campaign_id) ?? []} />
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 2, mb: 1, minHeight: 36 }}>
            <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
              {selected.size > 0
                ? `${selected.size} row${selected.size === 1 ? '' : 's'} selected (${selectedKeys.length} configuration${selectedKeys.length === 1 ? '' : 's'})`
                : 'Tick rows (or press Space on one) to compare their configurations side by side. Click a row (or press Enter on it) for its power timeline.'}
            </Typography>
            {selected.size > 0 && (
              <Button size="small" onClick={() => setSelected(new Map())}>
                Clear selection
              </Button>
            )}
            <Button size="small" startIcon={<DownloadIcon />} onClick={() => void exportCsv()} disabled={csvBusy || !listParams || (list.data?.total ?? 0) === 0} data-testid="csv-export">
              CSV
            </Button>
            <Tooltip title={selectedKeys.length > MAX_COMPARED ? `At most ${MAX_COMPARED} configurations side by side` : ''}>
              <span>
                <Button
                  variant="contained"
                  size="small"
                  startIcon={<CompareArrowsIcon />}
                  disabled={selected.size < 2 || selectedKeys.length > MAX_COMPARED}
                  onClick={() => setCompareKeys(selectedKeys)}
                  data-testid="compare-button"
                >
                  Compare selected
                </Button>
              </span>
            </Tooltip>
          </Stack>
          {csvError && (
            <Alert severity="error" sx={{ mb: 1 }} onClose={() => setCsvError(null)}>
              Could not export the table: {csvError}
            </Alert>
          )}
          <ResultsGrid
            context={gridContext}
            rows={list.data?.rows ?? []}
            total={list.data?.total ?? 0}
            loading={list.loading}
            sort={sort}
            onSort={setSort}
            page={paging.page}
            rowsPerPage={paging.rowsPerPage}
            onPage={(page, rowsPerPage) => setPaging({ page, rowsPerPage })}
            visibleColumns={columns}
            onColumns={setColumns}
            selected={new Set(selected.keys())}
            onToggleSelected={toggleSelected}
            activeId={active?.id ?? null}
            onExplain={(resultId, figure) => setExplain({ resultId, figure })}
            onActivate={(row) =>
              row.source !== 'reference' &&
              setActive({ id: row.id, label: `${row.model}${row.batch_size !== null ? `, batch ${row.batch_size}` : ''}${row.precision ? `, ${row.precision}` : ''} (${row.start_time?.slice(0, 16).replace('T', ' ') ?? `result ${row.id}`})` })
            }
          />
        </>
      )}
      <ExplainDialog target={explain} onClose={() => setExplain(null)} onTarget={setExplain} />
    </Box>
  );
}
