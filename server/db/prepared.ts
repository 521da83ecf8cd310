/**
 * Hot-path queries built with Kysely once and run many times (Kysely's "splitting query building and
 * execution": `.compile()`, then `db.executeQuery`). Building and compiling a query costs more than running
 * a small one on SQLite, and a sign-in runs the same dozen statements every time; only their values change.
 *
 *   const byId = prepared((db, p: { id: string }) => db.selectFrom('challenges').selectAll().where('id', '=', p.id));
 *   const row = await byId.first(db, { id });
 *
 * The builder is called once per dialect with stand-ins for the named values; each stand-in's place in the
 * compiled parameters is noted, and every run binds a fresh copy of those parameters with the call's values.
 * Values the builder writes as constants (`failed_attempts: 0`) stay as compiled. Only named values may
 * change between runs: a builder that branches on a value would compile one branch for all, so the builder
 * must not look at `p` except to place its values.
 *
 * A query that joins tables compares its key to the bound value with `in (value)`, not `= value`. SQLite (3.54,
 * as better-sqlite3 13 bundles it) marks a join's statement with `column = ?` to be prepared again whenever a
 * value is bound, so every run parses and plans it again and better-sqlite3 builds its row function again
 * (a `Function` compiled per run): the sign-in's read of challenge, user and policy took 45 µs so, 8 µs
 * planned once. `in (value)` asks the same of one value and is planned once; PostgreSQL reads it as `=`.
 * A query on one table is planned once either way. tests/server/prepared-queries.test.ts holds them to it.
 */
import type { Compilable, CompiledQuery, InferResult } from 'kysely';
import type { Db } from './database';

/** Stands in for one named value while the query is built and compiled. */
class StandIn {
  constructor(readonly name: string) {}
}

/** A compiled query and where each named value goes in its parameters. */
interface Template {
  compiled: CompiledQuery;
  slots: [position: number, name: string][];
}

function compileOnce<P>(db: Db, build: (db: Db, p: P) => Compilable<unknown>): Template {
  const standIns = new Map<string, StandIn>();
  const p = new Proxy({} as Record<string, StandIn>, {
    get(_, name) {
      if (typeof name !== 'string') return undefined;
      const standIn = standIns.get(name) ?? new StandIn(name);
      standIns.set(name, standIn);
      return standIn;
    },
  }) as P;
  const compiled = build(db, p).compile();
  const slots: Template['slots'] = [];
  compiled.parameters.forEach((value, position) => {
    if (value instanceof StandIn) slots.push([position, value.name]);
  });
  // A value the builder placed where Kysely does not bind it (inlined, or transformed) would run with the
  // stand-in forever; refuse at the first run instead.
  for (const name of standIns.keys()) {
    if (!slots.some(([, slotName]) => slotName === name)) {
      throw new Error(`prepared query: the value "${name}" is not bound as a parameter in ${compiled.sql}`);
    }
  }
  return { compiled, slots };
}

export interface Prepared<P, O> {
  /** Every row the query answers. */
  all(db: Db, values: P): Promise<O[]>;
  /** The first row, or undefined. */
  first(db: Db, values: P): Promise<O | undefined>;
  /** Runs a write; answers how many rows it changed. */
  run(db: Db, values: P): Promise<bigint>;
}

/**
 * A query built once per dialect (SQLite, PostgreSQL) and run with fresh values each call, on the database or
 * on a transaction of it. Compiled on its first use, so a module can declare it at load time.
 */
export function prepared<P extends Record<string, unknown>, Q extends Compilable<unknown>>(
  build: (db: Db, p: P) => Q,
): Prepared<P, InferResult<Q>[number]> {
  type O = InferResult<Q>[number];
  // A transaction shares its database's dialect adapter, so one template serves both.
  const templates = new WeakMap<object, Template>();
  const execute = (db: Db, values: P) => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      template = compileOnce(db, build);
      templates.set(adapter, template);
    }
    const parameters = [...template.compiled.parameters];
    for (const [position, name] of template.slots) parameters[position] = values[name];
    return db.executeQuery<O>({ ...template.compiled, parameters });
  };
  return {
    all: async (db, values) => (await execute(db, values)).rows,
    first: async (db, values) => (await execute(db, values)).rows[0],
    run: async (db, values) => (await execute(db, values)).numAffectedRows ?? 0n,
  };
}
