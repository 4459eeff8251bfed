import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { accounts, groups, provisioningProfiles } from '../schema/index.ts';
import type { ProfileRow } from './groups.ts';

/** The profile an account uses: its own, else its group's (null when neither has one). */
export async function findEffectiveProfile(
  db: Database,
  params: { profileId: string | null; groupId: string },
): Promise<ProfileRow | null> {
  if (params.profileId !== null) {
    const [own] = await db
      .select()
      .from(provisioningProfiles)
      .where(eq(provisioningProfiles.id, params.profileId));
    return own ?? null;
  }
  const [row] = await db
    .select({ profile: provisioningProfiles })
    .from(groups)
    .innerJoin(provisioningProfiles, eq(provisioningProfiles.id, groups.profileId))
    .where(eq(groups.id, params.groupId));
  return row?.profile ?? null;
}

export type AccountSecret = { id: string; username: string; passwordEncrypted: string };

/** Accounts whose effective profile is this one, locked: their HA1 is about to be made again. */
export async function lockAccountsUsingProfile(
  db: Database,
  profileId: string,
): Promise<AccountSecret[]> {
  const inheriting = db
    .select({ id: groups.id })
    .from(groups)
    .where(eq(groups.profileId, profileId));
  return db
    .select({
      id: accounts.id,
      username: accounts.username,
      passwordEncrypted: accounts.passwordEncrypted,
    })
    .from(accounts)
    .where(
      or(
        eq(accounts.profileId, profileId),
        and(isNull(accounts.profileId), inArray(accounts.groupId, inheriting)),
      ),
    )
    .for('update');
}

/** Stores new HA1 values, all made with one realm, in one statement. */
export async function storeSipHashes(
  db: Database,
  params: { realm: string; hashes: { id: string; ha1: string }[] },
): Promise<void> {
  if (params.hashes.length === 0) return;
  // One JSON parameter binds the same way on postgres.js and PGlite, whatever the row count.
  await db.execute(sql`
    update ${accounts} set sip_ha1 = v.ha1, sip_ha1_realm = ${params.realm}
    from jsonb_to_recordset(${JSON.stringify(params.hashes)}::jsonb) as v(id uuid, ha1 text)
    where ${accounts.id} = v.id`);
}
