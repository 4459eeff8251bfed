import type { PlainAccountInput } from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import { type GroupScope, requireGroupInScope } from '../authorize.ts';
import type { Actor, Deps } from '../deps.ts';
import { insertAccount } from '../insert-account.ts';
import { recordAccountChange } from '../record-change.ts';
import { requireGroup, requireProfile } from '../resolve.ts';

/** The plain way: staff set every field; the account works at once (enabled). */
export async function createPlainAccount(
  deps: Deps,
  actor: Actor,
  input: PlainAccountInput,
  scope: GroupScope = null,
): Promise<AccountView> {
  return deps.db.transaction(async (tx) => {
    const group = await requireGroup(tx, input.group);
    requireGroupInScope(scope, group.id, `group "${group.name}"`);
    const profile = input.profile ? await requireProfile(tx, input.profile) : null;
    const common = {
      username: input.username,
      password: input.password,
      number: input.number.value,
      secondaryNumber: input.secondaryNumber?.value ?? null,
      groupId: group.id,
      profileId: profile?.id ?? null,
      createdVia: 'plain' as const,
      enabled: true,
    };
    const view = await insertAccount(
      deps,
      tx,
      input.type === 'pgsm'
        ? {
            ...common,
            type: 'pgsm',
            securityModel: input.securityModel,
            obfuscation: input.obfuscation,
            obfuscationKey: input.obfuscationKey,
            keepAlive: input.keepAlive,
          }
        : { ...common, type: 'snom', deny: input.deny, permit: input.permit },
    );
    await recordAccountChange(tx, {
      event: 'account.created',
      actor,
      at: deps.clock.now(),
      before: null,
      after: view,
    });
    return view;
  });
}
