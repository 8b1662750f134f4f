import CompareArrowsIcon from '@mui/icons-material/CompareArrows';
import InsertChartOutlinedIcon from '@mui/icons-material/InsertChartOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import { Alert, Box, Button, CircularProgress, IconButton, Paper, Stack, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { ResultListRowView } from '../../../../contract/apiResults';
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
import { useApiQuery } from './useApiQuery';

const COLUMNS_KEY = 'llem-studio.results.columns';
const DEFAULT_COLUMNS = GRID_COLUMNS.filter((c) => c.defaultVisible).map((c) => c.id);
/** Reference rows drawn on the charts at most (published datasets hold a few thousand). */
const REFERENCE_LIMIT = 5000;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

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

export function ResultsPage() {
  const [refreshKey, setRefreshKey] = useState(0);
  const refresh = useCallback(() => setRefreshKey((k) => k + 1), []);
  const importer = useImporter(refresh);

  const [filter, setFilter] = useState<FilterState>(NO_FILTER);
  const debounced = useDebounced(filter, 300);
  const params = useMemo(() => filterParams(debounced), [debounced]);
  const [overlay, setOverlay] = useState(false);
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

  const datasets = useApiQuery('results.referenceDatasets', {}, refreshKey);
  const showReference = overlay && (datasets.data?.length ?? 0) > 0;
  const list = useApiQuery(
    'results.list',
    {
      ...params,
      sources: showReference ? ['measured', 'imported', 'reference'] : ['measured', 'imported'],
      sortBy: sort.sortBy,
      sortDir: sort.sortDir,
      limit: paging.rowsPerPage,
      offset: paging.page * paging.rowsPerPage,
    },
    refreshKey,
  );
  const aggregates = useApiQuery('results.aggregates', params, refreshKey);
  const reference = useApiQuery(
    'results.list',
    showReference
      ? { sources: ['reference'], ...(params.model ? { model: params.model } : {}), ...(params.gpuName ? { gpuName: params.gpuName } : {}), limit: REFERENCE_LIMIT, sortBy: 'avg_energy_per_token_j', sortDir: 'asc' }
      : null,
    refreshKey,
  );
  const referenceRows = showReference ? (reference.data?.rows ?? []) : null;

  useEffect(() => setPaging((p) => ({ ...p, page: 0 })), [params, showReference]);
  useEffect(() => {
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(columns));
  }, [columns]);
  useEffect(() => {
    // Reference rows carry their dataset label: show it whenever they are in the table.
    if (showReference && !columns.includes('reference_dataset')) setColumns((c) => [...c, 'reference_dataset']);
  }, [showReference]);
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

  const agg = aggregates.data;
  const hasOwn = (agg?.totalResults ?? 0) > 0;
  const filtered = Object.keys(params).length > 0;
  const nothingYet = !hasOwn && !filtered && (list.data?.total ?? 0) === 0 && (datasets.data?.length ?? 0) === 0 && !aggregates.loading && !list.loading;
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
        <ExportButton refreshKey={refreshKey} openRequests={exportRequests} />
        <PushButton refreshKey={refreshKey} />
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
                  onExplain={(c) => c.resultIds.length > 0 && setExplain({ resultId: c.resultIds[0]!, figure: 'jPerOutputToken', cycleIds: c.resultIds })}
                />
                <ParetoChart
                  configs={agg.configs}
                  fronts={agg.fronts}
                  reference={referenceRows}
                  onExplain={(c) => c.resultIds.length > 0 && setExplain({ resultId: c.resultIds[0]!, figure: 'jPerOutputToken', cycleIds: c.resultIds })}
                />
                <VarianceChart configs={agg.configs} />
                <ParallelCoordinatesChart configs={agg.configs} parameters={agg.parameters} />
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
            <Button variant="contained" size="small" startIcon={<CompareArrowsIcon />} disabled={selected.size < 2} onClick={() => setCompareKeys(selectedKeys)} data-testid="compare-button">
              Compare selected
            </Button>
          </Stack>
          <ResultsGrid
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
