/**
 * Migrations, written with Kysely's schema builder so the same steps run on SQLite and PostgreSQL.
 * Only triggers need each dialect's own syntax (the audit table's append-only guard, and the readiness
 * counters: factor-counts.ts), and the search keys their collation.
 */
import { type Kysely, sql } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { DEFAULT_TIME_ZONE } from '../../src/shared/account-dates';
import { createUserFactorCounts } from './factor-counts';
import { nameKey } from './search-keys';

export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('practices')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('policy_mode', 'text', (c) => c.notNull())
          .addColumn('enforce_after', 'text')
          .addColumn('code_ttl_seconds', 'integer', (c) => c.notNull())
          .addColumn('remember_days', 'integer', (c) => c.notNull())
          .addColumn('idle_lock_minutes', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('locations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('practice_id', 'text', (c) => c.notNull().references('practices.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('locations_practice_name', ['practice_id', 'name'])
          .execute();

        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('practice_id', 'text', (c) => c.notNull().references('practices.id'))
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('username_key', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('first_name', 'text', (c) => c.notNull())
          .addColumn('last_name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('phone', 'text')
          .addColumn('email', 'text')
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('failed_attempts', 'integer', (c) => c.notNull())
          .addColumn('locked_until', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('user_locations')
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
          .addPrimaryKeyConstraint('user_locations_pk', ['user_id', 'location_id'])
          .execute();

        await db.schema
          .createTable('challenges')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts_remaining', 'integer', (c) => c.notNull())
          .addColumn('sends', 'integer', (c) => c.notNull())
          .addColumn('code_hmac', 'text')
          .addColumn('code_expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('challenges_expires_at').on('challenges').column('expires_at').execute();

        await db.schema
          .createTable('contact_cooldowns')
          .addColumn('contact_key', 'text', (c) => c.primaryKey())
          .addColumn('next_send_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();

        await db.schema
          .createTable('trusted_devices')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('trusted_devices_user').on('trusted_devices').column('user_id').execute();

        await db.schema
          .createTable('rate_limits')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('window_start', 'text', (c) => c.notNull())
          .addColumn('hits', 'integer', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('audit_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text')
          .addColumn('username', 'text')
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
        // Ids sort by time, so the primary key already orders the trail; one more index serves "by user".
        await db.schema
          .createIndex('audit_events_username')
          .on('audit_events')
          .columns(['username', 'id'])
          .execute();

        await makeAuditAppendOnly(db, dialect);
      },
    },
    '0002_sms_guard': {
      // SMS pumping: a practice-wide cap on texts an hour, and optionally the country calling codes texts may
      // go to (comma-separated, e.g. "1"; null allows every country).
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('practices')
          .addColumn('sms_per_hour', 'integer', (c) => c.notNull().defaultTo(DEFAULT_SMS_PER_HOUR))
          .execute();
        await db.schema.alterTable('practices').addColumn('sms_countries', 'text').execute();
      },
    },
    '0003_outbox': {
      // Every message handed to a provider, so "not delivered" can reach the login screen and nothing is
      // left stuck: the status callback and SMTP's answer update it.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('challenge_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('masked_target', 'text', (c) => c.notNull())
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('provider_message_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('error_code', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('sent_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('outbox_challenge')
          .on('outbox')
          .columns(['challenge_id', 'id'])
          .execute();
        await db.schema.createIndex('outbox_status').on('outbox').columns(['status', 'created_at']).execute();
      },
    },
    '0005_password_reset': {
      // "Forgot your password?": apart from sign-in challenges, so a reset can never sign anyone in, and so
      // a decoy reset for an unknown User ID needs no user row.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('password_resets')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.references('users.id'))
          .addColumn('username_key', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts_remaining', 'integer', (c) => c.notNull())
          .addColumn('sends', 'integer', (c) => c.notNull())
          .addColumn('code_hmac', 'text')
          .addColumn('code_expires_at', 'text')
          .addColumn('verified_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('password_resets_expires_at')
          .on('password_resets')
          .column('expires_at')
          .execute();
      },
    },
    '0004_self_service': {
      // The authenticator app (its secret sealed under the server key; the last time step used, so a code
      // cannot be replayed) and recovery codes (HMACs only, each used once).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('totp_factors')
          .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
          .addColumn('secret_sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('confirmed_at', 'text')
          .addColumn('last_time_step', 'integer')
          .execute();
        await db.schema
          .createTable('recovery_codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('code_hmac', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();
      },
    },
    '0006_allowed_factors': {
      // Which second factors the practice offers at sign-in (the console's policy screen sets them).
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('practices')
          .addColumn('allowed_factors', 'text', (c) => c.notNull().defaultTo(DEFAULT_ALLOWED_FACTORS))
          .execute();
      },
    },
    '0007_profile_contacts': {
      // My settings: the rest of the user's name, date of birth and sex; how each contact came to be on file;
      // and contact changes waiting for the code sent to the NEW contact (never a target until verified).
      async up(db: Kysely<unknown>) {
        for (const column of [
          'middle_name',
          'name_prefix',
          'name_suffix',
          'date_of_birth',
          'sex',
          'phone_set_by',
          'email_set_by',
        ]) {
          await db.schema.alterTable('users').addColumn(column, 'text').execute();
        }
        await db.schema
          .createTable('contact_changes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('value_sealed', 'text', (c) => c.notNull())
          .addColumn('masked', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts_remaining', 'integer', (c) => c.notNull())
          .addColumn('sends', 'integer', (c) => c.notNull())
          .addColumn('code_hmac', 'text')
          .addColumn('code_expires_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('contact_changes_user')
          .on('contact_changes')
          .columns(['user_id', 'status'])
          .execute();
      },
    },
    '0008_admin_recovery': {
      // Guided recovery: the practice's identity checklist (JSON; null while the defaults apply) and one-time
      // bypass codes an account manager issues to a locked-out user, kept only as HMACs.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('practices').addColumn('recovery_checklist', 'text').execute();
        await db.schema
          .createTable('bypass_codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
          .addColumn('code_hmac', 'text', (c) => c.notNull())
          .addColumn('issued_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('bypass_codes_user').on('bypass_codes').column('user_id').execute();
      },
    },
    '0009_temporary_password': {
      // A password an account manager sets in the console is temporary: it expires, and it only lets the
      // user choose their own (OWASP ASVS: an initial secret must not become the long-term password).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('users').addColumn('temporary_password_until', 'text').execute();
      },
    },
    '0010_login_lockout': {
      // The lockout without an oracle: consecutive failures are counted by the User ID as typed (its keyed
      // hash, never the text), whether or not an account has it, so an unknown User ID locks exactly as a
      // real one does; and a trusted workstation's failures are counted against its own token.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('login_failures')
          .addColumn('account_key', 'text', (c) => c.primaryKey())
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .alterTable('trusted_devices')
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0011_self_service_reset': {
      // "Forgot your password?" never lets one factor take an account that has two: the practice says what a
      // user with one factor may do (two_factors: ask the account manager; one_factor; off: no self-service
      // reset), and each reset keeps which target its code went to, which factor was proven first and which
      // second, and the decoy targets it offered.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('practices')
          .addColumn('self_service_reset', 'text', (c) => c.notNull().defaultTo(DEFAULT_SELF_SERVICE_RESET))
          .execute();
        for (const column of ['code_target', 'first_factor', 'second_factor', 'decoy_targets']) {
          await db.schema.alterTable('password_resets').addColumn(column, 'text').execute();
        }
      },
    },
    '0012_session_second_factor': {
      // The account manager console needs a session that passed a second factor, whatever the policy; a
      // session from before this knows nothing of it and counts as a password-only one.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('sessions')
          .addColumn('second_factor', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0013_send_limits': {
      // At most 10 codes to one phone number or address in any 24 hours, over every flow, of which password
      // resets may take half: one row per code sent, by the contact's keyed hash (never the contact) and
      // the flow it was for, counted over a sliding window.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('contact_sends')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('contact_key', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('sent_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('contact_sends_contact')
          .on('contact_sends')
          .columns(['contact_key', 'sent_at'])
          .execute();
      },
    },
    '0014_account_dates': {
      // The seed's Resource Setup: a resource type, and start and end dates read in the practice's time zone
      // (IANA). `access_ended_at` says the end date's passing was carried out (sessions, workstations, bypass
      // and recovery codes ended, audited once); a new end date clears it.
      async up(db: Kysely<unknown>) {
        for (const column of ['resource_type', 'start_date', 'end_date', 'access_ended_at']) {
          await db.schema.alterTable('users').addColumn(column, 'text').execute();
        }
        await db.schema
          .alterTable('practices')
          .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo(DEFAULT_TIME_ZONE))
          .execute();
      },
    },
    '0015_oidc': {
      // "Login with WRSAuth" (OpenID Connect): what oidc-provider stores (codes, tokens, sessions, grants,
      // interactions: ids hashed, payloads sealed under the server key), the relying parties, and the signing
      // keys (sealed), so every instance on one database shares them.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('oidc_payloads')
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('grant_id', 'text')
          .addColumn('user_code', 'text')
          .addColumn('uid', 'text')
          .addColumn('expires_at', 'text')
          .addColumn('consumed_at', 'text')
          .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
          .execute();
        await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
        await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute();
        await db.schema
          .createIndex('oidc_payloads_user_code')
          .on('oidc_payloads')
          .column('user_code')
          .execute();
        await db.schema
          .createIndex('oidc_payloads_expires_at')
          .on('oidc_payloads')
          .column('expires_at')
          .execute();

        await db.schema
          .createTable('oidc_clients')
          .addColumn('client_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('redirect_uris', 'text', (c) => c.notNull())
          .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
          .addColumn('backchannel_logout_uri', 'text')
          .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
          .addColumn('id_token_signed_response_alg', 'text', (c) => c.notNull())
          .addColumn('secret_sealed', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('disabled_at', 'text')
          .execute();

        await db.schema
          .createTable('oidc_signing_keys')
          .addColumn('generation', 'text', (c) => c.primaryKey())
          .addColumn('keys_sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0016_session_amr': {
      // "Login with WRSAuth" tells an application how the sign-in was made (amr: pwd, sms, otp, swk, mfa),
      // space-separated; a session from before this has none and counts by its second_factor flag.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();
      },
    },
    '0017_oidc_logout': {
      // Logout for "Login with WRSAuth": which provider session (by its uid, hashed) each WRSAuth session
      // signed in, so that when the WRSAuth sign-in ends its applications are logged out; and the back-channel
      // logout deliveries, kept until delivered (or given up) so a failed one is retried with backoff.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('oidc_sign_in_links')
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('session_uid_hash', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('claimed_until', 'text')
          .addPrimaryKeyConstraint('oidc_sign_in_links_pk', ['session_id', 'session_uid_hash'])
          .execute();
        await db.schema
          .createTable('oidc_logout_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('sid', 'text')
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text')
          .addColumn('delivered_at', 'text')
          .addColumn('gave_up_at', 'text')
          .addColumn('last_error', 'text')
          .execute();
        await db.schema
          .createIndex('oidc_logout_deliveries_next')
          .on('oidc_logout_deliveries')
          .column('next_attempt_at')
          .execute();
      },
    },
    '0018_oidc_tickets': {
      // The desktop client's pass into an application's login prompt: single-use, 60 seconds, bound to one
      // interaction, one session and one location; kept only as a SHA-256 of the ticket.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('oidc_tickets')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('interaction_uid', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('location_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema.createIndex('oidc_tickets_expires').on('oidc_tickets').column('expires_at').execute();
      },
    },
    '0019_paging_indexes': {
      // Indexes for the console's paged reads (issue 19), so their cost stays flat as a practice grows.
      async up(db: Kysely<unknown>) {
        // Users tab search (searchUsersOfPractice): the practice's users in username_key order after the
        // cursor, walked in order until a page of matches is found; never a sort of every match.
        await db.schema
          .createIndex('users_practice_username')
          .on('users')
          .columns(['practice_id', 'username_key'])
          .execute();
        // Readiness list (usersWithoutAllowedFactor): the practice's active users in username_key order after
        // the cursor. (Its counts come from user_factor_counts, since migration 0020.)
        await db.schema
          .createIndex('users_practice_active_username')
          .on('users')
          .columns(['practice_id', 'active', 'username_key'])
          .execute();
        // Audit log filtered by one user and a date range (countAuditEventsUpTo, the console's total): the
        // user's events in the range are one index range, not every event of theirs.
        await db.schema
          .createIndex('audit_events_username_at')
          .on('audit_events')
          .columns(['username', 'at'])
          .execute();
        // Audit log filtered by a date range alone (countAuditEventsUpTo): the range without the table.
        await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
      },
    },
    '0020_user_factor_counts': {
      // The Readiness view's counts (readinessCounts): how many active users each practice has per bucket of
      // factors on file, kept up to date on write by triggers (see factor-counts.ts), so the view reads at
      // most 8 rows by the table's key however many users the practice has, instead of every active user.
      async up(db: Kysely<unknown>) {
        await createUserFactorCounts(db, dialect);
      },
    },
    '0021_user_search_keys': {
      // The Users search by the start of a name (issue 19): each name's search key (nameKey: lower case,
      // accents dropped, which SQLite's lower() cannot do) and an index per searched column, so a page walks
      // the matches in order and stops, however many there are.
      async up(db: Kysely<unknown>) {
        // Byte (code point) order in both databases: a prefix is then one index range, and a page's order is
        // the same on SQLite (BINARY) and PostgreSQL whatever collation its cluster was made with.
        const keyType = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
        for (const column of ['first_name_key', 'last_name_key'])
          await db.schema
            .alterTable('users')
            .addColumn(column, keyType, (c) => c.notNull().defaultTo(''))
            .execute();
        if (dialect === 'postgres')
          await sql`alter table users alter column username_key type text collate "C"`.execute(db);
        await fillNameKeys(db);
        // Search by last name (searchUsersOfPractice, its last-name branch): the matches in name order.
        await db.schema
          .createIndex('users_practice_last_name_key')
          .on('users')
          .columns(['practice_id', 'last_name_key', 'username_key'])
          .execute();
        // Search by first name (its first-name branch). The User ID branch uses users_practice_username.
        await db.schema
          .createIndex('users_practice_first_name_key')
          .on('users')
          .columns(['practice_id', 'first_name_key', 'username_key'])
          .execute();
      },
    },
    '0022_audit_time_order': {
      // The console's audit log pages in (at, id) order (searchAuditEvents), so the index its filter reads is
      // the order it answers in: a page is a backward walk from the cursor, cut at 50, with no sort of every
      // match. PostgreSQL, estimating a user's month as a few rows, chose to fetch and sort them all (10 ms for
      // a busy user at a million events, 25 times a small practice's), which ordering by id allowed.
      async up(db: Kysely<unknown>) {
        await db.schema.dropIndex('audit_events_username_at').execute();
        // A user's events in a time range, newest first, below the cursor; and the capped count over them.
        await db.schema
          .createIndex('audit_events_username_at_id')
          .on('audit_events')
          .columns(['username', 'at', 'id'])
          .execute();
        await db.schema.dropIndex('audit_events_at').execute();
        // Every user's events in a time range (or the whole log), newest first; and the capped count.
        await db.schema.createIndex('audit_events_at_id').on('audit_events').columns(['at', 'id']).execute();
      },
    },
    '0023_readiness_no_contact': {
      // The Readiness list's page (usersWithoutAllowedFactor) under the default policy: the users with no phone
      // and no email, in User ID order. PostgreSQL, seeing one user in ten without a contact, read the whole
      // users table and sorted it (45 ms at 100 000 users) rather than walk users_practice_active_username;
      // this index holds only those users, so the page is its first rows whatever the planner estimates.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('users_practice_active_no_contact')
          .on('users')
          .columns(['practice_id', 'active', 'username_key'])
          .where(sql.ref('phone'), 'is', null)
          .where(sql.ref('email'), 'is', null)
          .execute();
      },
    },
    '0024_challenge_code_channel': {
      // Where the challenge's current code went (sms or email), set with its HMAC when it is sent: the verify
      // records that channel (audit detail, amr) from the challenge's own row. It was the channel of the last
      // outbox row, a sub-select on every send and verify, and wrong after a failed send to the other channel
      // (the code in force is the one sent before it). A challenge sent before this reads none until resent.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('challenges').addColumn('code_channel', 'text').execute();
      },
    },
  };
}

/**
 * The users that are there already get their names' search keys, a thousand at a time, each thousand in one
 * transaction (SQLite runs migrations outside one; a commit per user would cost more than the work).
 */
async function fillNameKeys(db: Kysely<unknown>): Promise<void> {
  type Names = {
    id: string;
    first_name: string;
    last_name: string;
    first_name_key: string;
    last_name_key: string;
  };
  const users = db as unknown as Kysely<{ users: Names }>;
  const inOneTransaction = (work: (tx: Kysely<{ users: Names }>) => Promise<void>) =>
    users.isTransaction ? work(users) : users.transaction().execute(work);
  let after = '';
  for (;;) {
    const rows = await users
      .selectFrom('users')
      .select(['id', 'first_name', 'last_name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1_000)
      .execute();
    await inOneTransaction(async (tx) => {
      for (const row of rows)
        await tx
          .updateTable('users')
          .set({ first_name_key: nameKey(row.first_name), last_name_key: nameKey(row.last_name) })
          .where('id', '=', row.id)
          .execute();
    });
    const last = rows.at(-1);
    if (!last) return;
    after = last.id;
  }
}

/** A user with one factor cannot reset their password alone until an account manager says otherwise. */
export const DEFAULT_SELF_SERVICE_RESET = 'two_factors';

/** Every second factor, until an account manager narrows them. */
export const DEFAULT_ALLOWED_FACTORS = 'sms,email,totp';

/** Texts a practice may send in an hour unless its policy says otherwise. */
export const DEFAULT_SMS_PER_HOUR = 200;

async function makeAuditAppendOnly(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql
        .raw(
          `CREATE TRIGGER audit_events_no_${op.toLowerCase()} BEFORE ${op} ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
    )
    .execute(db);
  // TRUNCATE fires no row triggers; without this one it would empty the trail in one statement.
  await sql
    .raw(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
    )
    .execute(db);
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  // Before the Migrator: it would only say "corrupted migrations", and a newer schema must not be touched.
  await refuseNewerSchema(db, dialect);
  const { error, results } = await migratorFor(db, dialect).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Kysely's Migrator over this build's migrations (tests use it to build an older schema with migrateTo). */
export function migratorFor(db: Kysely<unknown>, dialect: Dialect): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  return new Migrator({ db, provider });
}

/** Every migration this build knows, in the order they run. */
export function knownMigrations(dialect: Dialect): string[] {
  return Object.keys(migrations(dialect)).sort();
}

/** The migrations this build would run on `db`, in order; reads only, creating no table. */
export async function pendingMigrations(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  await refuseNewerSchema(db, dialect);
  const infos = await migratorFor(db, dialect).getMigrations();
  return infos.filter((info) => info.executedAt === undefined).map((info) => info.name);
}

/**
 * A server older than the database's schema would write rows the newer code does not expect, or miss
 * columns it must fill; the only safe moves are the newer server or the backup taken before the upgrade.
 */
export class SchemaTooNewError extends Error {}

async function refuseNewerSchema(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const executed = await executedMigrations(db);
  const known = knownMigrations(dialect);
  const unknown = executed.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const newestKnown = known.at(-1) ?? 'none';
  const newestExecuted = executed.at(-1) as string;
  const where = known.includes(newestExecuted)
    ? `has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which this server does not know (it knows up to ${newestKnown})`
    : `schema is at ${newestExecuted}, newer than this server knows (${newestKnown})`;
  throw new SchemaTooNewError(
    `the database ${where}: run the newer server, or restore the backup taken before the upgrade`,
  );
}

/** The names in Kysely's migration table, sorted; none when the table does not exist yet (a new database). */
async function executedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === DEFAULT_MIGRATION_TABLE)) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(
    db,
  );
  return rows.rows.map((row) => row.name).sort();
}
