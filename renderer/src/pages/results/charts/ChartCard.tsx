import DownloadIcon from '@mui/icons-material/Download';
import { IconButton, Menu, MenuItem, Paper, Stack, Tooltip, Typography } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import type { ECharts } from 'echarts/core';
import { useRef, useState, type ReactNode } from 'react';
import { chartFileStem, chartPngDataUrl, chartSvgText, downloadFile } from '../../../components/chartExport';

/** A titled card around one chart, with its controls, a download of the chart, and a caption that says how to read it. */
export function ChartCard({ title, controls, caption, children, testId }: { title: string; controls?: ReactNode; caption?: ReactNode; children: ReactNode; testId: string }) {
  const card = useRef<HTMLElement>(null);
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const theme = useTheme();
  // The echarts instance the card holds (EChart puts it on its element), if it draws one now.
  const chart = () => (card.current?.querySelector('[role="img"]') as (HTMLElement & { echartsInstance?: ECharts }) | null)?.echartsInstance ?? null;
  const save = (kind: 'png' | 'svg') => {
    setMenu(null);
    const instance = chart();
    if (!instance) return;
    const background = theme.palette.background.paper;
    const name = `${chartFileStem(title)}.${kind}`;
    if (kind === 'png') downloadFile(name, chartPngDataUrl(instance, background));
    else downloadFile(name, new Blob([chartSvgText(instance, background)], { type: 'image/svg+xml' }));
  };
  return (
    <Paper ref={card} variant="outlined" sx={{ p: 2, minWidth: 0 }} data-testid={testId} component="section" aria-label={title}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', rowGap: 1 }}>
        <Typography variant="subtitle1" component="h2" sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        {controls}
        <Tooltip title="Download this chart (PNG or SVG)">
          <IconButton size="small" aria-label={`Download the chart “${title}”`} aria-haspopup="menu" onClick={(e) => setMenu(e.currentTarget)} data-testid="chart-download">
            <DownloadIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Menu anchorEl={menu} open={menu !== null} onClose={() => setMenu(null)}>
          <MenuItem onClick={() => save('png')} data-testid="chart-download-png">
            PNG image
          </MenuItem>
          <MenuItem onClick={() => save('svg')} data-testid="chart-download-svg">
            SVG (vector)
          </MenuItem>
        </Menu>
      </Stack>
      {children}
      {caption && (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          {caption}
        </Typography>
      )}
    </Paper>
  );
}

/** What a chart says when it has nothing to draw, and what to do about it. */
export function ChartEmpty({ children }: { children: ReactNode }) {
  return (
    <Typography color="text.secondary" sx={{ py: 6, textAlign: 'center' }} data-testid="chart-empty">
      {children}
    </Typography>
  );
}
