/**
 * The scale section's two practices, small and large, and how they are seeded: straight through the
 * repositories' batched inserts (no services, no per-row hashing), one password hash for every user.
 * Rows are generated batch by batch, so seeding the large practice never holds its million events at once.
 *
 * What the data is shaped for:
 * - Users tab: one surname in LAST_NAMES ("Smith") starts with SEARCH_PREFIX, so the search matches 1 user in
 *   20 in either practice (50 of 1 000, 5 000 of 100 000), and the small practice's answer fills a page too.
 * - Readiness: every tenth user has no phone and no email, and would be refused if the policy were required.
 * - Audit log: BUSY_USER_EVENTS events of one user (the busy front desk) in the last AUDIT_WINDOW_DAYS days,
 *   the same in both practices, so a filtered page is the same answer over a bigger table; the rest are
 *   spread over two years and every user.
 * - Sign-in: SIGN_IN_USERS users spread through the table, each with a phone of their own, one per sample
 *   (the resend cooldown and the per-contact budget are per phone).
 */
import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../server/db/database';
import type { NewAuditEvent, TrustedDeviceTable, UserTable } from '../server/db/schema';
import { insertAuditEvents } from '../server/repositories/audit';
import { ensurePractice, updatePolicy } from '../server/repositories/practices';
import { insertTrustedDevices } from '../server/repositories/trusted-devices';
import { insertUsers, newUserRow } from '../server/repositories/users';

export const PRACTICE_SIZES = {
  small: { users: 1_000, auditEvents: 10_000, trustedDevices: 1_000 },
  large: { users: 100_000, auditEvents: 1_000_000, trustedDevices: 100_000 },
} as const;
export type PracticeSize = keyof typeof PRACTICE_SIZES;

export const SEARCH_PREFIX = 'Smi';
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
];
const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Frank',
  'Grace',
  'Hugo',
  'Iris',
  'Jonah',
  'Kara',
];
const EVENT_TYPES = ['login_succeeded', 'code_sent', 'code_verified', 'login_failed', 'session_ended'];

/** The account manager the console measurements sign in as; has a phone, like every sign-in user. */
export const MANAGER_INDEX = 0;
/** A second account manager, for the export's fresh server (the first one's phone is still cooling down). */
export const EXPORT_MANAGER_INDEX = 10;
/** The user whose events the audit measurements filter on. */
export const BUSY_USER_INDEX = 1;
export const BUSY_USER_EVENTS = 6_000;
export const AUDIT_WINDOW_DAYS = 30;
const HISTORY_DAYS = 730;
export const SIGN_IN_USERS = 60;
const GENERATED_PER_BATCH = 20_000;
const DAY_MS = 86_400_000;

/**
 * Random hex drawn from one large buffer: a million ids at one getrandom call each cost seconds of system
 * time, more than their inserts.
 */
class RandomHex {
  private pool = Buffer.alloc(0);
  private at = 0;

  next(bytes: number): string {
    if (this.at + bytes > this.pool.length) {
      this.pool = randomBytes(65_536);
      this.at = 0;
    }
    this.at += bytes;
    return this.pool.toString('hex', this.at - bytes, this.at);
  }
}
const randomHex = new RandomHex();

/**
 * The form of newSortableId (server/secrets.ts): milliseconds, a sequence, 8 random bytes. Seeded times are
 * apart by seconds, so the sequence stays 0 and ids sort by time as the server's do.
 */
const sortableIdAt = (at: number) => `${at.toString(36).padStart(9, '0')}0000${randomHex.next(8)}`;

export const usernameOf = (index: number) =>
  `${FIRST_NAMES[index % FIRST_NAMES.length]?.[0]}${LAST_NAMES[index % LAST_NAMES.length]}${index}`.toLowerCase();

/** Distinct valid US numbers (202-2xx-xxxx), one per user. */
export const phoneOf = (index: number) => `+1202${2_000_000 + index}`;

const hasNoContact = (index: number) => index % 10 === 9 && index !== MANAGER_INDEX;

/** The users the sign-in samples use, spread from the table's start to its end. */
export function signInUserIndexes(users: number): number[] {
  const step = Math.floor(users / SIGN_IN_USERS);
  return Array.from({ length: SIGN_IN_USERS }, (_, k) => 2 + k * step).map((i) =>
    hasNoContact(i) ? i + 1 : i,
  );
}

function userRow(index: number, practiceId: string, passwordHash: string, now: Date): Insertable<UserTable> {
  const contactless = hasNoContact(index);
  return newUserRow({
    practiceId,
    username: usernameOf(index),
    passwordHash,
    firstName: FIRST_NAMES[index % FIRST_NAMES.length],
    lastName: LAST_NAMES[index % LAST_NAMES.length],
    role: index === MANAGER_INDEX || index === EXPORT_MANAGER_INDEX ? 'admin' : 'staff',
    phone: contactless ? null : phoneOf(index),
    email: contactless || index % 2 ? null : `${usernameOf(index)}@practice.example`,
    now,
  });
}

