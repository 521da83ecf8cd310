/**
 * Many rows in few statements: bulk loads (the bench's practices) insert a batch per statement, sized so
 * that its bound parameters stay under both databases' limits (SQLite 32 766, PostgreSQL 65 535).
 */

/** Bound parameters one statement may carry, with room to spare on either database. */
const PARAMETERS_PER_STATEMENT = 30_000;

/** Rows per statement for a table whose rows carry `columns` values each. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / Math.max(1, columns)));
}

/** Runs `insert` on consecutive slices of `rows`, one statement's worth each, in order. */
export async function insertInBatches<Row extends object>(
  rows: readonly Row[],
  insert: (batch: Row[]) => Promise<unknown>,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const size = rowsPerStatement(Object.keys(first).length);
  for (let start = 0; start < rows.length; start += size) await insert(rows.slice(start, start + size));
}
