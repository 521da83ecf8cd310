/**
 * The account-manager console (role admin): the practice policy, readiness before the mandate and the audit
 * log, as tabs. A lazy chunk of its own; the server checks the role on every call (403 for staff).
 */
import { useMemo, useState } from 'react';
import { Screen } from '../components/Screen';
import type { FlowMessage, SignedInSession } from '../flow/sign-in-flow';
import { AuditPanel } from './AuditPanel';
import { ConsoleSessionProvider } from './console-session';
import { PolicyPanel } from './PolicyPanel';
import { ReadinessPanel } from './ReadinessPanel';
import { type TabSpec, Tabs } from './Tabs';

export type ConsoleTab = 'policy' | 'readiness' | 'audit';

const TABS: ReadonlyArray<TabSpec<ConsoleTab>> = [
  { id: 'policy', label: 'Policy' },
  { id: 'readiness', label: 'Readiness' },
  { id: 'audit', label: 'Audit log' },
];

interface ConsoleScreenProps {
  session: SignedInSession;
  onBack(): void;
  onSessionEnded(message: FlowMessage): void;
}

export function ConsoleScreen({ session, onBack, onSessionEnded }: ConsoleScreenProps) {
  const [tab, setTab] = useState<ConsoleTab>('policy');
  const sessionToken = session.auth.sessionToken;
  const consoleSession = useMemo(() => ({ sessionToken, onSessionEnded }), [sessionToken, onSessionEnded]);
  return (
    <ConsoleSessionProvider value={consoleSession}>
      <Screen title="Account manager console" focusHeading>
        <div className="console">
          <Tabs<ConsoleTab> label="Console sections" tabs={TABS} selected={tab} onSelect={setTab}>
            {tab === 'policy' && <PolicyPanel />}
            {tab === 'readiness' && <ReadinessPanel />}
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
