/**
 * The readiness counters (user_factor_counts, kept by triggers) as the tests compare them: the table's
 * non-empty buckets, and the same buckets recounted from users and totp_factors by a plain aggregate, which
 * is what the counters must equal after any write.
 */
import { sql } from 'kysely';
import type { Db } from '../../server/db/database';

export interface Bucket {
  practice_id: string;
  has_phone: number;
  has_email: number;
  has_totp: number;
  users: number;
}

const key = (b: Bucket) => `${b.practice_id}/${b.has_phone}${b.has_email}${b.has_totp}`;

/** Numbers as numbers (PostgreSQL's count is a bigint, a string), in key order, empty buckets left out. */
function normalised(rows: Bucket[]): Bucket[] {
  return rows
    .map((row) => ({
      practice_id: row.practice_id,
      has_phone: Number(row.has_phone),
      has_email: Number(row.has_email),
      has_totp: Number(row.has_totp),
      users: Number(row.users),
    }))
    .filter((row) => row.users !== 0)
    .sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/** The counters as the triggers left them. */
export async function counters(db: Db): Promise<Bucket[]> {
  return normalised(await db.selectFrom('user_factor_counts').selectAll().execute());
}

/** The counters as they should be: every active user, by what they have on file, counted afresh. */
export async function recount(db: Db): Promise<Bucket[]> {
  const result = await sql<Bucket>`
    select u.practice_id,
           case when u.phone is null then 0 else 1 end as has_phone,
           case when u.email is null then 0 else 1 end as has_email,
           case when t.confirmed_at is null then 0 else 1 end as has_totp,
           count(*) as users
    from users u left join totp_factors t on t.user_id = u.id
    where u.active = 1
    group by 1, 2, 3, 4`.execute(db);
  return normalised(result.rows);
}
