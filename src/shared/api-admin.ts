/**
 * Account-manager console contract (`/api/v1/admin/...`, role admin). Re-exported from api.ts; kept apart so
 * the sign-in screens need not load it.
 */
import { z } from 'zod';

const IsoTime = z.string().describe('ISO 8601 UTC time');
const Count = z.number().int().nonnegative();

/** A user as the readiness list shows them: enough to find them, no contact details. */
export const ReadinessUser = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  role: z.enum(['staff', 'admin']),
});
export type ReadinessUser = z.infer<typeof ReadinessUser>;

/** Who could sign in if the practice required a second factor today. Counts cover active users only. */
export const Readiness = z.object({
  asOf: IsoTime,
  policy: z.object({
    mode: z.enum(['off', 'optional', 'required']),
    enforceAfter: z.string().nullable().describe('YYYY-MM-DD (UTC)'),
  }),
  activeUsers: Count,
  counts: z.object({
    phone: Count.describe('users with a cell phone on file'),
    email: Count.describe('users with an email on file'),
    authenticator: Count.describe('users with a confirmed authenticator app'),
    nothing: Count.describe('users with no second factor at all'),
  }),
  /** Users who would be refused at sign-in (enrollment_required) if the policy were required today. */
  wouldBeLockedOut: z.array(ReadinessUser),
});
export type Readiness = z.infer<typeof Readiness>;
