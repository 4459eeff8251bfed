import { and, asc, count, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { type ACCOUNT_STATUSES, accounts, auditLog, groups } from '../schema/index.ts';

type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Accounts per group, status and enabled flag; a group without accounts has one row, status null. */
export async function countAccountsByGroup(
  db: Database,
): Promise<
  { group: string; status: AccountStatus | null; enabled: boolean | null; count: number }[]
> {
  return db
    .select({
      group: groups.name,
      status: accounts.status,
      enabled: accounts.enabled,
      count: count(accounts.id),
    })
    .from(groups)
    .leftJoin(accounts, eq(accounts.groupId, groups.id))
    .groupBy(groups.name, accounts.status, accounts.enabled)
    .orderBy(asc(groups.name));
}

/** Accounts in one of `statuses` since before `before`, the longest waiting first. */
export async function listAccountsInStatusSince(
  db: Database,
  statuses: AccountStatus[],
  before: Date,
  limit: number,
) {
  const where = and(inArray(accounts.status, statuses), lt(accounts.statusChangedAt, before));
  const rows = await db
    .select({
      id: accounts.id,
      username: accounts.username,
      number: accounts.number,
      group: groups.name,
      status: accounts.status,
      statusChangedAt: accounts.statusChangedAt,
    })
    .from(accounts)
    .innerJoin(groups, eq(groups.id, accounts.groupId))
    .where(where)
    .orderBy(asc(accounts.statusChangedAt), asc(accounts.username))
    .limit(limit);
  const total = await db.$count(accounts, where);
  return { rows, total };
}

export async function listRecentAuditEntries(db: Database, limit: number) {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(limit);
}

export async function findUsernames(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: accounts.id, username: accounts.username })
    .from(accounts)
    .where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.id, r.username]));
}
