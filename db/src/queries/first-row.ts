import type { SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../client.ts';

/** The one row of `table` that `where` picks (by a unique key), or undefined. */
export async function findRow<T extends PgTable>(
  db: Database,
  table: T,
  where: SQL,
): Promise<T['$inferSelect'] | undefined> {
  const [row] = await db
    .select()
    .from(table as PgTable)
    .where(where);
  return row as T['$inferSelect'] | undefined;
}
