/**
 * "Login with WRSAuth": the web client opened as an application's login prompt, at /oidc-interaction/<uid>.
 * Every screen of the sign-in shows "Sign in to <client name>" under its title from this context.
 */
import { createContext, type ReactNode, useContext } from 'react';

export interface OidcInteractionInfo {
  uid: string;
  /** The application's registered name: untrusted text, only ever rendered as text. */
  clientName: string;
  /**
   * The application asked for a second factor (acr_values=urn:wrsauth:acr:2fa): the login asks the server
   * for a code even where the practice's policy would let the password do.
   */
  secondFactorRequired?: boolean;
}

const INTERACTION_PATH = /^\/oidc-interaction\/([A-Za-z0-9_-]{1,64})$/;

/** The interaction uid in this page's path, if the page is a login prompt. */
export function interactionUidOf(pathname: string): string | undefined {
  return INTERACTION_PATH.exec(pathname)?.[1];
}

const InteractionContext = createContext<OidcInteractionInfo | undefined>(undefined);

export function OidcInteractionProvider({
  interaction,
  children,
}: {
  interaction: OidcInteractionInfo;
  children: ReactNode;
}) {
  return <InteractionContext.Provider value={interaction}>{children}</InteractionContext.Provider>;
}

/** The login prompt this page is, or undefined for the ordinary client. */
export function useOidcInteractionInfo(): OidcInteractionInfo | undefined {
  return useContext(InteractionContext);
}
