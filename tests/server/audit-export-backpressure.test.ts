/**
 * GET /api/v1/admin/audit.csv runs at its reader's pace: the server reads the next batch of events only when
 * the download has taken the text before it, so however many events an export holds, only a few batches are
 * ever in memory. The real app and route over the real database (SQLite, or PostgreSQL in that project); the
 * download is read through Fastify's inject as a stream, which passes backpressure on as a socket does but
 * without the kernel's socket buffers (megabytes on loopback), so the bound below is exact. The rows the
 * server has read are counted by a Kysely plugin on the services' database.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KyselyPlugin, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { closeDatabase, type Db, openDatabase } from '../../server/db/database';
import type { Courier } from '../../server/delivery/courier';
import { createLogger } from '../../server/logger';
import { insertAuditEvents } from '../../server/repositories/audit';
import { ensurePractice } from '../../server/repositories/practices';
import { findUserByUsername, insertUser, newUserRow } from '../../server/repositories/users';
import { loadServerKey, newSortableId } from '../../server/secrets';
import { createServices } from '../../server/services';
import { AUDIT_EXPORT_BATCH } from '../../server/services/audit-trail';
import { createTestDatabase, TEST_BACKEND, type TestDatabase } from '../support/test-database';

/** Counts the audit rows the server has read from the database (every row with an event_type). */
class AuditRowsRead implements KyselyPlugin {
  count = 0;
  private waiting: (() => void)[] = [];
  transformQuery: KyselyPlugin['transformQuery'] = (args) => args.node;
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const first = args.result.rows[0];
    if (first && 'event_type' in first) {
      this.count += args.result.rows.length;
      for (const wake of this.waiting.splice(0)) wake();
    }
    return args.result;
  }

  /** Until the server has read all it will for now: no batch read for a moment. */
  async settled(): Promise<void> {
    for (;;) {
      const read = new Promise<boolean>((resolve) => this.waiting.push(() => resolve(true)));
      if (!(await Promise.race([read, sleep(MOMENT_MS, false)]))) return;
    }
  }
}

/** This test sends nothing. */
const noCourier: Courier = {
  kind: 'provider',
  provider: 'smtp',
  send: async () => ({ providerMessageId: 'none', status: 'sent' }),
};

const EVENTS = 30 * AUDIT_EXPORT_BATCH;
/**
 * How long without a batch read the slow reader takes for "the server reads no further": a pause, never a
 * figure asserted on. A server that reads ahead keeps reading, and the reader keeps waiting.
 */
const MOMENT_MS = 25;

let dataDir: string;
let database: TestDatabase | undefined;
let db: Db;
let close: () => Promise<void>;

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrsauth-test-'));
  database = TEST_BACKEND === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    ...(database && { WRSAUTH_DATABASE_URL: database.url }),
    WRSAUTH_DATA_DIR: dataDir,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
  });
  db = await openDatabase(config.database, config.dataDir);
  close = async () => {
    await closeDatabase(db);
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
});
afterEach(() => close());

it('reads the next batch of an export only when the download has taken the ones before it', async () => {
  const now = new Date();
  const practice = await ensurePractice(db, now);
  await insertUser(
    db,
    newUserRow({
      practiceId: practice.id,
      username: 'manager',
      passwordHash: 'x',
      role: 'admin',
      phone: null,
      email: null,
      now,
    }),
  );
  const start = now.getTime() - EVENTS * 1000;
  await insertAuditEvents(
    db,
    Array.from({ length: EVENTS }, (_, i) => ({
      id: newSortableId(new Date(start + i * 1000)),
      at: new Date(start + i * 1000).toISOString(),
      user_id: null,
      username: 'bulk',
      ip: null,
      user_agent: null,
      event_type: 'code_sent',
      detail: JSON.stringify({ n: i }),
    })),
  );

  const rowsRead = new AuditRowsRead();
  const config = loadConfig({
    WRSAUTH_DATA_DIR: dataDir,
    WRSAUTH_SECRET: randomBytes(32).toString('base64'),
  });
  const log = createLogger('silent');
  const services = createServices({
    db: db.withPlugin(rowsRead),
    key: loadServerKey(dataDir, config.secret),
    config,
    couriers: { sms: noCourier, email: noCourier },
    log,
  });
  const app = await buildApp({ services, log, trustProxy: config.trustProxy });
  try {
    const manager = await findUserByUsername(db, 'manager');
    if (!manager) throw new Error('the manager was not inserted');
    const session = await services.sessions.start(manager, db, ['pwd', 'otp', 'mfa']);
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit.csv?username=bulk',
      headers: { authorization: `Bearer ${session.sessionToken}` },
      payloadAsStream: true,
    });
    expect(response.statusCode).toBe(200);

    // A slow reader: after each chunk it lets the server read all it will before taking the next.
    let received = 0;
    let mostAhead = 0;
    for await (const chunk of response.stream()) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) received++;
      await rowsRead.settled();
      // Rows the server has read that the download has not: the first two lines are the summary and header.
      mostAhead = Math.max(mostAhead, rowsRead.count - Math.max(0, received - 2));
    }
    expect(received - 2).toBe(EVENTS);
    // What may be read ahead is a few batches whatever the export's size: the batch being read, the chunk
    // waiting in the route's Readable, and those the piping and the download's stream buffer hold (measured:
    // five). Before the route bounded its Readable to one chunk, twenty batches were read ahead.
    expect(mostAhead).toBeGreaterThan(0);
    expect(mostAhead).toBeLessThanOrEqual(5 * AUDIT_EXPORT_BATCH);
  } finally {
    await app.close();
    await services.hasher.close();
  }
});
