import { deleteAccountById } from '@sipops/db/queries';
import type { AccountView } from '../account-view.ts';
import { toAccountView } from '../account-view.ts';
import type { Actor, Deps } from '../deps.ts';
import { recordAccountChange } from '../record-change.ts';
import { queueRegistrationRemoval } from '../registrar/queue-registration-removal.ts';
import { requireAccountForUpdate } from '../resolve.ts';

/** Deletes an account with its numbers, links and keys; the audit log keeps what it was. */
export async function deleteAccount(deps: Deps, actor: Actor, name: string): Promise<AccountView> {
  return deps.db.transaction(async (tx) => {
    const record = await requireAccountForUpdate(tx, name);
    const before = toAccountView(record);
    await deleteAccountById(tx, record.account.id);
    await queueRegistrationRemoval(tx, record, deps.clock.now());
    await recordAccountChange(tx, {
      event: 'account.deleted',
      actor,
      at: deps.clock.now(),
      before,
      after: null,
    });
    return before;
  });
}
