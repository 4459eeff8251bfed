import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { executeRows } from '../execute.ts';
import { outbox } from '../schema/index.ts';

/** One contact of Kamailio's `location` table (usrloc in DB mode). */
export type LocationRow = {
  username: string;
  /** Filled only when usrloc's `use_domain` is on. */
  domain: string | null;
  contact: string;
  /** The source address when the contact is behind NAT (`nathelper` fixes). */
  received: string | null;
  userAgent: string;
  /** Kamailio writes local time without a zone: `YYYY-MM-DD HH:MM:SS`. */
  expires: string;
};

/**
 * The contacts registered under these users (all when `usernames` is undefined), or null when the
 * database has no `location` table: the registrar owns it, sipops never creates it.
 */
export async function listLocationContacts(
  db: Database,
  params: { usernames?: readonly string[] | undefined },
): Promise<LocationRow[] | null> {
  const [found] = await executeRows<{ exists: boolean }>(
    db,
    sql`select to_regclass('location') is not null as "exists"`,
  );
  if (!found?.exists) return null;
  if (params.usernames?.length === 0) return [];
  const filter = params.usernames
    ? sql`where username in (${sql.join(
        params.usernames.map((name) => sql`${name}`),
        sql`, `,
      )})`
    : sql``;
  return executeRows<LocationRow>(
    db,
    sql`select username, domain, contact, received, user_agent as "userAgent",
          to_char(expires, 'YYYY-MM-DD HH24:MI:SS') as expires
        from location ${filter}
        order by username, expires desc, id`,
  );
}

export type RegistrarRemovalRow = {
  state: (typeof outbox.$inferSelect)['state'];
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
};

/** The newest removal of an account's live registrations asked of the registrar, if any. */
export async function findLastRegistrarRemoval(
  db: Database,
  params: { accountId: string },
): Promise<RegistrarRemovalRow | undefined> {
  const [row] = await db
    .select({
      state: outbox.state,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      doneAt: outbox.doneAt,
    })
    .from(outbox)
    .where(
      and(eq(outbox.orderKey, registrarOrderKey(params.accountId)), eq(outbox.kind, 'registrar')),
    )
    .orderBy(desc(outbox.id))
    .limit(1);
  return row;
}

/** One account's registrar messages go out in order, apart from its Slack notifications. */
export function registrarOrderKey(accountId: string): string {
  return `registrar:${accountId}`;
}
