import type { Database } from '@sipops/db/client';
import { linkLookupFailures } from '@sipops/db/schema';
import { and, eq, lt, sql } from 'drizzle-orm';

/** Failed look-ups one client address may make per window before every look-up is refused. */
export const MAX_LOOKUP_FAILURES = 20;
export const LOOKUP_WINDOW_MS = 15 * 60_000;
/** Windows older than this are swept when a failure is counted. */
const KEEP_WINDOWS_MS = 24 * 3_600_000;

function windowStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / LOOKUP_WINDOW_MS) * LOOKUP_WINDOW_MS);
}

/** Whether this address used up its failed look-ups in the current window. */
export async function isLookupBlocked(
  db: Database,
  clientAddress: string,
  at: Date,
): Promise<boolean> {
  const [row] = await db
    .select({ failures: linkLookupFailures.failures })
    .from(linkLookupFailures)
    .where(
      and(
        eq(linkLookupFailures.clientAddress, clientAddress),
        eq(linkLookupFailures.windowStart, windowStart(at)),
      ),
    );
  return (row?.failures ?? 0) >= MAX_LOOKUP_FAILURES;
}

/** Counts one failed look-up (an atomic upsert, so parallel web processes add up). */
export async function countLookupFailure(
  db: Database,
  clientAddress: string,
  at: Date,
): Promise<void> {
  await db
    .insert(linkLookupFailures)
    .values({ clientAddress, windowStart: windowStart(at), failures: 1 })
    .onConflictDoUpdate({
      target: [linkLookupFailures.clientAddress, linkLookupFailures.windowStart],
      set: { failures: sql`${linkLookupFailures.failures} + 1` },
    });
  await db
    .delete(linkLookupFailures)
    .where(lt(linkLookupFailures.windowStart, new Date(at.getTime() - KEEP_WINDOWS_MS)));
}
