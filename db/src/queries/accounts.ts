import { and, asc, count, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../client.ts';
import { accounts, groups, provisioningProfiles, virtualNumbers } from '../schema/index.ts';

const ownProfile = alias(provisioningProfiles, 'own_profile');
const groupProfile = alias(provisioningProfiles, 'group_profile');

export type AccountRow = typeof accounts.$inferSelect;
/** Values to set on an account. */
export type AccountChanges = Partial<typeof accounts.$inferInsert>;
export type AccountRecord = {
  account: AccountRow;
  group: typeof groups.$inferSelect;
  /** The account's own profile, else its group's (SPEC: an account without one uses the group's). */
  profile: typeof provisioningProfiles.$inferSelect | null;
  isProfileInherited: boolean;
};

export type AccountFilters = {
  groupId?: string | undefined;
  /** The groups the person asking sees; null or absent: every group. */
  groupIds?: readonly string[] | null | undefined;
  status?: AccountRow['status'] | undefined;
  enabled?: boolean | undefined;
  /** Matches a username, or either number, containing the text. */
  text?: string | undefined;
};

function selectRecords(db: Database) {
  return db
    .select({ account: accounts, group: groups, ownProfile, groupProfile })
    .from(accounts)
    .innerJoin(groups, eq(groups.id, accounts.groupId))
    .leftJoin(ownProfile, eq(ownProfile.id, accounts.profileId))
    .leftJoin(groupProfile, eq(groupProfile.id, groups.profileId))
    .$dynamic();
}

type JoinedRow = {
  account: AccountRow;
  group: typeof groups.$inferSelect;
  ownProfile: typeof provisioningProfiles.$inferSelect | null;
  groupProfile: typeof provisioningProfiles.$inferSelect | null;
};

function toRecord(row: JoinedRow): AccountRecord {
  return {
    account: row.account,
    group: row.group,
    profile: row.ownProfile ?? row.groupProfile,
    isProfileInherited: row.ownProfile === null && row.groupProfile !== null,
  };
}

/** Accounts named by a username or by either of their numbers (a name can match more than one). */
export async function findAccountsByName(db: Database, names: string[]): Promise<AccountRecord[]> {
  const unique = [...new Set(names)];
  const byNumber = db
    .select({ id: virtualNumbers.accountId })
    .from(virtualNumbers)
    .where(inArray(virtualNumbers.number, unique));
  const rows = await selectRecords(db).where(
    or(inArray(accounts.username, unique), inArray(accounts.id, byNumber)),
  );
  return rows.map(toRecord);
}

export async function findAccountById(
  db: Database,
  id: string,
): Promise<AccountRecord | undefined> {
  const [row] = await selectRecords(db).where(eq(accounts.id, id));
  return row ? toRecord(row) : undefined;
}

/** The accounts of these ids (those that exist), in no particular order. */
export async function findAccountsByIds(db: Database, ids: string[]): Promise<AccountRecord[]> {
  if (ids.length === 0) return [];
  const rows = await selectRecords(db).where(inArray(accounts.id, ids));
  return rows.map(toRecord);
}

/** `column` is one of these group ids; none given matches nothing (a role whose groups are gone). */
export function inGroups(
  column: typeof accounts.groupId | typeof groups.id,
  ids: readonly string[],
): SQL {
  return ids.length === 0 ? sql`false` : inArray(column, [...ids]);
}

function filterConditions(filters: AccountFilters): SQL | undefined {
  const conditions: SQL[] = [];
  if (filters.groupId) conditions.push(eq(accounts.groupId, filters.groupId));
  if (filters.groupIds) conditions.push(inGroups(accounts.groupId, filters.groupIds));
  if (filters.status) conditions.push(eq(accounts.status, filters.status));
  if (filters.enabled !== undefined) conditions.push(eq(accounts.enabled, filters.enabled));
  if (filters.text) {
    const pattern = `%${filters.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const textMatch = or(
      ilike(accounts.username, pattern),
      ilike(accounts.number, pattern),
      ilike(accounts.secondaryNumber, pattern),
    );
    if (textMatch) conditions.push(textMatch);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

export async function listAccountRecords(
  db: Database,
  filters: AccountFilters,
  page: { limit: number; offset: number },
): Promise<{ records: AccountRecord[]; total: number }> {
  const where = filterConditions(filters);
  const [rows, totals] = await Promise.all([
    selectRecords(db)
      .where(where)
      .orderBy(asc(groups.name), asc(accounts.username))
      .limit(page.limit)
      .offset(page.offset),
    db
      .select({ total: count() })
      .from(accounts)
      .innerJoin(groups, eq(groups.id, accounts.groupId))
      .where(where),
  ]);
  return { records: rows.map(toRecord), total: totals[0]?.total ?? 0 };
}

/** Sets the same values on the accounts given (updatedAt included by the caller). */
export async function updateAccountsById(
  tx: Database,
  ids: readonly string[],
  set: AccountChanges,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(accounts)
    .set(set)
    .where(inArray(accounts.id, [...ids]));
}

/** Deletes an account; its numbers, links and keys go with it (ON DELETE CASCADE). */
export async function deleteAccountById(tx: Database, id: string): Promise<void> {
  await tx.delete(accounts).where(eq(accounts.id, id));
}

/** Locks the account's row for a change, so that two changes of it queue up. */
export async function lockAccountRow(tx: Database, id: string): Promise<void> {
  await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, id)).for('update');
}
