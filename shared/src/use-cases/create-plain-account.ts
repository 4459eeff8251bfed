import { accountFieldColumns } from '../account-fields.ts';
import type { PlainAccountInput } from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import type { GroupScope } from '../authorize.ts';
import { createOneAccount } from '../create-account.ts';
import type { Actor, Deps } from '../deps.ts';

/** The plain way: staff set every field; the account works at once (enabled). */
export async function createPlainAccount(
  deps: Deps,
  actor: Actor,
  input: PlainAccountInput,
  scope: GroupScope = null,
): Promise<AccountView> {
  return createOneAccount(deps, actor, scope, input, (group, profile) => {
    return {
      way: 'plain',
      type: input.type,
      username: input.username,
      password: input.password,
      sealedPassword: undefined,
      number: input.number.value,
      secondaryNumber: input.secondaryNumber?.value ?? null,
      group,
      profile,
      ...accountFieldColumns(input.type, input),
      enabled: true,
      isSmsCandidate: false,
    };
  });
}
