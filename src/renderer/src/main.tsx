import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient, hostQuery, Root } from './App';
import { createBridge } from './bridge/create-bridge';
import './styles.css';

/**
 * How long the first render waits for the host's answer (which server, which keychain). Usually it comes
 * at once, and the first paint is the login form rather than "Starting WRSAuth…" and then the form; a
 * slower host still gets the status line.
 */
const HOST_WAIT_MS = 250;

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');

const bridge = createBridge();
const queryClient = createQueryClient();
const render = () =>
  createRoot(container).render(
    <StrictMode>
      <Root bridge={bridge} queryClient={queryClient} />
    </StrictMode>,
  );

// prefetchQuery never rejects: a failed answer stays in the cache for App to show.
Promise.race([
  queryClient.prefetchQuery(hostQuery(bridge)),
  new Promise((resolve) => setTimeout(resolve, HOST_WAIT_MS)),
]).then(render);
