import ViewColumnIcon from '@mui/icons-material/ViewColumn';
import {
  Link,
  Box,
  Button,
  Checkbox,
  FormControlLabel,
  Menu,
  MenuItem,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
  Tooltip,
  Typography,
} from '@mui/material';
import { useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import type { ExplainedFigure } from '../../../../contract/apiExplain';
import type { ResultListRowView, ResultSortKeyName } from '../../../../contract/apiResults';
import { GRID_COLUMNS, NO_GRID_CONTEXT, type GridContext } from './gridColumns';

/** Rows Page Up / Page Down move the focus by. */
const PAGE_STEP = 10;

const rowKeyOf = (row: ResultListRowView) => `${row.source}-${row.id}`;

/** Read by screen readers, not shown. */
const visuallyHidden = { border: 0, clip: 'rect(0 0 0 0)', height: '1px', margin: '-1px', overflow: 'hidden', padding: 0, position: 'absolute', whiteSpace: 'nowrap', width: '1px' } as const;

export interface GridSort {
  sortBy: ResultSortKeyName;
  sortDir: 'asc' | 'desc';
}

interface ResultsGridProps {
  rows: ResultListRowView[];
  /** Configuration labels within the scope, for the Configuration column. */
  context?: GridContext;
  total: number;
  loading: boolean;
  sort: GridSort;
  onSort: (sort: GridSort) => void;
  page: number;
  rowsPerPage: number;
  onPage: (page: number, rowsPerPage: number) => void;
  visibleColumns: string[];
  onColumns: (ids: string[]) => void;
  selected: ReadonlySet<number>;
  onToggleSelected: (row: ResultListRowView) => void;
  /** The row whose power timeline is shown. */
  activeId: number | null;
  onActivate: (row: ResultListRowView) => void;
  /** "Explain this number" for one figure of an own result (a click on the cell, or E on the row). */
  onExplain?: (resultId: number, figure: ExplainedFigure) => void;
}

/** A figure that opens "Explain this number" when clicked (the row's E key does the same for energy per token). */
function ExplainableValue({ row, figure, onExplain, children }: { row: ResultListRowView; figure: ExplainedFigure; onExplain: (id: number, f: ExplainedFigure) => void; children: ReactNode }) {
  return (
    <Link
      component="button"
      type="button"
      tabIndex={-1}
      underline="hover"
      color="inherit"
      data-testid="explain-cell"
      aria-label={`Explain this number (result ${row.id})`}
      onClick={(e: MouseEvent) => {
        e.stopPropagation();
        onExplain(row.id, figure);
      }}
      sx={{ font: 'inherit', verticalAlign: 'baseline' }}
    >
      {children}
    </Link>
  );
}

/** The results table: server-side sort and paging, a column chooser, selection for comparison. */
export function ResultsGrid(p: ResultsGridProps) {
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const columns = GRID_COLUMNS.filter((c) => p.visibleColumns.includes(c.id));

  // Roving tabindex: the table body is one Tab stop (the last focused row, else the first); arrows, Home/End and
  // Page Up/Down move between rows, Space ticks a row for comparison, Enter shows its power timeline (as a click does).
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const keys = p.rows.map(rowKeyOf);
  const focusIndex = Math.max(0, focusKey === null ? 0 : keys.indexOf(focusKey));

  const moveTo = (index: number) => {
    if (keys.length === 0) return;
    const i = Math.min(keys.length - 1, Math.max(0, index));
    setFocusKey(keys[i]!);
    rowRefs.current[i]?.focus();
  };

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, row: ResultListRowView, index: number) => {
    if (e.target !== e.currentTarget) return; // keys inside the checkbox are the checkbox's
    const move: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: keys.length - 1, PageDown: index + PAGE_STEP, PageUp: index - PAGE_STEP };
    if (Object.hasOwn(move, e.key)) {
      e.preventDefault();
      moveTo(move[e.key]!);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      p.onActivate(row);
    } else if (e.key === ' ') {
      e.preventDefault();
      if (row.source !== 'reference') p.onToggleSelected(row);
    } else if ((e.key === 'e' || e.key === 'E') && row.source !== 'reference' && p.onExplain) {
      e.preventDefault();
      p.onExplain(row.id, 'jPerOutputToken');
    }
  };

  return (
    <Paper variant="outlined">
      <Box sx={{ display: 'flex', alignItems: 'center', px: 2, pt: 1 }}>
        <Typography variant="subtitle1" component="h2" sx={{ flexGrow: 1 }}>
          Results <Typography component="span" variant="body2" color="text.secondary" data-testid="results-total">({p.total.toLocaleString('en')})</Typography>
        </Typography>
        <Button size="small" startIcon={<ViewColumnIcon />} onClick={(e) => setMenu(e.currentTarget)} aria-haspopup="menu">
          Columns
        </Button>
        <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
          {GRID_COLUMNS.map((c) => (
            <MenuItem key={c.id} dense onClick={() => p.onColumns(p.visibleColumns.includes(c.id) ? p.visibleColumns.filter((x) => x !== c.id) : [...p.visibleColumns, c.id])}>
              <FormControlLabel
                control={<Checkbox size="small" checked={p.visibleColumns.includes(c.id)} tabIndex={-1} />}
                label={c.unit ? `${c.label} (${c.unit})` : c.label}
                sx={{ pointerEvents: 'none' }}
              />
            </MenuItem>
          ))}
        </Menu>
      </Box>
      <Box component="span" id="results-grid-keys" sx={visuallyHidden}>
        Up and Down arrows, Home, End, Page Up and Page Down move between rows; Space ticks a row for comparison; Enter shows its power timeline.
      </Box>
      <TableContainer sx={{ maxHeight: 560 }}>
        <Table size="small" stickyHeader aria-label="Stored results" aria-describedby="results-grid-keys" data-testid="results-grid" aria-busy={p.loading}>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Typography variant="caption" sx={{ px: 1 }}>
                  Compare
                </Typography>
              </TableCell>
              {columns.map((c) => (
                // Headers wrap, the unit on a line of its own: the table fits a 1280 px window without sideways scrolling.
                <TableCell key={c.id} align={c.numeric ? 'right' : 'left'} sortDirection={p.sort.sortBy === c.sortKey ? p.sort.sortDir : false} sx={{ px: 1, verticalAlign: 'bottom', lineHeight: 1.3 }}>
                  {c.sortKey ? (
                    <TableSortLabel
                      active={p.sort.sortBy === c.sortKey}
                      direction={p.sort.sortBy === c.sortKey ? p.sort.sortDir : 'asc'}
                      onClick={() => p.onSort({ sortBy: c.sortKey!, sortDir: p.sort.sortBy === c.sortKey && p.sort.sortDir === 'asc' ? 'desc' : 'asc' })}
                    >
                      {/* One child: right-aligned sort labels reverse their children's order. */}
                      <span>
                        {c.label}
                        {c.unit && <Box component="span" sx={{ color: 'text.secondary', display: 'block', whiteSpace: 'nowrap' }}>{` (${c.unit})`}</Box>}
                      </span>
                    </TableSortLabel>
                  ) : (
                    <span>
                      {c.label}
                      {c.unit && <Box component="span" sx={{ color: 'text.secondary', display: 'block', whiteSpace: 'nowrap' }}>{` (${c.unit})`}</Box>}
                    </span>
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {p.rows.map((row, index) => {
              const own = row.source !== 'reference';
              const rowKey = keys[index]!;
              return (
                <TableRow
                  key={rowKey}
                  ref={(el: HTMLTableRowElement | null) => {
                    rowRefs.current[index] = el;
                  }}
                  hover
                  tabIndex={index === focusIndex ? 0 : -1}
                  selected={own && p.activeId === row.id}
                  onClick={() => p.onActivate(row)}
                  onFocus={() => setFocusKey(rowKey)}
                  onKeyDown={(e) => onRowKey(e, row, index)}
                  data-testid="result-row"
                  data-source={row.source}
                  data-result-id={row.id}
                  aria-label={`${row.source} result ${row.model}${row.batch_size !== null ? `, batch ${row.batch_size}` : ''}${row.precision ? `, ${row.precision}` : ''}`}
                  sx={{ cursor: 'pointer', scrollMarginTop: 40, ...(row.source === 'reference' ? { bgcolor: 'action.hover' } : {}) }}
                >
                  <TableCell padding="checkbox" onClick={(e) => e.stopPropagation()}>
                    {own ? (
                      <Checkbox
                        size="small"
                        checked={p.selected.has(row.id)}
                        onChange={() => p.onToggleSelected(row)}
                        // Not a Tab stop of its own: Space on the row ticks it.
                        slotProps={{ input: { 'aria-label': `Select result ${row.id} for comparison`, tabIndex: -1 } }}
                      />
                    ) : (
                      <Tooltip title="Reference rows are published figures; compare them on the charts">
                        <span>
                          <Checkbox size="small" disabled slotProps={{ input: { 'aria-label': 'Reference rows cannot be compared' } }} />
                        </span>
                      </Tooltip>
                    )}
                  </TableCell>
                  {columns.map((c) => (
                    <TableCell key={c.id} align={c.numeric ? 'right' : 'left'} sx={{ whiteSpace: c.id === 'configuration' || c.id === 'reference_dataset' ? 'normal' : 'nowrap', px: 1 }} data-col={c.id}>
                      {own && c.explain && p.onExplain ? (
                        <ExplainableValue row={row} figure={c.explain} onExplain={p.onExplain}>
                          {c.render(row, p.context ?? NO_GRID_CONTEXT)}
                        </ExplainableValue>
                      ) : (
                        c.render(row, p.context ?? NO_GRID_CONTEXT)
                      )}
                    </TableCell>
                  ))}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={p.total}
        page={Math.min(p.page, Math.max(0, Math.ceil(p.total / p.rowsPerPage) - 1))}
        rowsPerPage={p.rowsPerPage}
        rowsPerPageOptions={[25, 50, 100, 250]}
        onPageChange={(_e, page) => p.onPage(page, p.rowsPerPage)}
        onRowsPerPageChange={(e) => p.onPage(0, Number(e.target.value))}
      />
    </Paper>
  );
}
