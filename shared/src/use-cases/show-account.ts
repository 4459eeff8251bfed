import type { AccountView } from '../account-view.ts';
import { toAccountView } from '../account-view.ts';
import { type GroupScope, requireGroupInScope } from '../authorize.ts';
import type { Deps } from '../deps.ts';
import { requireAccount } from '../resolve.ts';

/** The account's card; outside the person's groups it is refused (what they may not change they may not see). */
export async function showAccount(
  deps: Pick<Deps, 'db'>,
  name: string,
  scope: GroupScope = null,
): Promise<AccountView> {
  const record = await requireAccount(deps.db, name);
  requireGroupInScope(scope, record.group.id, `account "${name}"`, 'account');
  return toAccountView(record);
}
