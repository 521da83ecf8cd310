/**
 * Child process: the floor that verifyVsFloor measures the real route against. The same verify route and the same durable writes as
 * the real one, with none of the product around them: raw prepared better-sqlite3 statements instead of
 * Kysely, no zod, no policy, no lockout counter, no trusted workstation, no response schema. What it keeps
 * is the least any honest verify must do: read the challenge, check the code's HMAC, and in one transaction
 * use the challenge up, store the session's hash and append the audit event; then answer with the token.
 *
 * No implementation with one transaction per verify can beat this on the same machine: verifyVsFloor is the
 * real route's share of it, and its own ratio to bare hello-world is the ceiling for verifyVsBareFastify.
 *
 * It stays as issue 19 set it. Its two reads join with `c.id = ?` and `ul.user_id = ?`, which SQLite plans
 * again on every run (server/db/prepared.ts says why, and how the real route avoids it); a floor written with
 * `in (?)` would be faster, and the README gives its figure beside verifyVsFloor.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import { fastifyOptions } from '../server/app';
import { addSeconds } from '../server/clock';
import { loadConfig } from '../server/config';
import { SQLITE_FILE, SQLITE_PRAGMAS } from '../server/db/database';
import { createCouriers } from '../server/delivery';
import { createLogger } from '../server/logger';
import { ensurePractice } from '../server/repositories/practices';
import { newSortableId, newToken } from '../server/secrets';
import { createServices } from '../server/services';
import { SESSION_MAX_SECONDS } from '../server/services/sessions';
import { API_PREFIX } from '../src/shared/api';
import { fail, listenAndAnnounce } from './child-ipc';
import { answerBenchRequests, openBenchDatabase } from './verify-child';

interface FloorChallenge {
  id: string;
  user_id: string;
  status: string;
  attempts_remaining: number;
  code_hmac: string | null;
  expires_at: string;
  username: string;
  first_name: string;
  last_name: string;
  role: string;
}

async function main() {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  // Schema, practice and user exactly as the subject has them: migrations and the admin service.
  const { db, key, keyring } = await openBenchDatabase(config);
  // Nothing is ever sent here; the dev outbox stands in for the couriers createServices wants.
  const services = createServices({ db, key, config, couriers: createCouriers(config, log).couriers, log });
  const user = await services.cli.createUser({
    username: 'bench.floor',
    password: `bench${newSortableId()}7`,
    phone: '+12025553819',
  });
  const practice = await ensurePractice(db, services.clock.now());

  // A connection of its own, set up as openSqlite sets up the server's (its checkpoints run in the worker).
  const sqlite = new SQLite(path.join(config.dataDir, SQLITE_FILE));
  for (const pragma of SQLITE_PRAGMAS) sqlite.pragma(pragma);
  sqlite.pragma('wal_autocheckpoint = 0');
  const readChallenge = sqlite.prepare<[string], FloorChallenge>(
    `select c.id, c.user_id, c.status, c.attempts_remaining, c.code_hmac, c.expires_at,
            u.username, u.first_name, u.last_name, u.role
       from challenges c join users u on u.id = c.user_id where c.id = ?`,
  );
  const useUp = sqlite.prepare(
    `update challenges set status = 'used', code_hmac = null
      where id = ? and status = 'pending' and attempts_remaining > 0 and code_hmac = ? returning id`,
  );
  const storeSession = sqlite.prepare(
    `insert into sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at)
     values (?, ?, ?, ?, ?, ?, null)`,
  );
  const appendAudit = sqlite.prepare(
    `insert into audit_events (id, at, user_id, username, ip, user_agent, event_type, detail)
     values (?, ?, ?, ?, ?, ?, 'login_succeeded', ?)`,
  );
  const readLocations = sqlite.prepare<[string], { id: string; name: string }>(
    `select l.id, l.name from user_locations ul join locations l on l.id = ul.location_id
      where ul.user_id = ? order by l.name`,
  );
  // As SessionService.start: the session's absolute end, stored and answered.
  const sessionEnd = (at: Date) => addSeconds(at, SESSION_MAX_SECONDS).toISOString();
  /** True when this request used the challenge up; false when it was no longer pending. */
  const signIn = sqlite.transaction(
    (challenge: FloorChallenge, tokenHash: string, at: Date, ip: string, userAgent: string | null) => {
      if (!useUp.get(challenge.id, challenge.code_hmac)) return false;
      const now = at.toISOString();
      storeSession.run(newSortableId(at), tokenHash, challenge.user_id, now, now, sessionEnd(at));
      const detail = JSON.stringify({ method: 'code', challengeId: challenge.id });
      appendAudit.run(newSortableId(at), now, challenge.user_id, challenge.username, ip, userAgent, detail);
      return true;
    },
  );

  const app = Fastify(fastifyOptions(log, config.trustProxy));
  app.post<{ Params: { id: string }; Body: { code?: unknown } }>(
    `${API_PREFIX}/auth/challenges/:id/verify`,
    async (request, reply) => {
      const at = new Date();
      const challenge = readChallenge.get(request.params.id);
      if (challenge?.status !== 'pending' || challenge.expires_at <= at.toISOString())
        return reply.code(410).send({ error: 'challenge_expired', message: 'Sign in again.' });
      const code = request.body?.code;
      if (
        typeof code !== 'string' ||
        !challenge.code_hmac ||
        !keyring.codeMatches(challenge.id, code, challenge.code_hmac)
      )
        return reply.code(400).send({ error: 'invalid_code', message: 'That code is not right.' });
      const { token, hash } = newToken();
      if (!signIn(challenge, hash, at, request.ip, request.headers['user-agent'] ?? null))
        return reply.code(410).send({ error: 'challenge_expired', message: 'Sign in again.' });
      return {
        status: 'authenticated',
        sessionToken: token,
        expiresAt: sessionEnd(at),
        user: {
          id: challenge.user_id,
          username: challenge.username,
          firstName: challenge.first_name,
          lastName: challenge.last_name,
          role: challenge.role,
        },
        locations: readLocations.all(challenge.user_id),
      };
    },
  );

  answerBenchRequests({
    db,
    keyring,
    userId: user.id,
    codeTtlSeconds: practice.code_ttl_seconds,
    clock: services.clock,
  });
  await listenAndAnnounce(app, config);
}

main().catch(fail);
