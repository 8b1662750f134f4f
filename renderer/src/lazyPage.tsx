import { Alert, Box, Button } from '@mui/material';
import { useEffect, useState, type ComponentType } from 'react';

export interface LazyPage {
  /** Renders the page, or an empty placeholder while its code is still on the way. */
  Page: ComponentType;
  /** Starts loading the page's code (once); resolves when it is there or has failed. */
  preload(): Promise<void>;
}

/**
 * A page kept out of the start-up bundle (its code, e.g. echarts, is a chunk of its own) so that the first page
 * is on screen sooner (issue #6). `preload()` right after the first render fetches it in the background: a page
 * whose code has arrived renders at once. One that is still loading shows a placeholder and appears the moment its
 * code is there — deliberately not React Suspense, which holds revealed content back for up to 300 ms after a
 * fallback. A chunk that failed to load (the server went away) shows an error with a retry instead of taking the
 * whole app down.
 */
export function lazyPage(load: () => Promise<ComponentType>): LazyPage {
  let loaded: ComponentType | null = null;
  let failed: Error | null = null;
  let pending: Promise<void> | null = null;

  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (component) => {
        loaded = component;
      },
      (error: unknown) => {
        failed = error instanceof Error ? error : new Error(String(error));
        pending = null;
      },
    ));

  function Page() {
    // Bumped to re-render once the code has arrived (or failed), and by "Try again".
    const [attempt, setAttempt] = useState(0);
    useEffect(() => {
      if (loaded || failed) return;
      let mounted = true;
      void preload().then(() => mounted && setAttempt((n) => n + 1));
      return () => {
        mounted = false;
      };
    }, [attempt]);

    if (loaded) {
      const Loaded = loaded;
      return <Loaded />;
    }
    if (failed) {
      const message = failed.message;
      return (
        <Alert
          severity="error"
          action={
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                failed = null;
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </Button>
          }
        >
          This page could not be loaded: {message}. Try again, or reload the app if that does not help.
        </Alert>
      );
    }
    return <Box aria-busy="true" sx={{ minHeight: 200 }} />;
  }
  return { Page, preload };
}
