/**
 * The table behind the Readiness view's counts (migration 0020): how many ACTIVE users each practice has in
 * each bucket of factors on file (phone?, email?, confirmed authenticator app?), at most 8 rows a practice,
 * so readinessCounts reads those rows instead of every user. Database triggers keep it right on every write
 * to users and totp_factors, whoever writes (services, the CLI, the seed, bulk loads, code yet to come).
 *
 * Each dialect has its own trigger syntax; both follow the same rules:
 * - a user counts in the bucket of (practice_id, phone is not null, email is not null, a confirmed
 *   totp_factors row) while active = 1, and in none while inactive;
 * - an update of users reaches the counters only when one of those inputs changes (UPDATE OF + WHEN), so the
 *   sign-in path's updates (failure counts, locks) never touch them;
 * - totp_factors has one row per user (its primary key), referencing users with no cascade; users are never
 *   deleted today. Deleting a user counts them out BEFORE the row goes, reading their app as it stands, and
 *   the app's own trigger does nothing for a user who is no longer there: right whichever goes first, also
 *   should the reference ever cascade (the cascade's delete runs after the user's row is gone).
 */
import { type Kysely, sql } from 'kysely';

/** The bucket key, in the order the primary key (and PostgreSQL's lock order) uses. */
const KEY = 'practice_id, has_phone, has_email, has_totp';

