/**
 * Child process: seeds one scale-section practice (BENCH_PRACTICE_SIZE, small or large) into the database
 * the environment names (the SQLite data dir, or WRSAUTH_DATABASE_URL), reports how long it took, and exits.
 * A process of its own, so the server that later serves this data starts with none of the seeding's memory.
 */
import { sql } from 'kysely';
import { loadConfig } from '../server/config';
import { closeDatabase, openDatabase } from '../server/db/database';
import { fail, toParent } from './child-ipc';
import { PRACTICE_SIZES, type PracticeSize, seedPractice } from './scale-practice';

async function main() {
  const size = process.env.BENCH_PRACTICE_SIZE as PracticeSize;
  if (!(size in PRACTICE_SIZES)) throw new Error(`BENCH_PRACTICE_SIZE must be one of small, large`);
  const passwordHash = process.env.BENCH_PASSWORD_HASH;
  if (!passwordHash) throw new Error('BENCH_PASSWORD_HASH is not set');
  const config = loadConfig(process.env);
  const db = await openDatabase(config.database, config.dataDir);
  if (config.database.kind === 'sqlite') {
    // The large practice's tables and indexes stay in memory while they are written (1 GiB at most): with
    // the default 2 MiB cache, the username index's scattered inserts spill pages to the WAL again and again.
    await sql`PRAGMA cache_size = -1048576`.execute(db);
  }
  const started = performance.now();
  let figures: Awaited<ReturnType<typeof seedPractice>>;
  try {
    figures = await seedPractice(db, size, passwordHash);
    if (config.database.kind === 'postgres') {
      // What autovacuum does to a table that grew over the years, and had not yet done to one filled in a
      // minute: the planner's statistics and the visibility map. Without them the measurements would be of
      // a state no installation stays in, with the plans chosen from default guesses.
      await sql`VACUUM ANALYZE`.execute(db);
    }
  } finally {
    // Closing SQLite folds the WAL into the file: part of the seeding's cost, so inside the time reported.
    await closeDatabase(db);
  }
  await toParent({ type: 'seeded', ...figures, ms: performance.now() - started });
  process.exit(0);
}

main().catch(fail);
