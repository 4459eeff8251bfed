import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { clientKeys } from '../schema/index.ts';

export type ClientKeyRow = typeof clientKeys.$inferSelect;

/** The account's key with this fingerprint, if it is not revoked. */
export async function findLiveClientKey(
  tx: Database,
  key: { accountId: string; fingerprint: string },
): Promise<ClientKeyRow | undefined> {
  const [row] = await tx
    .select()
    .from(clientKeys)
    .where(
      and(
        eq(clientKeys.accountId, key.accountId),
        eq(clientKeys.fingerprint, key.fingerprint),
        isNull(clientKeys.revokedAt),
      ),
    );
  return row;
}

/** Revokes the account's live keys (but the one `keep` names); their fingerprints. */
export async function revokeClientKeys(
  tx: Database,
  params: { accountId: string; at: Date; keep?: string },
): Promise<string[]> {
  const rows = await tx
    .update(clientKeys)
    .set({ revokedAt: params.at })
    .where(
      and(
        eq(clientKeys.accountId, params.accountId),
        isNull(clientKeys.revokedAt),
        params.keep === undefined ? undefined : ne(clientKeys.fingerprint, params.keep),
      ),
    )
    .returning({ fingerprint: clientKeys.fingerprint });
  return rows.map((row) => row.fingerprint);
}

export async function insertClientKey(
  tx: Database,
  row: typeof clientKeys.$inferInsert,
): Promise<void> {
  await tx.insert(clientKeys).values(row);
}