export async function createUserFactorCounts(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
): Promise<void> {
  let table = db.schema
    .createTable('user_factor_counts')
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('has_phone', 'integer', (c) => c.notNull())
    .addColumn('has_email', 'integer', (c) => c.notNull())
    .addColumn('has_totp', 'integer', (c) => c.notNull())
    .addColumn('users', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_factor_counts_pk', ['practice_id', 'has_phone', 'has_email', 'has_totp']);
  // Eight short rows read by their key: the primary key is the table (no rowid to look up besides).
  if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  // The triggers first, then the counts: on PostgreSQL, CREATE TRIGGER locks users and totp_factors against
  // writes until the migration commits, so no write can fall between the recount and the triggers.
  if (dialect === 'sqlite') {
    for (const statement of sqliteTriggers()) await sql.raw(statement).execute(db);
    await sql.raw(`INSERT INTO user_factor_counts (${KEY}, users) ${SQLITE_RECOUNT}`).execute(db);
  } else {
    for (const statement of postgresTriggers()) await sql.raw(statement).execute(db);
    await sql.raw('SELECT user_factor_counts_recount()').execute(db);
  }
}

// ---- SQLite: row triggers, each an upsert per bucket touched (one writer at a time, so no lock order) -------

/** Whether user `id` has a confirmed authenticator app, as 0/1. */
const sqliteHasTotp = (id: string) =>
  `EXISTS (SELECT 1 FROM totp_factors WHERE user_id = ${id} AND confirmed_at IS NOT NULL)`;

/** Adds `delta` to the bucket of the user row `u` (OLD or NEW) with app `totp`, when `when` holds. */
function sqliteAdd(u: string, totp: string, delta: number, when: string): string {
  // WHERE is required before ON CONFLICT in INSERT … SELECT (SQLite's parser), and carries the condition.
  return `INSERT INTO user_factor_counts (${KEY}, users)
    SELECT ${u}.practice_id, ${u}.phone IS NOT NULL, ${u}.email IS NOT NULL, ${totp}, ${delta} WHERE ${when}
    ON CONFLICT (${KEY}) DO UPDATE SET users = users + excluded.users;`;
}

/** Moves user `userId` (if there and active) from the bucket without the app to the one with it, or back. */
function sqliteMoveTotp(userId: string, to: 0 | 1): string {
  const add = (totp: number, delta: number) => `INSERT INTO user_factor_counts (${KEY}, users)
    SELECT practice_id, phone IS NOT NULL, email IS NOT NULL, ${totp}, ${delta} FROM users
    WHERE id = ${userId} AND active = 1
    ON CONFLICT (${KEY}) DO UPDATE SET users = users + excluded.users;`;
  return `${add(1 - to, -1)}\n${add(to, 1)}`;
}

/** A user's bucket inputs changed: practice, active, or whether a phone or an email is on file. */
const USER_BUCKET_CHANGED = `OLD.practice_id IS NOT NEW.practice_id OR OLD.active IS NOT NEW.active
  OR (OLD.phone IS NULL) <> (NEW.phone IS NULL) OR (OLD.email IS NULL) <> (NEW.email IS NULL)`;

const SQLITE_RECOUNT = `SELECT u.practice_id, u.phone IS NOT NULL, u.email IS NOT NULL,
    t.confirmed_at IS NOT NULL, count(*)
  FROM users u LEFT JOIN totp_factors t ON t.user_id = u.id
  WHERE u.active = 1
  GROUP BY 1, 2, 3, 4`;

function sqliteTriggers(): string[] {
  return [
    `CREATE TRIGGER users_factor_counts_insert AFTER INSERT ON users WHEN NEW.active = 1
     BEGIN ${sqliteAdd('NEW', sqliteHasTotp('NEW.id'), 1, 'true')} END`,
    `CREATE TRIGGER users_factor_counts_delete BEFORE DELETE ON users WHEN OLD.active = 1
     BEGIN ${sqliteAdd('OLD', sqliteHasTotp('OLD.id'), -1, 'true')} END`,
    `CREATE TRIGGER users_factor_counts_update AFTER UPDATE OF practice_id, active, phone, email ON users
     WHEN ${USER_BUCKET_CHANGED}
     BEGIN
       ${sqliteAdd('OLD', sqliteHasTotp('NEW.id'), -1, 'OLD.active = 1')}
       ${sqliteAdd('NEW', sqliteHasTotp('NEW.id'), 1, 'NEW.active = 1')}
     END`,
    `CREATE TRIGGER totp_factors_counts_insert AFTER INSERT ON totp_factors WHEN NEW.confirmed_at IS NOT NULL
     BEGIN ${sqliteMoveTotp('NEW.user_id', 1)} END`,
    `CREATE TRIGGER totp_factors_counts_delete AFTER DELETE ON totp_factors WHEN OLD.confirmed_at IS NOT NULL
     BEGIN ${sqliteMoveTotp('OLD.user_id', 0)} END`,
    // user_id is the primary key and never changes; should it, the app leaves one user and joins another.
    `CREATE TRIGGER totp_factors_counts_update_old AFTER UPDATE OF confirmed_at, user_id ON totp_factors
     WHEN OLD.confirmed_at IS NOT NULL
       AND (NEW.confirmed_at IS NULL OR OLD.user_id IS NOT NEW.user_id)
     BEGIN ${sqliteMoveTotp('OLD.user_id', 0)} END`,
    `CREATE TRIGGER totp_factors_counts_update_new AFTER UPDATE OF confirmed_at, user_id ON totp_factors
     WHEN NEW.confirmed_at IS NOT NULL
       AND (OLD.confirmed_at IS NULL OR OLD.user_id IS NOT NEW.user_id)
     BEGIN ${sqliteMoveTotp('NEW.user_id', 1)} END`,
  ];
}

// ---- PostgreSQL: plpgsql trigger functions, safe with several instances at READ COMMITTED ---------------------
//
// Two rules make concurrent writers right:
//
// 1. Every counter change of one user happens under that user's row lock. An UPDATE or DELETE of users holds
//    it already; the totp_factors trigger takes it (SELECT … FOR NO KEY UPDATE: it conflicts with any UPDATE
//    or DELETE of the row, but not with the FOR KEY SHARE of a sign-in inserting a row that references the
//    user). Each trigger then reads the other table with a fresh snapshot (every statement of a plpgsql
//    function takes one at READ COMMITTED). Take T1 changing the user's phone and T2 confirming their app:
//    - T1 locks the user first: T1's trigger reads totp_factors and sees no confirmation (T2's is not
//      committed, or not yet made), so it moves (old phone, no app) to (new phone, no app). T2's trigger waits
//      for the lock until T1 commits, then reads the user's newest version, and moves (new phone, no app) to
//      (new phone, app).
//    - T2's trigger locks the user first: T1's UPDATE waits until T2 commits, then updates the newest version;
//      its trigger's fresh snapshot sees T2's confirmation, so it moves (old phone, app) to (new phone, app),
//      after T2 moved (old phone, no app) to (old phone, app).
//    Neither can read the other's old state once the other has committed its move, since whoever holds the
//    lock commits before the other reads. Without the lock, T2 could read the old phone while T1 read no app,
//    and the user would be counted out of (old phone, no app) twice. The same holds for a reset (app deleted),
//    deactivation, or a user deleted while their app is confirmed.
// 2. A move adjusts its two counter rows in ascending key order, and a bulk insert its buckets likewise, so
//    two transactions moving users in opposite directions lock the rows in the same order: one waits, neither
//    deadlocks.

function postgresTriggers(): string[] {
  return [
    `CREATE FUNCTION user_factor_counts_add(p_practice text, p_phone int, p_email int, p_totp int, p_delta int)
     RETURNS void LANGUAGE sql AS $$
       INSERT INTO user_factor_counts (${KEY}, users) VALUES (p_practice, p_phone, p_email, p_totp, p_delta)
       ON CONFLICT (${KEY}) DO UPDATE SET users = user_factor_counts.users + EXCLUDED.users
     $$`,
    // One user from one bucket (if they were counted) to another (if they are counted), lower key first.
    `CREATE FUNCTION user_factor_counts_move(
       o_counted boolean, o_practice text, o_phone int, o_email int, o_totp int,
       n_counted boolean, n_practice text, n_phone int, n_email int, n_totp int)
     RETURNS void LANGUAGE plpgsql AS $$
     BEGIN
       IF o_counted AND n_counted THEN
         IF (o_practice, o_phone, o_email, o_totp) = (n_practice, n_phone, n_email, n_totp) THEN RETURN; END IF;
         IF (n_practice, n_phone, n_email, n_totp) < (o_practice, o_phone, o_email, o_totp) THEN
           PERFORM user_factor_counts_add(n_practice, n_phone, n_email, n_totp, 1);
           PERFORM user_factor_counts_add(o_practice, o_phone, o_email, o_totp, -1);
           RETURN;
         END IF;
       END IF;
       IF o_counted THEN PERFORM user_factor_counts_add(o_practice, o_phone, o_email, o_totp, -1); END IF;
       IF n_counted THEN PERFORM user_factor_counts_add(n_practice, n_phone, n_email, n_totp, 1); END IF;
     END $$`,
    `CREATE FUNCTION user_factor_counts_has_totp(p_user text) RETURNS int LANGUAGE sql AS $$
       SELECT (EXISTS (SELECT 1 FROM totp_factors WHERE user_id = p_user AND confirmed_at IS NOT NULL))::int
     $$`,
    // Every practice's counts from scratch: the migration's backfill, and after a TRUNCATE (no row triggers).
    `CREATE FUNCTION user_factor_counts_recount() RETURNS void LANGUAGE sql AS $$
       DELETE FROM user_factor_counts;
       INSERT INTO user_factor_counts (${KEY}, users)
       SELECT u.practice_id, (u.phone IS NOT NULL)::int, (u.email IS NOT NULL)::int,
              (t.confirmed_at IS NOT NULL)::int, count(*)
       FROM users u LEFT JOIN totp_factors t ON t.user_id = u.id
       WHERE u.active = 1
       GROUP BY 1, 2, 3, 4;
     $$`,
    `CREATE FUNCTION user_factor_counts_recount_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM user_factor_counts_recount(); RETURN NULL; END $$`,

    // users, inserted: per statement, so a bulk load (the bench's batches of thousands) adds each bucket once
    // per statement, not once per row (many updates of one row in one transaction grow its version chain).
    `CREATE FUNCTION users_factor_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE b record;
     BEGIN
       FOR b IN
         SELECT a.practice_id, (a.phone IS NOT NULL)::int AS has_phone, (a.email IS NOT NULL)::int AS has_email,
                (t.user_id IS NOT NULL)::int AS has_totp, count(*)::int AS users
         -- A join, not user_factor_counts_has_totp per row: a function with a subquery is not inlined, and
         -- calling it for each row of a bulk load made the trigger several times dearer.
         FROM added a LEFT JOIN totp_factors t ON t.user_id = a.id AND t.confirmed_at IS NOT NULL
         WHERE a.active = 1
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
       LOOP
         PERFORM user_factor_counts_add(b.practice_id, b.has_phone, b.has_email, b.has_totp, b.users);
       END LOOP;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER users_factor_counts_insert AFTER INSERT ON users REFERENCING NEW TABLE AS added
     FOR EACH STATEMENT EXECUTE FUNCTION users_factor_counts_insert()`,

    // users, deleted: BEFORE, so the app read is the one the user was counted with, whatever deletes it next.
    `CREATE FUNCTION users_factor_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM user_factor_counts_move(
         true, OLD.practice_id, (OLD.phone IS NOT NULL)::int, (OLD.email IS NOT NULL)::int,
         user_factor_counts_has_totp(OLD.id),
         false, NULL, NULL, NULL, NULL);
       RETURN OLD;
     END $$`,
    `CREATE TRIGGER users_factor_counts_delete BEFORE DELETE ON users
     FOR EACH ROW WHEN (OLD.active = 1) EXECUTE FUNCTION users_factor_counts_delete()`,

    // users, updated: only when a bucket input changed. The row is locked by this very UPDATE.
    `CREATE FUNCTION users_factor_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE has_totp int := user_factor_counts_has_totp(NEW.id);
     BEGIN
       PERFORM user_factor_counts_move(
         OLD.active = 1, OLD.practice_id, (OLD.phone IS NOT NULL)::int, (OLD.email IS NOT NULL)::int, has_totp,
         NEW.active = 1, NEW.practice_id, (NEW.phone IS NOT NULL)::int, (NEW.email IS NOT NULL)::int, has_totp);
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER users_factor_counts_update AFTER UPDATE OF practice_id, active, phone, email ON users
     FOR EACH ROW WHEN (OLD.practice_id IS DISTINCT FROM NEW.practice_id OR OLD.active IS DISTINCT FROM NEW.active
       OR (OLD.phone IS NULL) <> (NEW.phone IS NULL) OR (OLD.email IS NULL) <> (NEW.email IS NULL))
     EXECUTE FUNCTION users_factor_counts_update()`,
    `CREATE TRIGGER users_factor_counts_truncate AFTER TRUNCATE ON users
     FOR EACH STATEMENT EXECUTE FUNCTION user_factor_counts_recount_trigger()`,

    // totp_factors: the user's app became confirmed (to = 1) or stopped being (to = 0), under their row lock.
    `CREATE FUNCTION user_factor_counts_move_totp(p_user text, p_to int) RETURNS void LANGUAGE plpgsql AS $$
     DECLARE u record;
     BEGIN
       SELECT practice_id, phone, email, active INTO u FROM users WHERE id = p_user FOR NO KEY UPDATE;
       -- Gone (deleted first, and counted out then) or inactive: in no bucket.
       IF NOT FOUND OR u.active <> 1 THEN RETURN; END IF;
       PERFORM user_factor_counts_move(
         true, u.practice_id, (u.phone IS NOT NULL)::int, (u.email IS NOT NULL)::int, 1 - p_to,
         true, u.practice_id, (u.phone IS NOT NULL)::int, (u.email IS NOT NULL)::int, p_to);
     END $$`,
    `CREATE FUNCTION totp_factors_counts() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP <> 'INSERT' THEN
         IF OLD.confirmed_at IS NOT NULL THEN PERFORM user_factor_counts_move_totp(OLD.user_id, 0); END IF;
       END IF;
       IF TG_OP <> 'DELETE' THEN
         IF NEW.confirmed_at IS NOT NULL THEN PERFORM user_factor_counts_move_totp(NEW.user_id, 1); END IF;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER totp_factors_counts_insert AFTER INSERT ON totp_factors
     FOR EACH ROW WHEN (NEW.confirmed_at IS NOT NULL) EXECUTE FUNCTION totp_factors_counts()`,
    `CREATE TRIGGER totp_factors_counts_delete AFTER DELETE ON totp_factors
     FOR EACH ROW WHEN (OLD.confirmed_at IS NOT NULL) EXECUTE FUNCTION totp_factors_counts()`,
    // user_id is the primary key and never changes; should it, the app leaves one user and joins another.
    `CREATE TRIGGER totp_factors_counts_update AFTER UPDATE OF confirmed_at, user_id ON totp_factors
     FOR EACH ROW WHEN ((OLD.confirmed_at IS NULL) <> (NEW.confirmed_at IS NULL)
       OR OLD.user_id IS DISTINCT FROM NEW.user_id)
     EXECUTE FUNCTION totp_factors_counts()`,
    `CREATE TRIGGER totp_factors_counts_truncate AFTER TRUNCATE ON totp_factors
     FOR EACH STATEMENT EXECUTE FUNCTION user_factor_counts_recount_trigger()`,
  ];
}
