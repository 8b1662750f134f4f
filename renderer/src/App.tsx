import { AppBar, Box, Container, CssBaseline, IconButton, Tab, Tabs, Toolbar, Tooltip, Typography } from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import { useEffect, useMemo, useRef, useState } from 'react';
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
  const main = useRef<HTMLElement>(null);

  // A page opened by something other than the navigation (Run → Runs, a menu command, a link) would leave the
  // keyboard focus on an element that is gone: start it at the top of the new page instead.
  const firstPage = useRef(true);
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) main.current?.focus({ preventScroll: true });
  }, [page]);

  // Desktop menu: File > Export… opens the Results page's export dialog, from any page.
  useEffect(
    () =>
      window.llem?.desktop?.onEvent((event) => {
        if (event.type === 'menu' && event.command === 'results.export') window.location.hash = '#/results/export';
      }),
    [],
  );

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
      <Container
        maxWidth="lg"
        component="main"
        id="page-content"
        role="tabpanel"
        aria-labelledby={`nav-${page}`}
        ref={main}
        tabIndex={-1}
        sx={{ '&:focus': { outline: 'none' } }}
      >
        <Box sx={{ py: 3 }}>
          <PageContent page={page} />
        </Box>
      </Container>
    </ThemeProvider>
  );
}
