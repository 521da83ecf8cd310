/**
 * What "Login with WRSAuth" tells an application about a user: oidc-provider's `findAccount`. The claims
 * come from the user's record (profile, a verified email) and from the sign-in the code or token came from
 * (the location chosen then, amr, acr, auth_time), never from another sign-in of the same user.
 */
import type { Account, AccountClaims } from 'oidc-provider';
import { withinAccountDates } from '../../src/shared/account-dates';
import type { Clock } from '../clock';
import type { Db } from '../db/database';
import type { UserRow } from '../db/schema';
import { findUserWithTimeZone } from '../repositories/users';
import type { OidcSignIn, OidcStorage } from './oidc-storage';

/** Where a code, a token or the browser's provider session says the sign-in happened. */
export interface SignInReference {
  sessionUid?: string;
  authTime?: number;
}

/** The claims each scope releases; `openid` alone gives who signed in, where, and how. */
export const SCOPE_CLAIMS = {
  openid: ['sub', 'preferred_username', 'practice_location', 'acr', 'amr', 'auth_time'],
  profile: ['name', 'given_name', 'family_name'],
  email: ['email', 'email_verified'],
} as const;

/** An email counts as verified when a code sent to it was typed to put it on file. */
function verifiedEmail(user: UserRow): string | undefined {
  const provenByCode = user.email_set_by === 'user_code' || user.email_set_by === 'admin_code';
  return user.email && provenByCode ? user.email : undefined;
}

export class OidcAccountService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly storage: OidcStorage,
  ) {}

  /**
   * The account behind `sub` (the user's opaque id), or undefined for a user who is gone, deactivated or
   * outside their start and end dates: then no code is issued, no code or refresh token is redeemed and
   * userinfo answers 401.
   */
  async find(sub: string, reference: SignInReference): Promise<Account | undefined> {
    const found = await findUserWithTimeZone(this.db, { id: sub });
    if (!found?.user.active) return undefined;
    const { user, timeZone } = found;
    const dates = { startDate: user.start_date, endDate: user.end_date };
    if (!withinAccountDates(dates, timeZone, this.clock.now())) return undefined;
    const signIn = await this.signInFor(user.id, reference);
    const email = verifiedEmail(user);
    return {
      accountId: user.id,
      claims: async (): Promise<AccountClaims> => ({
        sub: user.id,
        preferred_username: user.username,
        name: `${user.first_name} ${user.last_name}`,
        given_name: user.first_name,
        family_name: user.last_name,
        ...(email && { email, email_verified: true }),
        ...(signIn?.location && { practice_location: signIn.location }),
        ...(signIn && { amr: signIn.amr, acr: signIn.acr, auth_time: signIn.authTime }),
      }),
    };
  }

  /** The sign-in a reference points to, only if it is this user's and the very login the token came from. */
  private async signInFor(userId: string, reference: SignInReference): Promise<OidcSignIn | undefined> {
    if (!reference.sessionUid || reference.authTime === undefined) return undefined;
    const signIn = await this.storage.signInOf(reference.sessionUid);
    // The provider session signed in again since (prompt=login): that newer sign-in is not this token's.
    if (signIn?.userId !== userId || signIn.authTime !== reference.authTime) return undefined;
    return signIn;
  }
}
