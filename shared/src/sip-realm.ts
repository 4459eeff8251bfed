import type { Database } from '@sipops/db/client';
import {
  findEffectiveProfile,
  lockAccountsUsingProfile,
  type ProfileRow,
  storeSipHashes,
} from '@sipops/db/queries';
import { computeSipHa1, decryptSecret } from './credentials.ts';
import { readSipRealm } from './settings.ts';

/** A profile's digest realm: its own, else its SIP host (the domain phones register to). */
export function profileRealm(profile: Pick<ProfileRow, 'realm' | 'sipHost'>): string {
  return profile.realm ?? profile.sipHost;
}

/**
 * The realm an account's HA1 is made with: its effective profile's (its own profile, else its
 * group's); an account with neither falls back to the global `sip_realm` setting.
 */
export async function readAccountRealm(
  tx: Database,
  account: { profileId: string | null; groupId: string },
): Promise<string> {
  const profile = await findEffectiveProfile(tx, account);
  return profile ? profileRealm(profile) : readSipRealm(tx);
}

/** Makes again the HA1 of every account using the profile, after its realm changed. */
export async function rehashProfileAccounts(
  tx: Database,
  secretKey: Buffer,
  profileId: string,
  realm: string,
): Promise<number> {
  const secrets = await lockAccountsUsingProfile(tx, profileId);
  const hashes = secrets.map((s) => ({
    id: s.id,
    ha1: computeSipHa1(s.username, realm, decryptSecret(secretKey, s.passwordEncrypted)),
  }));
  await storeSipHashes(tx, { realm, hashes });
  return hashes.length;
}
