import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { groups, provisioningProfiles } from '../schema/index.ts';

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
): Promise<{ group: GroupRow; profile: ProfileRow | null }[]> {
  return db
    .select({ group: groups, profile: provisioningProfiles })
    .from(groups)
    .leftJoin(provisioningProfiles, eq(provisioningProfiles.id, groups.profileId))
    .orderBy(asc(groups.name));
}

export async function listProfiles(db: Database): Promise<ProfileRow[]> {
  return db.select().from(provisioningProfiles).orderBy(asc(provisioningProfiles.name));
}
