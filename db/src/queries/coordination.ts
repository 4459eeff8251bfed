import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../execute.ts';
import { leaderLeases, rateLimits } from '../schema/index.ts';

/**
 * Takes the next turn of a rate limit shared by every process: the turn starts at the row's time
 * (or now, if that has passed) and the row moves one interval past it, in one atomic upsert.
 * Returns how long to wait before the turn, by the database's clock, which all processes share.
 */
export async function takeRateTurn(
  db: Database,
  params: { name: string; intervalMs: number },
): Promise<number> {
  const interval = sql`make_interval(secs => ${params.intervalMs / 1000}::float8)`;
  const [row] = await executeRows<{ wait_ms: number | string }>(
    db,
    sql`
      insert into ${rateLimits} as r (name, next_at)
      values (${params.name}, clock_timestamp() + ${interval})
      on conflict (name) do update
        set next_at = greatest(r.next_at, clock_timestamp()) + ${interval}
      returning greatest(0, extract(epoch from (r.next_at - ${interval} - clock_timestamp())) * 1000)
        as wait_ms`,
  );
  return Number(row?.wait_ms ?? 0);
}

/**
 * Takes or renews the lease `name` for `holder`: true when the holder leads until `ttlMs` from
 * now (it held the lease, or the last holder's ran out). Times are the database's own.
 */
export async function takeLeaderLease(
  db: Database,
  params: { name: string; holder: string; ttlMs: number },
): Promise<boolean> {
  const until = sql`clock_timestamp() + make_interval(secs => ${params.ttlMs / 1000}::float8)`;
  const rows = await executeRows<{ holder: string }>(
    db,
    sql`
      insert into ${leaderLeases} as l (name, holder, expires_at)
      values (${params.name}, ${params.holder}, ${until})
      on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where l.holder = excluded.holder or l.expires_at < clock_timestamp()
      returning l.holder`,
  );
  return rows.length > 0;
}

/** Gives a lease up at once (a clean stop), so another process leads without waiting. */
export async function releaseLeaderLease(
  db: Database,
  params: { name: string; holder: string },
): Promise<void> {
  await db
    .delete(leaderLeases)
    .where(and(eq(leaderLeases.name, params.name), eq(leaderLeases.holder, params.holder)));
}

/** Who leads `name` now, if anyone. */
export async function findLeaderLease(
  db: Database,
  name: string,
): Promise<{ holder: string; expiresAt: Date } | undefined> {
  const [row] = await db
    .select({ holder: leaderLeases.holder, expiresAt: leaderLeases.expiresAt })
    .from(leaderLeases)
    .where(and(eq(leaderLeases.name, name), sql`${leaderLeases.expiresAt} > clock_timestamp()`));
  return row;
}
