import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { linkLookupFailures } from '../schema/index.ts';

/** One client address's current window, in which its failed look-ups are counted. */
export type LookupWindow = { clientAddress: string; windowStart: Date };

/** Failed link look-ups from one address in one window, counted by every web process together. */
export async function countLinkLookupFailures(db: Database, params: LookupWindow): Promise<number> {
  const [row] = await db
    .select({ failures: linkLookupFailures.failures })
    .from(linkLookupFailures)
    .where(
      and(
        eq(linkLookupFailures.clientAddress, params.clientAddress),
        eq(linkLookupFailures.windowStart, params.windowStart),
      ),
    );
  return row?.failures ?? 0;
}

/** Adds one failure (an atomic upsert, so parallel processes add up) and sweeps old windows. */
export async function addLinkLookupFailure(
  db: Database,
  params: { clientAddress: string; windowStart: Date; sweepBefore: Date },
): Promise<void> {
  await db
    .insert(linkLookupFailures)
    .values({ clientAddress: params.clientAddress, windowStart: params.windowStart, failures: 1 })
    .onConflictDoUpdate({
      target: [linkLookupFailures.clientAddress, linkLookupFailures.windowStart],
      set: { failures: sql`${linkLookupFailures.failures} + 1` },
    });
  await db.delete(linkLookupFailures).where(lt(linkLookupFailures.windowStart, params.sweepBefore));
}
