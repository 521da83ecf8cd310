/**
 * "2FA becomes mandatory on <date>. Add your cell phone now." on the signed-in screen, while the practice's
 * policy is still to become mandatory and the user has no verified contact. With no date set yet, it says
 * the practice is turning 2FA on, without a date.
 */
import type { ReactNode } from 'react';
import type { SetupStatus } from '../../../shared/api';
import { useSetupStatus } from './settings-hooks';

/** "September 1, 2026", read as the UTC calendar date the policy names. */
export function mandateDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** The banner's words; none for `no_date` when the sign-in already recommended adding a contact. */
export function bannerText(setup: SetupStatus, alreadyReminded = false): string | undefined {
  if (setup.reminder === 'mandate_date' && setup.mandateDate) {
    return `2FA becomes mandatory on ${mandateDay(setup.mandateDate)}. Add your cell phone now.`;
  }
  if (setup.reminder === 'no_date' && !alreadyReminded) {
    return 'Your practice is turning on 2FA. Add your cell phone now, so you are not locked out.';
  }
  return undefined;
}

export default function MandateBanner({
  sessionToken,
  recommendation,
  onOpenSettings,
}: {
  sessionToken: string;
  /**
   * The sign-in answer's own setupRecommended banner, if any: shown while the setup status loads and
   * whenever there is no dated mandate to announce, so the user never sees two banners saying one thing.
   */
  recommendation: ReactNode;
  onOpenSettings(): void;
}) {
  const setup = useSetupStatus(sessionToken);
  const text = setup.data && bannerText(setup.data, Boolean(recommendation));
  if (!text) return recommendation;
  return (
    <div className="banner" role="status">
      <p>{text}</p>
      <button type="button" className="link" onClick={onOpenSettings}>
        Add it in My settings
      </button>
    </div>
  );
}
