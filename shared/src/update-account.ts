import type { Database } from '@sipops/db/client';
import { type AccountRecord, findAccountById } from '@sipops/db/queries';
import { accounts, activationLinks } from '@sipops/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import { type AccountView, toAccountView } from './account-view.ts';
import type { Actor, Deps } from './deps.ts';
import { type AccountEvent, recordAccountChange } from './record-change.ts';

/** Writes changes to one account and records them (audit and notification) in the same transaction. */
export async function updateAccount(
  deps: Deps,
  tx: Database,
  record: AccountRecord,
  change: {
    event: AccountEvent;
    actor: Actor;
    set: Partial<typeof accounts.$inferInsert>;
    isPasswordChanged?: boolean;
  },
): Promise<AccountView> {
  const now = deps.clock.now();
  await tx
    .update(accounts)
    .set({ ...change.set, updatedAt: now })
    .where(eq(accounts.id, record.account.id));
  const updated = await findAccountById(tx, record.account.id);
  if (!updated) throw new Error('account vanished during update');
  const after = toAccountView(updated);
  await recordAccountChange(tx, {
    event: change.event,
    actor: change.actor,
    at: now,
    before: toAccountView(record),
    after,
    isPasswordChanged: change.isPasswordChanged ?? false,
  });
  return after;
}

/** Kills every live activation link of an account (disable, revoke keys, a newer link). */
export async function revokeLiveLinks(tx: Database, accountId: string, at: Date): Promise<void> {
  await tx
    .update(activationLinks)
    .set({ revokedAt: at })
    .where(
      and(
        eq(activationLinks.accountId, accountId),
        isNull(activationLinks.spentAt),
        isNull(activationLinks.revokedAt),
      ),
    );
}
