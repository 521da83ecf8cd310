/**
 * The screens after the login form, loaded on demand so the form paints without them. The login form
 * prefetches them once it is idle (prefetchAfterLogin), so in practice the next screen never waits.
 */
import { lazy } from 'react';
import { preloadApiClient } from '../api/client';

type LaterScreens = typeof import('./later-screens');

let laterScreens: Promise<LaterScreens> | undefined;

/** One fetch for all of them; a failed fetch is forgotten so the next render tries again. */
function loadLaterScreens(): Promise<LaterScreens> {
  laterScreens ??= import('./later-screens').catch((thrown: unknown) => {
    laterScreens = undefined;
    throw thrown;
  });
  return laterScreens;
}

export const VerifyScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.VerifyScreen })));
export const BackupCodeScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.BackupCodeScreen })));
export const CodeEntryScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.CodeEntryScreen })));
export const ChooseOwnPasswordScreen = lazy(() =>
  loadLaterScreens().then((m) => ({ default: m.ChooseOwnPasswordScreen })),
);
export const LocationScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.LocationScreen })));
export const SignedInScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.SignedInScreen })));
export const LockScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.LockScreen })));
export const ReturningScreen = lazy(() => loadLaterScreens().then((m) => ({ default: m.ReturningScreen })));
export const PasswordResetScreen = lazy(() =>
  loadLaterScreens().then((m) => ({ default: m.PasswordResetScreen })),
);

/** The account-manager console: its own chunk, fetched only when an account manager opens it. */
export const ConsoleScreen = lazy(() =>
  import('../console/ConsoleScreen').then((m) => ({ default: m.ConsoleScreen })),
);

/** Signs that someone is at the form: typing, clicking, tapping. */
const INTENT_EVENTS = ['keydown', 'pointerdown', 'input'] as const;
/** Without any sign of a person (a password manager that fills in silently), prefetch after this long. */
const PREFETCH_ANYWAY_MS = 3000;

/**
 * Fetches what the steps after the login form need (the later screens and the API client) once someone
 * starts on the form, or after PREFETCH_ANYWAY_MS, in an idle moment. Not straight after the first paint:
 * evaluating zod and axios then competes with the form becoming usable, and typing a User ID and password
 * leaves ample time. Returns a function that cancels a prefetch not yet started.
 */
export function prefetchAfterLogin(): () => void {
  let idle: number | undefined;
  const prefetch = () => {
    // A failure here costs nothing: the screen or the call that needs the chunk loads it again.
    loadLaterScreens().catch(() => undefined);
    preloadApiClient().catch(() => undefined);
  };
  const schedule = () => {
    stopWatching();
    idle =
      typeof window.requestIdleCallback === 'function'
        ? window.requestIdleCallback(prefetch, { timeout: 1000 })
        : window.setTimeout(prefetch, 0);
  };
  const timer = window.setTimeout(schedule, PREFETCH_ANYWAY_MS);
  function stopWatching() {
    window.clearTimeout(timer);
    for (const type of INTENT_EVENTS) window.removeEventListener(type, schedule, { capture: true });
  }
  for (const type of INTENT_EVENTS) window.addEventListener(type, schedule, { capture: true, once: true });
  return () => {
    stopWatching();
    if (idle === undefined) return;
    if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(idle);
    else window.clearTimeout(idle);
  };
}
