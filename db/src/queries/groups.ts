import { asc, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups, provisioningProfiles } from '../schema/index.ts';
import { inGroups } from './accounts.ts';
import { findRow } from './first-row.ts';

export type GroupRow = typeof groups.$inferSelect;
export type ProfileRow = typeof provisioningProfiles.$inferSelect;

export function findGroupByName(db: Database, name: string): Promise<GroupRow | undefined> {
  return findRow(db, groups, eq(groups.name, name));
}

export function findProfileByName(db: Database, name: string): Promise<ProfileRow | undefined> {
  return findRow(db, provisioningProfiles, eq(provisioningProfiles.name, name));
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

/** Inserts a group; a name taken already fails on groups_name_unique. */
export async function insertGroup(
  tx: Database,
  values: typeof groups.$inferInsert,
): Promise<GroupRow> {
  const [row] = await tx.insert(groups).values(values).returning();
  if (!row) throw new Error('insert returned no group');
  return row;
}

/** Inserts a profile; a name taken already fails on provisioning_profiles_name_unique. */
export async function insertProfile(
  tx: Database,
  values: typeof provisioningProfiles.$inferInsert,
): Promise<ProfileRow> {
  const [row] = await tx.insert(provisioningProfiles).values(values).returning();
  if (!row) throw new Error('insert returned no profile');
  return row;
}

/** Sets new values on a profile; the profile as saved. */
export async function updateProfile(
  tx: Database,
  id: string,
  set: Partial<typeof provisioningProfiles.$inferInsert>,
): Promise<ProfileRow> {
  const [row] = await tx
    .update(provisioningProfiles)
    .set(set)
    .where(eq(provisioningProfiles.id, id))
    .returning();
  if (!row) throw new Error('update returned no profile');
  return row;
}
