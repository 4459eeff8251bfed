import { revokeLiveLinks } from '@sipops/db/queries';
import type { AccountView } from '../account-view.ts';
import { toAccountView } from '../account-view.ts';
import type { Actor, Deps } from '../deps.ts';
import { queueRegistrationRemoval } from '../registrar/queue-registration-removal.ts';
import { requireAccountForUpdate } from '../resolve.ts';
import { updateAccount } from '../update-account.ts';

export type EnabledResult = { account: AccountView; isChanged: boolean };

/**
 * Disable and enable: a separate flag that never moves the last status. Disabling always stops
 * the account, whatever its status: a wizard account waiting for activation is not enabled yet,
 * so staff's disable is recorded apart (disabledAt), its live links die, and Activate refuses it
 * until staff enable it again; the registrar drops its live registrations. Asking for the state
 * it is already in changes nothing.
 */
async function setAccountEnabled(
  deps: Deps,
  actor: Actor,
  name: string,
  enabled: boolean,
): Promise<EnabledResult> {
  return deps.db.transaction(async (tx) => {
    const record = await requireAccountForUpdate(tx, name);
    const isStopped = record.account.disabledAt !== null;
    const isAlready = enabled ? record.account.enabled && !isStopped : isStopped;
    if (isAlready) return { account: toAccountView(record), isChanged: false };
    const now = deps.clock.now();
    if (!enabled) await revokeLiveLinks(tx, record.account.id, now);
    if (!enabled) await queueRegistrationRemoval(tx, record, now);
    const account = await updateAccount(deps, tx, record, {
      event: enabled ? 'account.enabled' : 'account.disabled',
      actor,
      set: { enabled, disabledAt: enabled ? null : now },
    });
    return { account, isChanged: true };
  });
}

export function disableAccount(deps: Deps, actor: Actor, name: string): Promise<EnabledResult> {
  return setAccountEnabled(deps, actor, name, false);
}

export function enableAccount(deps: Deps, actor: Actor, name: string): Promise<EnabledResult> {
  return setAccountEnabled(deps, actor, name, true);
}
