import { Suspense, useEffect, useState } from 'react';
import type { Location } from '../../../shared/api';
import { ErrorCode } from '../../../shared/error-code';
import { useMe } from '../api/hooks';
import { Screen } from '../components/Screen';
import { ScreenLoading } from '../components/ScreenLoading';
import type { FlowMessage, SignedInSession } from '../flow/sign-in-flow';
import { PracticeAppBar } from '../practice/PracticeAppBar';
import { usePracticeApp } from '../practice/practice-app';
import { MandateBanner, MySettingsScreen } from '../settings/lazy-settings';
import { displayName } from './display-name';

interface SignedInScreenProps {
  session: SignedInSession;
  location: Location | null;
  signingOut: boolean;
  onLock(): void;
  onSignOut(): void;
  /** The server no longer knows the session (revoked, idle too long). */
  onSessionEnded(message: FlowMessage): void;
  /** Opens the account-manager console; offered to role admin only. */
  onOpenConsole(): void;
  /** Opens on My settings (the console sent the user there to add a second factor). */
  startInSettings?: boolean;
}

export function SignedInScreen({
  session,
  location,
  signingOut,
  onLock,
  onSignOut,
  onSessionEnded,
  onOpenConsole,
  startInSettings,
}: SignedInScreenProps) {
  const me = useMe(session.auth.sessionToken);
  const [page, setPage] = useState<'home' | 'settings'>(startInSettings ? 'settings' : 'home');
  // The desktop client's practice application takes the window unless the user came back to WRSAuth.
  const [inWrsauth, setInWrsauth] = useState(false);
  const practice = usePracticeApp(
    session.auth.sessionToken,
    location?.id ?? null,
    page === 'home' && !inWrsauth,
  );
  const user = me.data ?? session.auth.user;
  const sessionGone = me.error?.error === ErrorCode.unauthorized;
  const endedMessage = me.error?.message;

  useEffect(() => {
    if (sessionGone && endedMessage) onSessionEnded({ kind: 'error', text: endedMessage });
  }, [sessionGone, endedMessage, onSessionEnded]);

  const recommendation = session.auth.setupRecommended ? (
    <p className="banner" role="status">
      Add a mobile phone number or email address to your account so a verification code can protect it. Your
      practice's account manager can add one for you.
    </p>
  ) : null;

  if (page === 'settings') {
    return (
      <Suspense fallback={<ScreenLoading />}>
        <MySettingsScreen
          sessionToken={session.auth.sessionToken}
          onBack={() => setPage('home')}
          onSessionEnded={onSessionEnded}
        />
      </Suspense>
    );
  }

  if (practice.status !== 'off' && page === 'home' && !inWrsauth) {
    return (
      <PracticeAppBar
        practice={practice}
        userName={displayName(user)}
        locationName={location?.name ?? null}
        signingOut={signingOut}
        onLock={onLock}
        onSignOut={onSignOut}
        onShowWrsauth={() => setInWrsauth(true)}
      />
    );
  }

  return (
    <Screen title="Signed in" focusHeading>
      {/* A dated mandate replaces the server's gentle recommendation rather than stacking under it. */}
      <Suspense fallback={recommendation}>
        <MandateBanner
          sessionToken={session.auth.sessionToken}
          recommendation={recommendation}
          onOpenSettings={() => setPage('settings')}
        />
      </Suspense>
      <dl className="who">
        <dt>Name</dt>
        <dd>{displayName(user)}</dd>
        <dt>Location</dt>
        <dd>{location?.name ?? 'No practice location'}</dd>
      </dl>
      <div className="actions">
        <button type="button" className="primary" onClick={onLock}>
          Lock
        </button>
        <button type="button" onClick={onSignOut} aria-busy={signingOut}>
          Sign out
        </button>
        <button type="button" onClick={() => setPage('settings')}>
          My settings
        </button>
        {user.role === 'admin' && (
          <button type="button" onClick={onOpenConsole}>
            Account manager console
          </button>
        )}
        {practice.status !== 'off' && (
          <button type="button" onClick={() => setInWrsauth(false)}>
            Back to {practice.name}
          </button>
        )}
      </div>
    </Screen>
  );
}