function deviceRow(index: number, userId: string, now: Date): Insertable<TrustedDeviceTable> {
  return {
    id: sortableIdAt(now.getTime() - index),
    // Only a token's SHA-256 is ever stored; these tokens never existed, so random hashes stand in.
    token_hash: randomHex.next(32),
    user_id: userId,
    name: `Workstation ${index}`,
    created_at: new Date(now.getTime() - (index % 20) * DAY_MS).toISOString(),
    last_used_at: now.toISOString(),
    expires_at: new Date(now.getTime() + 30 * DAY_MS).toISOString(),
    revoked_at: null,
  };
}

/**
 * Event times, oldest first: the background spread over HISTORY_DAYS, the busy user's over the last
 * AUDIT_WINDOW_DAYS (ending an hour ago), merged, so ids (time-ordered) are inserted in order.
 */
function* eventTimes(total: number, now: Date): Generator<{ at: number; busy: boolean }> {
  const end = now.getTime() - 3_600_000;
  const background = total - BUSY_USER_EVENTS;
  const historyStart = end - HISTORY_DAYS * DAY_MS;
  const windowStart = end - (AUDIT_WINDOW_DAYS - 2) * DAY_MS;
  const backgroundAt = (k: number) => historyStart + Math.floor(((end - historyStart) * k) / background);
  const busyAt = (k: number) => windowStart + Math.floor(((end - windowStart) * k) / BUSY_USER_EVENTS);
  let b = 0;
  let u = 0;
  while (b < background || u < BUSY_USER_EVENTS) {
    if (u >= BUSY_USER_EVENTS || (b < background && backgroundAt(b) <= busyAt(u)))
      yield { at: backgroundAt(b++), busy: false };
    else yield { at: busyAt(u++), busy: true };
  }
}

function* auditBatches(
  total: number,
  users: { id: string; username: string }[],
  now: Date,
): Generator<NewAuditEvent[]> {
  const busy = users[BUSY_USER_INDEX];
  if (!busy) throw new Error('the practice has no busy user');
  let batch: NewAuditEvent[] = [];
  let k = 0;
  for (const { at, busy: isBusy } of eventTimes(total, now)) {
    const user = isBusy ? busy : users[(k * 7919) % users.length];
    batch.push({
      id: sortableIdAt(at),
      at: new Date(at).toISOString(),
      user_id: user?.id ?? null,
      username: user?.username ?? null,
      ip: `10.1.${k % 250}.${(k >> 8) % 250}`,
      user_agent: 'WRSAuth/1.0 (Windows NT 10.0)',
      event_type: EVENT_TYPES[k % EVENT_TYPES.length] as string,
      detail: k % 2 ? '{"channel":"sms"}' : '{}',
    });
    k++;
    if (batch.length === GENERATED_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

export interface SeedFigures {
  users: number;
  auditEvents: number;
  trustedDevices: number;
  ms: number;
}

/** Seeds an empty, migrated database with the practice of this size; answers what it wrote and how fast. */
export async function seedPractice(db: Db, size: PracticeSize, passwordHash: string): Promise<SeedFigures> {
  const sizes = PRACTICE_SIZES[size];
  const started = performance.now();
  const now = new Date();
  const practice = await ensurePractice(db, now);
  // Thousands of sign-in samples must not run into the practice's hourly texting budget.
  await updatePolicy(db, practice.id, { sms_per_hour: 1_000_000 }, now);
  const users: { id: string; username: string }[] = [];
  await db.transaction().execute(async (tx) => {
    for (let start = 0; start < sizes.users; start += GENERATED_PER_BATCH) {
      const rows = Array.from({ length: Math.min(GENERATED_PER_BATCH, sizes.users - start) }, (_, i) =>
        userRow(start + i, practice.id, passwordHash, now),
      );
      await insertUsers(tx, rows);
      for (const row of rows) users.push({ id: row.id as string, username: row.username });
    }
    for (let start = 0; start < sizes.trustedDevices; start += GENERATED_PER_BATCH) {
      const rows = Array.from(
        { length: Math.min(GENERATED_PER_BATCH, sizes.trustedDevices - start) },
        (_, i) => deviceRow(start + i, users[(start + i) % users.length]?.id as string, now),
      );
      await insertTrustedDevices(tx, rows);
    }
    for (const batch of auditBatches(sizes.auditEvents, users, now)) await insertAuditEvents(tx, batch);
  });
  return { ...sizes, ms: performance.now() - started };
}
