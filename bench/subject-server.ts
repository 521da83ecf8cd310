/**
 * Child process: the real WRSAuth app (buildApp over createServices) on a throwaway SQLite data dir, on
 * 127.0.0.1. Couriers keep messages in memory instead of sending them. Challenges for the verify load come
 * from verify-child.ts.
 */
import { randomBytes } from 'node:crypto';
import { buildApp } from '../server/app';
import { loadConfig } from '../server/config';
import type { Courier } from '../server/delivery/courier';
import { createLogger } from '../server/logger';
import { ensurePractice } from '../server/repositories/practices';
import { LOCKOUT_THRESHOLD } from '../server/repositories/users';
import { createServices, type Services } from '../server/services';
import type { Channel } from '../src/shared/api';
import { CapturingCourier } from './capturing-courier';
import { fail, listenAndAnnounce } from './child-ipc';
import { type BenchAccounts, FAILING_LOGIN_PAIRS } from './protocol';
import { answerBenchRequests, openBenchDatabase } from './verify-child';

/**
 * Users (known, and unknown) the timing step's failing logins take turns on: each gets fewer failures than
 * the lockout threshold, where a login would answer 423 instead of 401.
 */
const FAILING_LOGIN_USERS = Math.ceil(FAILING_LOGIN_PAIRS / (LOCKOUT_THRESHOLD - 1));

const BENCH_CONTEXT = { ip: '127.0.0.1', userAgent: 'wrsauth-bench' };

function benchPassword(): string {
  return `bench${randomBytes(9).toString('hex')}7`;
}

/** One sign-in the way a user does it: password, send a code, read it from the message, verify it. */
async function checkSignInPath(services: Services, courier: CapturingCourier, accounts: BenchAccounts) {
  const login = await services.auth.login(
    { username: accounts.username, password: accounts.password },
    BENCH_CONTEXT,
  );
  if (login.status !== 'challenge') throw new Error(`bench user login answered ${login.status}`);
  await services.auth.sendCode(login.challengeId, 'sms', BENCH_CONTEXT);
  const code = courier.lastCode();
  if (!code) throw new Error('the captured message holds no code');
  await services.auth.verifyCode(login.challengeId, { code }, BENCH_CONTEXT);
}

async function main() {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const { db, key, keyring } = await openBenchDatabase(config);
  const courier = new CapturingCourier();
  const couriers: Record<Channel, Courier> = { sms: courier, email: courier };
  const services = createServices({ db, key, config, couriers, log });

  const accounts: BenchAccounts = {
    username: 'bench.login',
    password: benchPassword(),
    wrongPasswordUsernames: Array.from({ length: FAILING_LOGIN_USERS }, (_, k) => `bench.wrong${k}`),
    unknownUsernames: Array.from({ length: FAILING_LOGIN_USERS }, (_, k) => `bench.nobody${k}`),
  };
  const verifyUser = await services.cli.createUser({
    username: 'bench.verify',
    password: benchPassword(),
    phone: '+12025553816',
  });
  await services.cli.createUser({
    username: accounts.username,
    password: accounts.password,
    phone: '+12025553817',
  });
  for (const [k, username] of accounts.wrongPasswordUsernames.entries()) {
    await services.cli.createUser({ username, password: benchPassword(), phone: `+1202555${3820 + k}` });
  }
  await checkSignInPath(services, courier, accounts);

  // createUser made the practice; this only reads it (its code TTL bounds every minted code).
  const practice = await ensurePractice(db, services.clock.now());

  answerBenchRequests({
    db,
    keyring,
    userId: verifyUser.id,
    codeTtlSeconds: practice.code_ttl_seconds,
    clock: services.clock,
  });

  const app = await buildApp({ services, log, trustProxy: config.trustProxy });
  await listenAndAnnounce(app, config, accounts);
}

main().catch(fail);
