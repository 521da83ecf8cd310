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

/** What a redacted value reads as, in every log line. */
const CENSOR = '[redacted]';

// Top level and one level down: log calls pass flat objects, and deeper wildcards cost every log line.
const paths = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * The logger of audit lines, which AuditLog.record writes in one shape: `{audit, userId, ip, detail}`, the
 * detail's values facts, not objects. Only the detail's keys can name a secret, so only they are redacted:
 * the same keys as everywhere, without the wildcard paths every other line pays for (a sign-in writes one).
 */
export function auditLogger(log: Logger): Logger {
  return log.child({}, { redact: { paths: REDACTED_KEYS.map((key) => `detail.${key}`), censor: CENSOR } });
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths, censor: CENSOR },
      base: { service: 'wrsauth' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
