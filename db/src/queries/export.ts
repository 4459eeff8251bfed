import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { accounts, groups, provisioningProfiles } from '../schema/index.ts';
import type { AccountRow } from './accounts.ts';

const groupName = sql`${groups.name} collate "C"`;
const username = sql`${accounts.username} collate "C"`;

/**
 * One page of the accounts as the export writes them, ordered by group then username in byte
 * order (the same on every database); `after` continues from the last row of the page before.
 */
export function listExportPage<K extends keyof AccountRow & keyof typeof accounts>(
  tx: Database,
  params: {
    /** The account's settings to read beside the columns every export has. */
    settings: readonly K[];
    groupId?: string | undefined;
    status?: AccountRow['status'] | undefined;
    after?: { group: string; username: string } | undefined;
    limit: number;
  },
) {
  const where: SQL[] = [];
  if (params.groupId) where.push(eq(accounts.groupId, params.groupId));
  if (params.status) where.push(eq(accounts.status, params.status));
  const { after } = params;
  if (after)
    where.push(
      sql`(${groupName}, ${username}) > (${after.group} collate "C", ${after.username} collate "C")`,
    );
  return (
    tx
      .select({
        group: groups.name,
        username: accounts.username,
        way: accounts.createdVia,
        type: accounts.type,
        number: accounts.number,
        secondaryNumber: accounts.secondaryNumber,
        profile: provisioningProfiles.name,
        enabled: accounts.enabled,
        ...(Object.fromEntries(params.settings.map((key) => [key, accounts[key]])) as {
          [P in K]: (typeof accounts)[P];
        }),
        sealedPassword: accounts.passwordEncrypted,
      })
      .from(accounts)
      .innerJoin(groups, eq(groups.id, accounts.groupId))
      // The account's own profile only: one inherited from its group stays inherited.
      .leftJoin(provisioningProfiles, eq(provisioningProfiles.id, accounts.profileId))
      .where(and(...where))
      .orderBy(groupName, username)
      .limit(params.limit)
  );
}
