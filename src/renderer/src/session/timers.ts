import { useEffect, useRef } from 'react';

/**
 * HIPAA automatic logoff at the front desk: lock after this long without keyboard or pointer use. The
 * practice policy on the server sets it; this default stands in only for a server that does not say.
 */
export const IDLE_LOCK_MS = 15 * 60 * 1000;

/**
 * The idle lock in force: the practice's minutes from the server, or a deployment's own setting when that is
 * shorter. A client setting may tighten the practice policy, never loosen it.
 */
export function effectiveIdleLockMs(policyMinutes: number | undefined, deploymentMs?: number): number {
  const policyMs = policyMinutes === undefined ? IDLE_LOCK_MS : policyMinutes * 60_000;
  const usable = deploymentMs !== undefined && Number.isFinite(deploymentMs) && deploymentMs > 0;
  return usable ? Math.min(policyMs, deploymentMs) : policyMs;
}

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/** setTimeout's delay is a signed 32-bit number; longer waits would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Calls `onIdle` once after `idleMs` without user activity, while `active`. `lastActivityElsewhere` tells of
 * use this page cannot see (the desktop client's practice application, in its own view over the window):
 * when the time is up, activity there within `idleMs` re-arms the timer for what is left instead.
 */
export function useIdleTimer(
  idleMs: number,
  active: boolean,
  onIdle: () => void,
  lastActivityElsewhere?: () => Promise<number | null>,
) {
  const latestOnIdle = useRef(onIdle);
  latestOnIdle.current = onIdle;
  const latestElsewhere = useRef(lastActivityElsewhere);
  latestElsewhere.current = lastActivityElsewhere;
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout>;
    let ended = false;
    const arm = (delayMs: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => void timeUp(), Math.min(Math.max(delayMs, 0), MAX_TIMEOUT_MS));
    };
    const timeUp = async () => {
      const elsewhere = latestElsewhere.current;
      // An answer we cannot get counts as no activity: the lock errs towards locking.
      const last = elsewhere ? await elsewhere().catch(() => null) : null;
      if (ended) return;
      const quietMs = last === null ? Number.POSITIVE_INFINITY : Date.now() - last;
      if (quietMs < idleMs) arm(idleMs - quietMs);
      else latestOnIdle.current();
    };
    const restart = () => arm(idleMs);
    restart();
    for (const type of ACTIVITY_EVENTS)
      window.addEventListener(type, restart, { passive: true, capture: true });
    return () => {
      ended = true;
      clearTimeout(timer);
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, restart, { capture: true });
    };
  }, [idleMs, active]);
}

/** Calls `onExpired` when the ISO time `expiresAt` passes (the session's 12-hour limit). */
export function useExpiry(expiresAt: string | undefined, onExpired: () => void) {
  const latestOnExpired = useRef(onExpired);
  latestOnExpired.current = onExpired;
  useEffect(() => {
    if (!expiresAt) return;
    const expiresMs = Date.parse(expiresAt);
    if (Number.isNaN(expiresMs)) return;
    let timer: ReturnType<typeof setTimeout>;
    // Re-arm in steps, since a laptop that slept may wake past the deadline.
    const arm = () => {
      const left = expiresMs - Date.now();
      if (left <= 0) {
        latestOnExpired.current();
        return;
      }
      timer = setTimeout(arm, Math.min(left, 60_000, MAX_TIMEOUT_MS));
    };
    arm();
    return () => clearTimeout(timer);
  }, [expiresAt]);
}
