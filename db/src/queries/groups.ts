import { asc, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups, provisioningProfiles } from '../schema/index.ts';
import { inGroups } from './accounts.ts';

export type GroupRow = typeof groups.$inferSelect;
export type ProfileRow = typeof provisioningProfiles.$inferSelect;

export async function findGroupByName(db: Database, name: string): Promise<GroupRow | undefined> {
  const [row] = await db.select().from(groups).where(eq(groups.name, name));
  return row;
}

export async function findProfileByName(
  db: Database,
  name: string,
): Promise<ProfileRow | undefined> {
  const [row] = await db
    .select()
    .from(provisioningProfiles)
    .where(eq(provisioningProfiles.name, name));
  return row;
}

export async function listGroupsWithProfiles(
  db: Database,
  scope: readonly string[] | null = null,
): Promise<{ group: GroupRow; profile: ProfileRow | null }[]> {
  return db
    .select({ group: groups, profile: provisioningProfiles })
    .from(groups)
    .leftJoin(provisioningProfiles, eq(provisioningProfiles.id, groups.profileId))
    .where(scope ? inGroups(groups.id, scope) : undefined)
    .orderBy(asc(groups.name));
}

export async function listProfiles(db: Database): Promise<ProfileRow[]> {
  return db.select().from(provisioningProfiles).orderBy(asc(provisioningProfiles.name));
}

/** Writes a group's settings; returns the group as it is now. */
export async function updateGroupSettings(
  db: Database,
  id: string,
  set: Partial<Pick<GroupRow, 'digestTime' | 'digestTimeZone'>>,
): Promise<GroupRow | undefined> {
  const [row] = await db.update(groups).set(set).where(eq(groups.id, id)).returning();
  return row;
}

/** The groups with a daily digest, for the worker that posts them. */
export async function listGroupsWithDigest(db: Database): Promise<GroupRow[]> {
  return db.select().from(groups).where(isNotNull(groups.digestTime)).orderBy(asc(groups.name));
}
