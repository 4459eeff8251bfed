import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';

/** Does the database answer at all? Throws the driver's error when not. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
