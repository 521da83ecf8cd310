/** The one place redaction is configured: no password, code, token or full contact reaches a log. */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'code',
  'token',
  'sessionToken',
  'deviceToken',
  'authorization',
  'cookie',
  'phone',
  'email',
  'to',
  // A message's body: it may hold a code.
  'text',
  'secret',
];

// Top level and one level down: log calls pass flat objects, and deeper wildcards cost every log line.
const paths = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths, censor: '[redacted]' },
      base: { service: 'wrsauth' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
