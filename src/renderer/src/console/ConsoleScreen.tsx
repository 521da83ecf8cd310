/**
 * The account-manager console (role admin): the practice policy, readiness before the mandate, users,
 * locations, guided recovery, the applications that sign in with WRSAuth and the audit log, as tabs. A lazy chunk of its own; the server checks the role on every call (403 for staff).
 */
import { useMemo, useState } from 'react';
import type { AdminUser } from '../../../shared/api-admin-users';
import { Screen } from '../components/Screen';
import type { FlowMessage, SignedInSession } from '../flow/sign-in-flow';
import { ApplicationsPanel } from './ApplicationsPanel';
import { AuditPanel } from './AuditPanel';
import { ConsoleSessionProvider } from './console-session';
import { LocationsPanel } from './LocationsPanel';
import { PolicyPanel } from './PolicyPanel';
import { ReadinessPanel } from './ReadinessPanel';
import { RecoveryPanel } from './RecoveryPanel';
import { type TabSpec, Tabs } from './Tabs';
import { UsersPanel } from './UsersPanel';

export type ConsoleTab =
  | 'policy'
  | 'readiness'
  | 'users'
  | 'locations'
  | 'recovery'
  | 'applications'
  | 'audit';

const TABS: ReadonlyArray<TabSpec<ConsoleTab>> = [
  { id: 'policy', label: 'Policy' },
  { id: 'readiness', label: 'Readiness' },
  { id: 'users', label: 'Users' },
  { id: 'locations', label: 'Locations' },
  { id: 'recovery', label: 'Guided recovery' },
  { id: 'applications', label: 'Applications' },
  { id: 'audit', label: 'Audit log' },
];

interface ConsoleScreenProps {
  session: SignedInSession;
  onBack(): void;
  onSessionEnded(message: FlowMessage): void;
  /** To My settings, where a second factor is added. */
  onOpenSettings(): void;
}

export function ConsoleScreen({ session, onBack, onSessionEnded, onOpenSettings }: ConsoleScreenProps) {
  const [tab, setTab] = useState<ConsoleTab>('policy');
  // The server's reason, when this session signed in on a password alone: the console stays closed.
  const [needsSecondFactor, setNeedsSecondFactor] = useState<string>();
  // The user a "Guided recovery…" button on the Users tab chose; the Recovery tab starts with them.
  const [recovering, setRecovering] = useState<AdminUser>();
  const select = (next: ConsoleTab) => {
    if (next !== 'recovery') setRecovering(undefined);
    setTab(next);
  };
  const sessionToken = session.auth.sessionToken;
  const consoleSession = useMemo(
    () => ({ sessionToken, onSessionEnded, onSecondFactorRequired: setNeedsSecondFactor }),
    [sessionToken, onSessionEnded],
  );
  if (needsSecondFactor) {
    return (
      <Screen title="Account manager console" focusHeading>
        <div className="stack">
          <p role="alert">{needsSecondFactor}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={onOpenSettings}>
              Open My settings
            </button>
            <button type="button" onClick={onBack}>
              Back
            </button>
          </div>
        </div>
      </Screen>
    );
  }
  return (
    <ConsoleSessionProvider value={consoleSession}>
      <Screen title="Account manager console" focusHeading>
        <div className="console">
          <Tabs<ConsoleTab> label="Console sections" tabs={TABS} selected={tab} onSelect={select}>
            {tab === 'policy' && <PolicyPanel />}
            {tab === 'readiness' && <ReadinessPanel />}
            {tab === 'users' && (
              <UsersPanel
                onRecover={(user) => {
                  setRecovering(user);
                  setTab('recovery');
                }}
              />
            )}
            {tab === 'locations' && <LocationsPanel />}
            {tab === 'recovery' && <RecoveryPanel initialUser={recovering} />}
            {tab === 'applications' && <ApplicationsPanel />}
            {tab === 'audit' && <AuditPanel />}
          </Tabs>
          <div className="actions">
            <button type="button" onClick={onBack}>
              Back
            </button>
          </div>
        </div>
      </Screen>
    </ConsoleSessionProvider>
  );
}
