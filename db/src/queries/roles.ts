import { and, asc, eq, inArray } from 'drizzle-orm';
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
    .where(and(eq(slackRoles.teamId, who.teamId), eq(slackRoles.userId, who.userId)));
  return row;
}

/** Groups by id, by name. */
export async function findGroupsByIds(
  db: Database,
  ids: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(inArray(groups.id, [...ids]))
    .orderBy(asc(groups.name));
}

/** Groups by name; names that are no group are left out. */
export async function findGroupsByNames(
  db: Database,
  names: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (names.length === 0) return [];
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(inArray(groups.name, [...names]))
    .orderBy(asc(groups.name));
}
