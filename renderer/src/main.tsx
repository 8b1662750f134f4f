// First, so that it is evaluated first: connects to the core and queues the first page's calls (see startup.ts).
import { apiClient } from './startup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiProvider } from './api/ApiContext';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={apiClient}>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
