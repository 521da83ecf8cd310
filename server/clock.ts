/** Time comes from a Clock so that tests can move it; the server uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function addSeconds(time: Date, seconds: number): Date {
  return new Date(time.getTime() + seconds * 1000);
}

/** Whole seconds from `now` until `later`, never below 1 so a client always waits at least a moment. */
export function secondsUntil(later: Date | string, now: Date): number {
  const ms = new Date(later).getTime() - now.getTime();
  return Math.max(1, Math.ceil(ms / 1000));
}
