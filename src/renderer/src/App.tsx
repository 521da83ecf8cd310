import { QueryClient, QueryClientProvider, queryOptions, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { KeychainStatus } from '../../shared/ipc';
import { ApiClientProvider } from './api/api-context';
import { createApiClient } from './api/client';
import { useOidcInteraction } from './api/hooks';
import { BridgeProvider, useBridge } from './bridge/bridge-context';
import type { ClientBridge, ClientServerInfo, ClientServerSource } from './bridge/client-bridge';
import { Screen } from './components/Screen';
import { SignInFlow } from './flow/SignInFlow';
import { REMEMBER_TURNED_OFF, useManagedSettings } from './managed/managed-settings';
import { interactionUidOf, OidcInteractionProvider } from './oidc/interaction-context';
import { AboutPanel } from './screens/AboutPanel';
import { AskItScreen } from './screens/AskItScreen';

export interface AppProps {
  /**
   * A deployment's own idle lock in milliseconds. It can only shorten the practice's idle lock (which comes
   * from the server with each session), never lengthen it.
   */
  idleLockMs?: number;
}

/** Sign-in calls are never retried behind the user's back: a second wrong code costs an attempt. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false }, mutations: { retry: false } },
  });
}

interface RootProps extends AppProps {
  bridge: ClientBridge;
  queryClient?: QueryClient;
}

/** The whole client around a bridge: main.tsx passes the real one, tests a fake. */
export function Root({ bridge, queryClient, idleLockMs }: RootProps) {
  const client = useMemo(() => queryClient ?? createQueryClient(), [queryClient]);
  return (
    <QueryClientProvider client={client}>
      <BridgeProvider bridge={bridge}>
        <App idleLockMs={idleLockMs} />
      </BridgeProvider>
    </QueryClientProvider>
  );
}

const KEYCHAIN_SILENT: KeychainStatus = { available: false, reason: 'The keychain did not answer.' };

/** Which server to use and whether a keychain is there: asked of the host once. */
export const hostQuery = (bridge: ClientBridge) =>
  queryOptions({
    queryKey: ['host'],
    queryFn: async () => {
      const [server, keychain] = await Promise.all([
        bridge.serverInfo(),
        bridge.keychainStatus().catch(() => KEYCHAIN_SILENT),
      ]);
      return { server, keychain };
    },
    staleTime: Number.POSITIVE_INFINITY,
  });

/**
 * Asks the host which server to use and whether a keychain is there, then runs the sign-in flow; or, when
 * the host has no server it may use, says so and asks the user to contact IT.
 */
export function App({ idleLockMs }: AppProps) {
  const bridge = useBridge();
  const host = useQuery(hostQuery(bridge));

  if (host.isPending) {
    return (
      <main className="app">
        <p role="status">Starting WRSAuth…</p>
      </main>
    );
  }
  if (host.isError) {
    return (
      <main className="app">
        <p className="alert" role="alert">
          WRSAuth could not find its sign-in server. Ask your IT department to check the server setting.
        </p>
      </main>
    );
  }
  const { server } = host.data;
  if ('problem' in server) {
    return (
      <>
        <main className="app">
          <AskItScreen problem={server.problem} />
        </main>
        {bridge.kind === 'electron' && <AboutPanel server={server} />}
      </>
    );
  }
  return <ConnectedApp server={server} keychain={host.data.keychain} idleLockMs={idleLockMs} />;
}

const SOURCE_WORDS: Record<ClientServerSource, string> = {
  environment: 'set by WRSAUTH_SERVER_URL (development run)',
  managed: 'set by your IT department',
  user: 'from your settings',
  embedded: 'built in to this computer',
  origin: 'the server of this page',
};

interface ConnectedAppProps {
  server: ClientServerInfo;
  keychain: KeychainStatus;
  idleLockMs: number | undefined;
}

/** The shorter of the deployment's idle lock and IT's managed one; either only ever tightens the practice's. */
function tightestIdleLockMs(deploymentMs: number | undefined, managedMinutes: number | undefined) {
  const managedMs = managedMinutes === undefined ? undefined : managedMinutes * 60_000;
  if (deploymentMs === undefined) return managedMs;
  return managedMs === undefined ? deploymentMs : Math.min(deploymentMs, managedMs);
}

function ConnectedApp({ server, keychain, idleLockMs }: ConnectedAppProps) {
  const api = useMemo(() => createApiClient(server.url), [server.url]);
  const bridge = useBridge();
  const managed = useManagedSettings().values;
  // IT may forbid remembering workstations: then the flow offers no "Remember this workstation".
  const keychainInForce =
    managed.allowRememberWorkstation === false ? { available: false, reason: REMEMBER_TURNED_OFF } : keychain;
  // In a browser, /oidc-interaction/<uid> is an application's login prompt ("Login with WRSAuth").
  const interactionUid = bridge.kind === 'web' ? interactionUidOf(window.location.pathname) : undefined;
  const idleLock = tightestIdleLockMs(idleLockMs, managed.idleLockMinutes);
  return (
    <ApiClientProvider client={api}>
      <main className="app">
        {interactionUid ? (
          <LoginPrompt uid={interactionUid} keychain={keychainInForce} idleLockMs={idleLock} />
        ) : (
          <SignInFlow keychain={keychainInForce} idleLockMs={idleLock} />
        )}
      </main>
      <footer className="server">
        Server: <span className="url">{server.url}</span> ({SOURCE_WORDS[server.source]})
      </footer>
      {/* The desktop client only: a browser has no managed settings to show. */}
      {bridge.kind === 'electron' && <AboutPanel server={server} sourceWords={SOURCE_WORDS[server.source]} />}
    </ApiClientProvider>
  );
}

interface LoginPromptProps {
  uid: string;
  keychain: KeychainStatus;
  idleLockMs: number | undefined;
}

/**
 * An application's login prompt: asks the server which application it is (this browser's interaction
 * cookie decides), then runs the sign-in with "Sign in to <client>" under every title.
 */
function LoginPrompt({ uid, keychain, idleLockMs }: LoginPromptProps) {
  const details = useOidcInteraction(uid);
  if (details.isPending) {
    return (
      <p className="status" role="status">
        Loading…
      </p>
    );
  }
  if (details.isError) {
    return (
      <Screen title="Sign-in request not found" focusHeading>
        <p className="alert" role="alert">
          {details.error.message}
        </p>
      </Screen>
    );
  }
  const interaction = {
    uid,
    clientName: details.data.clientName,
    secondFactorRequired: details.data.secondFactorRequired,
  };
  return (
    <OidcInteractionProvider interaction={interaction}>
      <SignInFlow keychain={keychain} idleLockMs={idleLockMs} interaction={interaction} />
    </OidcInteractionProvider>
  );
}
