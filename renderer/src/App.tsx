import { AppBar, Box, Container, CssBaseline, IconButton, Tab, Tabs, Toolbar, Tooltip, Typography } from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import { useEffect, useMemo, useRef, useState } from 'react';
import { lazyPage } from './lazyPage';
import { PAGES, useCurrentPage, type PageId } from './navigation';
import { buildTheme } from './theme';
import { DesignPage } from './pages/design/DesignPage';
import { CampaignEndNotifier } from './notifications/CampaignEndNotifier';

// The Design page (the default) is in the start-up bundle; the others, echarts with them, are one chunk of their own,
// loaded in the background once the first page is on screen (see the effect in App).
const loadPages = () => import('./pages/lazyPages');
const lazyPages = {
  results: lazyPage(() => loadPages().then((m) => m.ResultsPage)),
  runs: lazyPage(() => loadPages().then((m) => m.RunsPage)),
  demo: lazyPage(() => loadPages().then((m) => m.DemoPage)),
  settings: lazyPage(() => loadPages().then((m) => m.SettingsPage)),
};

const THEME_KEY = 'llem-studio.theme';

/** The theme chosen with the toggle, kept across reloads (null: follow the system). */
function useStoredTheme(): ['light' | 'dark' | null, (mode: 'light' | 'dark') => void] {
  const [mode, setMode] = useState<'light' | 'dark' | null>(() => {
    try {
      const stored = window.localStorage.getItem(THEME_KEY);
      return stored === 'light' || stored === 'dark' ? stored : null;
    } catch {
      return null; // storage disabled: the toggle still works for this session
    }
  });
  const choose = (next: 'light' | 'dark') => {
    setMode(next);
    try {
      window.localStorage.setItem(THEME_KEY, next);
    } catch {
      /* storage disabled or full: not worth an error */
    }
  };
  return [mode, choose];
}

function PageContent({ page }: { page: PageId }) {
  if (page === 'design') return <DesignPage />;
  const { Page } = lazyPages[page];
  return <Page />;
}

export function App() {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const [override, setOverride] = useStoredTheme();
  const mode = override ?? (prefersDark ? 'dark' : 'light');
  const theme = useMemo(() => buildTheme(mode), [mode]);
  const [page, setPage] = useCurrentPage();
  const main = useRef<HTMLElement>(null);

  // Fetch the other pages' code right after the first render, so that a click on their tab does not wait for it.
  useEffect(() => {
    for (const lazy of Object.values(lazyPages)) void lazy.preload();
  }, []);

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
      {/* No width cap: results tables and charts use a 1920 px screen; the page keeps side margins instead. */}
      <Container
        maxWidth={false}
        component="main"
        id="page-content"
        role="tabpanel"
        aria-labelledby={`nav-${page}`}
        ref={main}
        tabIndex={-1}
        sx={{ '&:focus': { outline: 'none' }, px: { xs: 2, md: 3, xl: 4 } }}
      >
        <Box sx={{ py: 3 }}>
          <PageContent page={page} />
        </Box>
      </Container>
      <CampaignEndNotifier />
    </ThemeProvider>
  );
}
