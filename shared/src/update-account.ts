import type { Database } from '@sipops/db/client';
import {
  type AccountChanges,
  type AccountRecord,
  findAccountsByIds,
  updateAccountsById,
} from '@sipops/db/queries';
import { type AccountView, toAccountView } from './account-view.ts';
import type { Actor, Deps } from './deps.ts';
import { type AccountEvent, recordAccountChanges } from './record-change.ts';

/** Writes changes to one account and records them (audit and notification) in the same transaction. */
export async function updateAccount(
  deps: Deps,
  tx: Database,
  record: AccountRecord,
  change: {
    event: AccountEvent;
    actor: Actor;
    set: AccountChanges;
    isPasswordChanged?: boolean;
  },
): Promise<AccountView> {
  const [view] = await updateAccounts(deps, tx, [{ record, set: change.set }], change);
  if (!view) throw new Error('account vanished during update');
  return view;
}

/**
 * updateAccount for many accounts at once (the activation SMS of a batch): one statement for the
 * accounts given the same values, one read back, then their audit and notifications. The views
 * after come in the order of the changes.
 */
export async function updateAccounts(
  deps: Deps,
  tx: Database,
  changes: readonly { record: AccountRecord; set: AccountChanges }[],
  change: { event: AccountEvent; actor: Actor; isPasswordChanged?: boolean; isNotified?: boolean },
): Promise<AccountView[]> {
  const now = deps.clock.now();
  const alike = new Map<string, { set: AccountChanges; ids: string[] }>();
  for (const { record, set } of changes) {
    const key = JSON.stringify(set);
    const group = alike.get(key);
    if (group) group.ids.push(record.account.id);
    else alike.set(key, { set, ids: [record.account.id] });
  }
  for (const { set, ids } of alike.values())
    await updateAccountsById(tx, ids, { ...set, updatedAt: now });
  const updated = new Map(
    (
      await findAccountsByIds(
        tx,
        changes.map((c) => c.record.account.id),
      )
    ).map((record) => [record.account.id, record]),
  );
  const views = changes.map(({ record }) => {
    const after = updated.get(record.account.id);
    if (!after) throw new Error('account vanished during update');
    return { before: toAccountView(record), after: toAccountView(after) };
  });
  await recordAccountChanges(
    tx,
    views.map(({ before, after }) => ({
      event: change.event,
      actor: change.actor,
      at: now,
      before,
      after,
      isPasswordChanged: change.isPasswordChanged ?? false,
    })),
    { isNotified: change.isNotified ?? true },
  );
  return views.map((v) => v.after);
}
