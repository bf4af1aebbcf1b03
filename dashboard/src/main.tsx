// i18n first: the theme's labels are translated when it is created.
import './i18n';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiProblem } from './api/problem';
import { prefetchMe } from './api/session';
import { App, preloadPage } from './app/App';
import { cssVariablesResolver, theme } from './app/theme';
import { StepUpProvider } from './components/StepUpProvider';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal or a missing record will not change by asking again; a network blip may.
      retry: (failures, error) =>
        failures < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// Started before the first render, side by side: who you are, and what the URL's page needs.
// The page's chunks wait one task, so that the session request takes one of the browser's six
// connections first instead of queuing behind a dozen small scripts.
prefetchMe(queryClient);
setTimeout(() => preloadPage(window.location.pathname), 0);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <StepUpProvider>
            <App />
          </StepUpProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
