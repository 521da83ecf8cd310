/** The signed-in account manager the console works for, and what to do when the server ends the session. */
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { ErrorCode } from '../../../shared/error-code';
import type { ApiFailure } from '../api/api-failure';
import type { FlowMessage } from '../flow/sign-in-flow';

interface ConsoleSession {
  sessionToken: string;
  /** The server no longer knows the session (revoked, idle too long): back to the login form. */
  onSessionEnded(message: FlowMessage): void;
  /** The session signed in on a password alone, and the console needs a second factor: say why. */
  onSecondFactorRequired(message: string): void;
}

const ConsoleSessionContext = createContext<ConsoleSession | null>(null);

export function ConsoleSessionProvider({ value, children }: { value: ConsoleSession; children: ReactNode }) {
  return <ConsoleSessionContext.Provider value={value}>{children}</ConsoleSessionContext.Provider>;
}

export function useConsoleSession(): ConsoleSession {
  const session = useContext(ConsoleSessionContext);
  if (!session) throw new Error('useConsoleSession needs a ConsoleSessionProvider');
  return session;
}

/**
 * Leaves the console for the login form when any of these failures says the session has ended, and says why
 * the console is closed when one says it needs a second factor.
 */
export function useEndsSession(...failures: Array<ApiFailure | null | undefined>): void {
  const { onSessionEnded, onSecondFactorRequired } = useConsoleSession();
  const ended = failures.find((failure) => failure?.error === ErrorCode.unauthorized)?.message;
  const needsFactor = failures.find((failure) => failure?.error === ErrorCode.secondFactorRequired)?.message;
  useEffect(() => {
    if (ended) onSessionEnded({ kind: 'error', text: ended });
  }, [ended, onSessionEnded]);
  useEffect(() => {
    if (needsFactor) onSecondFactorRequired(needsFactor);
  }, [needsFactor, onSecondFactorRequired]);
}
