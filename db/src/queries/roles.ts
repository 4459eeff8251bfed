import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups, slackRoles } from '../schema/index.ts';

export type SlackRoleRow = typeof slackRoles.$inferSelect;

/** The role granted to a Slack user in a team, with the groups it is given for (null: all). */
export async function findSlackRole(
  db: Database,
  who: { teamId: string; userId: string },
): Promise<Pick<SlackRoleRow, 'role' | 'groupIds'> | undefined> {
  const [row] = await db
    .select({ role: slackRoles.role, groupIds: slackRoles.groupIds })
    .from(slackRoles)
    .where(isUser(who));
  return row;
}

/** Groups whose id (or name) is one of `values`, by name; values that are no group are left out. */
async function findGroupsWhere(
  db: Database,
  column: typeof groups.id | typeof groups.name,
  values: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (values.length === 0) return [];
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(inArray(column, [...values]))
    .orderBy(asc(groups.name));
}

/** Groups by id, by name. */
export function findGroupsByIds(db: Database, ids: readonly string[]) {
  return findGroupsWhere(db, groups.id, ids);
}

/** Groups by name; names that are no group are left out. */
export function findGroupsByNames(db: Database, names: readonly string[]) {
  return findGroupsWhere(db, groups.name, names);
}

type SlackUserKey = { teamId: string; userId: string };

const isUser = (who: SlackUserKey) =>
  and(eq(slackRoles.teamId, who.teamId), eq(slackRoles.userId, who.userId));

/** Every role granted in a team, by user id. */
export function listSlackRoles(db: Database, team: { teamId: string }): Promise<SlackRoleRow[]> {
  return db
    .select()
    .from(slackRoles)
    .where(eq(slackRoles.teamId, team.teamId))
    .orderBy(asc(slackRoles.userId));
}

/** A user's role and groups, the row locked (in a transaction) so that two changes queue up. */
export async function lockSlackRole(
  tx: Database,
  who: SlackUserKey,
): Promise<Pick<SlackRoleRow, 'role' | 'groupIds'> | undefined> {
  const [row] = await tx
    .select({ role: slackRoles.role, groupIds: slackRoles.groupIds })
    .from(slackRoles)
    .where(isUser(who))
    .for('update');
  return row;
}

/** Gives a user a role, replacing the one they had. */
export async function upsertSlackRole(tx: Database, row: SlackRoleRow): Promise<void> {
  const { role, groupIds, grantedBy, grantedAt } = row;
  await tx
    .insert(slackRoles)
    .values(row)
    .onConflictDoUpdate({
      target: [slackRoles.teamId, slackRoles.userId],
      set: { role, groupIds, grantedBy, grantedAt },
    });
}

/** Takes a user's role away. */
export async function deleteSlackRole(tx: Database, who: SlackUserKey): Promise<void> {
  await tx.delete(slackRoles).where(isUser(who));
}

/** The other admins of the user's team, their rows locked: whether someone would be left. */
export async function lockOtherAdmins(tx: Database, who: SlackUserKey): Promise<string[]> {
  const rows = await tx
    .select({ userId: slackRoles.userId })
    .from(slackRoles)
    .where(
      and(
        eq(slackRoles.teamId, who.teamId),
        eq(slackRoles.role, 'admin'),
        ne(slackRoles.userId, who.userId),
      ),
    )
    .for('update');
  return rows.map((row) => row.userId);
}
