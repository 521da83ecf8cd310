/**
 * My settings ("Resource Setup", General tab in the seed): my profile and password, my cell phone and email,
 * trusted workstations, authenticator app and recovery codes. Reached from the signed-in screen; "Back"
 * returns there. Its own chunk (see lazy-settings.tsx), so signing in never loads it.
 */
import { useEffect } from 'react';
import { ErrorCode } from '../../../shared/error-code';
import { ErrorAlert } from '../components/Messages';
import { Screen } from '../components/Screen';
import type { FlowMessage } from '../flow/sign-in-flow';
import { ContactSection } from './ContactSection';
import { DevicesSection } from './DevicesSection';
import { AuthenticatorSection, RecoveryCodesSection } from './FactorSections';
import { ProfileSection } from './ProfileSection';
import { useProfile } from './settings-hooks';
import './settings.css';

export interface MySettingsScreenProps {
  sessionToken: string;
  onBack(): void;
  /** The server no longer knows the session (revoked, idle too long). */
  onSessionEnded(message: FlowMessage): void;
}

export default function MySettingsScreen({ sessionToken, onBack, onSessionEnded }: MySettingsScreenProps) {
  const profile = useProfile(sessionToken);
  const sessionGone = profile.error?.error === ErrorCode.unauthorized;
  const endedMessage = profile.error?.message;

  useEffect(() => {
    if (sessionGone && endedMessage) onSessionEnded({ kind: 'error', text: endedMessage });
  }, [sessionGone, endedMessage, onSessionEnded]);

  return (
    <Screen title="My settings" focusHeading>
      <div className="actions">
        <button type="button" onClick={onBack}>
          Back
        </button>
      </div>
      {profile.isPending && (
        <p className="status" role="status">
          Loading…
        </p>
      )}
      {profile.error && !sessionGone && <ErrorAlert>{profile.error.message}</ErrorAlert>}
      {profile.data && (
        <div className="settings">
          <ProfileSection token={sessionToken} profile={profile.data} />
          <ContactSection token={sessionToken} channel="sms" profile={profile.data} />
          <ContactSection token={sessionToken} channel="email" profile={profile.data} />
          <DevicesSection token={sessionToken} />
          <AuthenticatorSection token={sessionToken} />
          <RecoveryCodesSection token={sessionToken} />
        </div>
      )}
    </Screen>
  );
}
