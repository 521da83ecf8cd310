/**
 * The bar above the practice application while it fills the window (the main process places its view
 * PRACTICE_BAR_HEIGHT pixels down): who is signed in where, and Lock and Sign out, which stay in reach.
 */
import { useEffect } from 'react';
import type { PracticeAppState } from './practice-app';

interface PracticeAppBarProps {
  practice: PracticeAppState;
  userName: string;
  locationName: string | null;
  signingOut: boolean;
  onLock(): void;
  onSignOut(): void;
  /** Back to WRSAuth's own signed-in screen (My settings, the console); the application waits hidden. */
  onShowWrsauth(): void;
}

export function PracticeAppBar({
  practice,
  userName,
  locationName,
  signingOut,
  onLock,
  onSignOut,
  onShowWrsauth,
}: PracticeAppBarProps) {
  const title = practice.status === 'opening' ? `Opening ${practice.name}…` : practice.name;
  useEffect(() => {
    document.title = `${title} · WRSAuth`;
  }, [title]);
  return (
    <header className="practice-bar">
      <h1 id="screen-title" role={practice.status === 'opening' ? 'status' : undefined}>
        {title}
      </h1>
      <p className="practice-bar-who">
        {userName}
        {locationName ? ` · ${locationName}` : ''}
      </p>
      <div className="practice-bar-actions">
        <button type="button" className="primary" onClick={onLock}>
          Lock
        </button>
        <button type="button" onClick={onSignOut} aria-busy={signingOut}>
          Sign out
        </button>
        <button type="button" onClick={onShowWrsauth}>
          WRSAuth
        </button>
      </div>
    </header>
  );
}
