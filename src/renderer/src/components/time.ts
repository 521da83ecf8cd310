import { useEffect, useState } from 'react';

/**
 * "1 second", "45 seconds", "14 minutes 5 seconds", "23 hours 55 minutes": words a screen reader reads well.
 * Past an hour (a contact's daily limit on codes) the seconds are left out.
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  if (seconds >= 3600) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.ceil((seconds % 3600) / 60);
    if (minutes === 60) return plural(hours + 1, 'hour');
    return minutes === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(minutes, 'minute')}`;
  }
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? plural(minutes, 'minute') : `${plural(minutes, 'minute')} ${plural(rest, 'second')}`;
}

/** Whole seconds left until `untilMs`, re-rendering while any remain; 0 when none. */
export function useSecondsUntil(untilMs: number | undefined): number {
  const [, setTicks] = useState(0);
  // Read the clock on every render, so a wait that starts later is right from its first frame.
  const remaining = untilMs === undefined ? 0 : Math.max(0, Math.ceil((untilMs - Date.now()) / 1000));
  const running = remaining > 0;
  useEffect(() => {
    if (!running) return;
    // Sampling twice a second keeps the shown second within half a second of the truth.
    const timer = setInterval(() => setTicks((ticks) => ticks + 1), 500);
    return () => clearInterval(timer);
  }, [running]);
  return remaining;
}
