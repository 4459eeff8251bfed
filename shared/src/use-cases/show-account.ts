import type { AccountView } from '../account-view.ts';
import { toAccountView } from '../account-view.ts';
import type { Deps } from '../deps.ts';
import { requireAccount } from '../resolve.ts';

export async function showAccount(deps: Pick<Deps, 'db'>, name: string): Promise<AccountView> {
  return toAccountView(await requireAccount(deps.db, name));
}
