import { formatDuration, useSecondsUntil } from './time';

interface CountdownProps {
  /** Epoch milliseconds when the wait ends. */
  until: number | undefined;
  /** The sentence while waiting, given the remaining time in words. */
  children: (remaining: string) => string;
  /** The sentence once the wait is over; nothing when absent. */
  done?: string;
}

/** A polite live region that counts down a wait (a resend cooldown, an account lock). */
export function Countdown({ until, children, done }: CountdownProps) {
  const seconds = useSecondsUntil(until);
  const text = seconds > 0 ? children(formatDuration(seconds)) : done;
  return (
    <p className="countdown" aria-live="polite" aria-atomic="true">
      {text}
    </p>
  );
}
