/**
 * Prometheus metrics for GET /metrics (prom-client), one registry per server so servers in one process
 * (the tests) never share counts. The security counters come from the audit trail as it is committed, so a
 * metric and its audit event can never disagree about what happened. No label ever holds a user, an
 * address, a code or a token: labels are routes, channels, outcomes and event types only.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PasswordHasher } from './password-hasher';
import type { AuditEntry } from './services/audit-log';

/** What a verify ended in, by the audit event that records it. */
const VERIFY_OUTCOMES: Partial<Record<AuditEntry['type'], string>> = {
  code_invalid: 'invalid_code',
  code_expired: 'code_expired',
  challenge_exhausted: 'too_many_attempts',
};

/** Sign-ins that passed verify: a sent code, the authenticator app or a recovery code. */
const VERIFY_METHODS = new Set(['code', 'totp', 'recovery_code']);

export class Metrics {
  readonly registry = new Registry();

  private readonly requestDuration = new Histogram({
    name: 'wrsauth_http_request_duration_seconds',
    help: 'HTTP request durations by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 12],
    registers: [this.registry],
  });

  private readonly codes = new Counter({
    name: 'wrsauth_codes_sent_total',
    help: 'Verification codes by channel and status: sent (the provider accepted it), failed, rate_limited, and what the provider reported later: delivered, undelivered',
    labelNames: ['channel', 'status'],
    registers: [this.registry],
  });

  private readonly verifyOutcomes = new Counter({
    name: 'wrsauth_verify_outcomes_total',
    help: 'Code checks by outcome: authenticated, invalid_code, code_expired, too_many_attempts',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  private readonly lockouts = new Counter({
    name: 'wrsauth_lockouts_total',
    help: 'Accounts locked after 10 consecutive failed attempts',
    registers: [this.registry],
  });

  private readonly auditEvents = new Counter({
    name: 'wrsauth_audit_events_total',
    help: 'Security events written to the audit trail, by type',
    labelNames: ['event'],
    registers: [this.registry],
  });

  constructor(hasher: PasswordHasher) {
    collectDefaultMetrics({ register: this.registry, prefix: 'wrsauth_' });
    new Gauge({
      name: 'wrsauth_password_hash_queue_depth',
      help: 'Password checks waiting for an argon2 slot; past the queue limit logins get 503 at once',
      registers: [this.registry],
      collect() {
        this.set(hasher.queueDepth);
      },
    });
    new Gauge({
      name: 'wrsauth_password_hash_active',
      help: 'argon2 computations running now',
      registers: [this.registry],
      collect() {
        this.set(hasher.active);
      },
    });
    for (const outcome of ['authenticated', ...Object.values(VERIFY_OUTCOMES)]) {
      this.verifyOutcomes.inc({ outcome }, 0);
    }
    this.lockouts.inc(0);
  }

  /** `route` is the matched route's template, never the raw URL, so random paths cannot grow the series. */
  observeRequest(route: string, method: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ route, method, status_code: String(statusCode) }, seconds);
  }

  /** Called by the audit log for every event it commits. */
  auditRecorded(entry: AuditEntry): void {
    this.auditEvents.inc({ event: entry.type });
    const channel = String(entry.detail?.channel ?? 'unknown');
    if (entry.type === 'code_sent') this.codes.inc({ channel, status: 'sent' });
    if (entry.type === 'code_delivery_failed') this.codes.inc({ channel, status: 'failed' });
    if (entry.type === 'code_send_rate_limited') this.codes.inc({ channel, status: 'rate_limited' });
    if (entry.type === 'code_delivery_reported') {
      // A provider's later "failed" is a text that never arrived, to the user as "undelivered".
      const reported = entry.detail?.status === 'delivered' ? 'delivered' : 'undelivered';
      this.codes.inc({ channel, status: reported });
    }
    if (entry.type === 'account_locked') this.lockouts.inc();
    const outcome =
      entry.type === 'login_succeeded' && VERIFY_METHODS.has(String(entry.detail?.method))
        ? 'authenticated'
        : VERIFY_OUTCOMES[entry.type];
    if (outcome) this.verifyOutcomes.inc({ outcome });
  }
}
