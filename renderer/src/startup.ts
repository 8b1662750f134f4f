import { createApiClient } from './api/client';
import { withEarlyCalls } from './api/earlyCalls';
import { pageFromHash } from './navigation';
import { callDesignPageEarly } from './pages/design/draft';

// main.tsx imports this module before anything else, so it runs before React DOM, MUI and the pages are even
// evaluated (issue #6: interactive ≤ 1 s after load). In a browser the WebSocket starts connecting now, while the
// rest of the bundle is evaluated, instead of from the first page's effects after its first frame; the first page's
// calls are queued now and go out the moment the socket is open, whichever of that and the page's effects comes
// first. (The first frame itself stays one synchronous render, done before the page's load event.)
const early = withEarlyCalls(createApiClient());
if (pageFromHash(window.location.hash) === 'design') callDesignPageEarly(early);

/** The one API client of the app (given to <ApiProvider>). */
export const apiClient = early.client;
