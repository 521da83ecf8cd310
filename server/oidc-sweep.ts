/**
 * OpenID Connect housekeeping: codes, tokens, sessions and interactions past their expiry are ignored on
 * read already; this deletes them, and deletes signing keys whose 24 hours in the JWKS after a rotation have
 * passed. Every instance runs it at start and then once a minute; each step is one idempotent DELETE, so
 * several instances on one PostgreSQL do no harm.
 */
import type { Logger } from 'pino';
import type { Services } from './services';

const SWEEP_EVERY_MS = 60_000;

export class OidcSweep {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: Pick<Services, 'oidcStorage' | 'signingKeys'>,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => void this.run(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass; answers what it deleted. */
  async run(): Promise<{ payloads: number; keyGenerations: number }> {
    try {
      const payloads = await this.services.oidcStorage.deleteExpired();
      const keyGenerations = await this.services.signingKeys.deleteExpired();
      if (keyGenerations > 0)
        this.log.info({ keyGenerations }, 'oidc: deleted signing keys retired over 24 hours ago');
      return { payloads, keyGenerations };
    } catch (error) {
      this.log.error({ err: error }, 'oidc sweep failed; it runs again in a minute');
      return { payloads: 0, keyGenerations: 0 };
    }
  }
}
