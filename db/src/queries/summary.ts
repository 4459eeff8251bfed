import { and, asc, count, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { type ACCOUNT_STATUSES, accounts, auditLog, groups, outbox } from '../schema/index.ts';
import { inGroups } from './accounts.ts';

/** The groups the person asking sees; null: every group. */
type Scope = readonly string[] | null;

type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Accounts per group, status and enabled flag; a group without accounts has one row, status null. */
export async function countAccountsByGroup(
  db: Database,
  scope: Scope = null,
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
    .where(scope ? inGroups(groups.id, scope) : undefined)
    .groupBy(groups.name, accounts.status, accounts.enabled)
    .orderBy(asc(groups.name));
}

/** Accounts in one of `statuses` since before `before`, the longest waiting first. */
export async function listAccountsInStatusSince(
  db: Database,
  statuses: AccountStatus[],
  before: Date,
  limit: number,
  scope: Scope = null,
) {
  const where = and(
    inArray(accounts.status, statuses),
    lt(accounts.statusChangedAt, before),
    scope ? inGroups(accounts.groupId, scope) : undefined,
  );
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

/** The last audit rows; with a scope, only those of accounts that were in its groups. */
export async function listRecentAuditEntries(db: Database, limit: number, scope: Scope = null) {
  const where = scope
    ? and(
        eq(auditLog.subjectType, 'account'),
        sql`coalesce(${auditLog.after}->>'group', ${auditLog.before}->>'group') in (select ${groups.name} from ${groups} where ${inGroups(groups.id, scope)})`,
      )
    : undefined;
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit);
}

/**
 * Notifications and SMS that gave up, newest first; with a scope, only those of its groups (an
 * SMS by its account, a notification by the group it names).
 */
export async function listFailedDeliveries(
  db: Database,
  params: { kinds: ('notify' | 'sms')[]; limit: number; scope?: Scope },
) {
  const conditions: (SQL | undefined)[] = [
    eq(outbox.state, 'failed'),
    inArray(outbox.kind, params.kinds),
  ];
  if (params.scope) {
    const groupIds = inGroups(accounts.groupId, params.scope);
    const groupNames = inGroups(groups.id, params.scope);
    conditions.push(
      sql`(${outbox.payload}->>'accountId' in (select ${accounts.id}::text from ${accounts} where ${groupIds}) or coalesce(${outbox.payload}->'account'->>'group', ${outbox.payload}->>'group') in (select ${groups.name} from ${groups} where ${groupNames}))`,
    );
  }
  return db
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.id))
    .limit(params.limit);
}

export async function findUsernames(db: Database, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: accounts.id, username: accounts.username })
    .from(accounts)
    .where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.id, r.username]));
}

/** SMS that gave up since an instant, of these groups' accounts. */
export async function countFailedSmsSince(
  db: Database,
  groupIds: readonly string[],
  since: Date,
): Promise<number> {
  return db.$count(
    outbox,
    and(
      eq(outbox.kind, 'sms'),
      eq(outbox.state, 'failed'),
      sql`coalesce(${outbox.doneAt}, ${outbox.createdAt}) >= ${since.toISOString()}`,
      sql`${outbox.payload}->>'accountId' in (select ${accounts.id}::text from ${accounts} where ${inGroups(accounts.groupId, groupIds)})`,
    ),
  );
}
