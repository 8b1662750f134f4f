import { AppBar, Box, Container, CssBaseline, IconButton, Tab, Tabs, Toolbar, Tooltip, Typography } from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import { useMemo, useState } from 'react';
import { PAGES, useCurrentPage, type PageId } from './navigation';
import { buildTheme } from './theme';
import { SettingsPage } from './pages/SettingsPage';
import { ResultsPage } from './pages/results/ResultsPage';
import { DesignPage } from './pages/design/DesignPage';
import { RunsPage } from './pages/runs/RunsPage';
import { DemoPage } from './pages/demo/DemoPage';

function PageContent({ page }: { page: PageId }) {
  switch (page) {
    case 'settings':
      return <SettingsPage />;
    case 'design':
      return <DesignPage />;
    case 'runs':
      return <RunsPage />;
    case 'results':
      return <ResultsPage />;
    case 'demo':
      return <DemoPage />;
  }
}

export function App() {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [override, setOverride] = useState<'light' | 'dark' | null>(null);
  const mode = override ?? (prefersDark ? 'dark' : 'light');
  const theme = useMemo(() => buildTheme(mode), [mode]);
  const [page, setPage] = useCurrentPage();

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppBar position="sticky" color="default" elevation={1}>
        <Toolbar variant="dense">
          <Typography variant="h6" component="div" sx={{ mr: 3, fontWeight: 700 }}>
            llem Studio
          </Typography>
          <Tabs
            value={page}
            onChange={(_event, next: PageId) => setPage(next)}
            aria-label="Main navigation"
            textColor="primary"
            indicatorColor="primary"
            sx={{ flexGrow: 1 }}
          >
            {PAGES.map((p) => (
              <Tab key={p.id} value={p.id} label={p.label} id={`nav-${p.id}`} aria-controls="page-content" />
            ))}
          </Tabs>
          <Tooltip title={mode === 'dark' ? 'Light theme' : 'Dark theme'}>
            <IconButton aria-label="Toggle theme" onClick={() => setOverride(mode === 'dark' ? 'light' : 'dark')}>
              {mode === 'dark' ? <LightModeIcon /> : <DarkModeIcon />}
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" component="main" id="page-content" role="tabpanel" aria-labelledby={`nav-${page}`}>
        <Box sx={{ py: 3 }}>
          <PageContent page={page} />
        </Box>
      </Container>
    </ThemeProvider>
  );
}
