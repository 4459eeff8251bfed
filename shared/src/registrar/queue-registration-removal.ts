import type { Database } from '@sipops/db/client';
import { type AccountRecord, insertOutboxRows, registrarOrderKey } from '@sipops/db/queries';
import { z } from 'zod';

/** What the registrar worker needs to find an account's registrations, even once it is deleted. */
export const registrationRemovalSchema = z.object({
  accountId: z.string(),
  /** The names a phone may register under: the username and the numbers. */
  users: z.array(z.string()).min(1),
  /** The profile's SIP host: the domain of the AOR when usrloc's `use_domain` is on. */
  domain: z.string().nullable(),
});
export type RegistrationRemoval = z.infer<typeof registrationRemovalSchema>;

/**
 * Asks the registrar to drop the account's live registrations, in the caller's transaction: the
 * outbox worker sends it (Kamailio's `ul.rm`) once the change has committed, and retries it.
 */
export async function queueRegistrationRemoval(
  tx: Database,
  record: AccountRecord,
  at: Date,
): Promise<void> {
  const { account } = record;
  const payload: RegistrationRemoval = {
    accountId: account.id,
    users: [account.username, account.number, account.secondaryNumber].filter(
      (user): user is string => !!user,
    ),
    domain: record.profile?.sipHost ?? null,
  };
  await insertOutboxRows(tx, [
    {
      kind: 'registrar',
      orderKey: registrarOrderKey(account.id),
      payload,
      createdAt: at,
      nextAttemptAt: at,
    },
  ]);
}
