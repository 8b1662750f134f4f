import ViewColumnIcon from '@mui/icons-material/ViewColumn';
import {
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
import { useState, type KeyboardEvent } from 'react';
import type { ResultListRowView, ResultSortKeyName } from '../../../../contract/apiResults';
import { GRID_COLUMNS } from './gridColumns';

export interface GridSort {
  sortBy: ResultSortKeyName;
  sortDir: 'asc' | 'desc';
}

interface ResultsGridProps {
  rows: ResultListRowView[];
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
}

/** The results table: server-side sort and paging, a column chooser, selection for comparison. */
export function ResultsGrid(p: ResultsGridProps) {
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const columns = GRID_COLUMNS.filter((c) => p.visibleColumns.includes(c.id));

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, row: ResultListRowView) => {
    if (e.target !== e.currentTarget) return; // keys inside the checkbox are the checkbox's
    if (e.key === 'Enter') p.onActivate(row);
    else if (e.key === ' ' && row.source !== 'reference') {
      e.preventDefault();
      p.onToggleSelected(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const sibling = (e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling) as HTMLElement | null;
      sibling?.focus();
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
      <TableContainer sx={{ maxHeight: 560 }}>
        <Table size="small" stickyHeader aria-label="Stored results" data-testid="results-grid" aria-busy={p.loading}>
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox">
                <Typography variant="caption" sx={{ px: 1 }}>
                  Compare
                </Typography>
              </TableCell>
              {columns.map((c) => (
                <TableCell key={c.id} align={c.numeric ? 'right' : 'left'} sortDirection={p.sort.sortBy === c.sortKey ? p.sort.sortDir : false} sx={{ whiteSpace: 'nowrap' }}>
                  {c.sortKey ? (
                    <TableSortLabel
                      active={p.sort.sortBy === c.sortKey}
                      direction={p.sort.sortBy === c.sortKey ? p.sort.sortDir : 'asc'}
                      onClick={() => p.onSort({ sortBy: c.sortKey!, sortDir: p.sort.sortBy === c.sortKey && p.sort.sortDir === 'asc' ? 'desc' : 'asc' })}
                    >
                      {/* One child: right-aligned sort labels reverse their children's order. */}
                      <span>
                        {c.label}
                        {c.unit && <Box component="span" sx={{ color: 'text.secondary' }}>{` (${c.unit})`}</Box>}
                      </span>
                    </TableSortLabel>
                  ) : (
                    <span>
                      {c.label}
                      {c.unit && <Box component="span" sx={{ color: 'text.secondary' }}>{` (${c.unit})`}</Box>}
                    </span>
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {p.rows.map((row) => {
              const own = row.source !== 'reference';
              const rowKey = `${row.source}-${row.id}`;
              return (
                <TableRow
                  key={rowKey}
                  hover
                  tabIndex={0}
                  selected={own && p.activeId === row.id}
                  onClick={() => p.onActivate(row)}
                  onKeyDown={(e) => onRowKey(e, row)}
                  data-testid="result-row"
                  data-source={row.source}
                  data-result-id={row.id}
                  aria-label={`${row.source} result ${row.model}${row.batch_size !== null ? `, batch ${row.batch_size}` : ''}${row.precision ? `, ${row.precision}` : ''}`}
                  sx={{ cursor: 'pointer', ...(row.source === 'reference' ? { bgcolor: 'action.hover' } : {}) }}
                >
                  <TableCell padding="checkbox" onClick={(e) => e.stopPropagation()}>
                    {own ? (
                      <Checkbox
                        size="small"
                        checked={p.selected.has(row.id)}
                        onChange={() => p.onToggleSelected(row)}
                        slotProps={{ input: { 'aria-label': `Select result ${row.id} for comparison` } }}
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
                    <TableCell key={c.id} align={c.numeric ? 'right' : 'left'} sx={{ whiteSpace: 'nowrap' }}>
                      {c.render(row)}
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
