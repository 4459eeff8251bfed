import { revokeClientKeys, revokeLiveLinks } from '@sipops/db/queries';
import type { AccountView } from '../account-view.ts';
import type { Actor, Deps } from '../deps.ts';
import { queueRegistrationRemoval } from '../registrar/queue-registration-removal.ts';
import { requireAccountForUpdate } from '../resolve.ts';
import { updateAccount } from '../update-account.ts';

export type RevokeKeysResult = { account: AccountView; revokedKeys: number };

/**
 * Revokes the client's TLS key pairs. Live links die too: a new key is accepted only through a
 * link issued after this instant (a fresh provisioning).
 */
export async function revokeKeys(
  deps: Deps,
  actor: Actor,
  name: string,
): Promise<RevokeKeysResult> {
  return deps.db.transaction(async (tx) => {
    const record = await requireAccountForUpdate(tx, name);
    const now = deps.clock.now();
    const revoked = await revokeClientKeys(tx, { accountId: record.account.id, at: now });
    await revokeLiveLinks(tx, record.account.id, now);
    await queueRegistrationRemoval(tx, record, now);
    const account = await updateAccount(deps, tx, record, {
      event: 'account.keys_revoked',
      actor,
      set: { keysRevokedAt: now },
    });
    return { account, revokedKeys: revoked.length };
  });
}
