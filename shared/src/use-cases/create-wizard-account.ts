import {
  DEFAULT_OBFUSCATION_KEY,
  DEFAULT_SECURITY_MODEL,
  type WizardAccountInput,
} from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import { type GroupScope, requireGroupInScope } from '../authorize.ts';
import { generatePassword } from '../credentials.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { insertAccount } from '../insert-account.ts';
import { recordAccountChange } from '../record-change.ts';
import { requireGroup, requireProfile } from '../resolve.ts';

/**
 * The wizard way: a PGSM account from a group, a mobile number and a profile, everything else
 * by default. It stays disabled until the user activates it from the link.
 */
export async function createWizardAccount(
  deps: Deps,
  actor: Actor,
  input: WizardAccountInput,
  scope: GroupScope = null,
): Promise<AccountView> {
  return deps.db.transaction(async (tx) => {
    const group = await requireGroup(tx, input.group);
    requireGroupInScope(scope, group.id, `group "${group.name}"`);
    const profile = input.profile ? await requireProfile(tx, input.profile) : null;
    if (!profile && !group.profileId) {
      throw new AppError(
        'VALIDATION',
        `is required: group "${group.name}" has no profile of its own`,
        { field: 'profile' },
      );
    }
    const view = await insertAccount(deps, tx, {
      type: 'pgsm',
      createdVia: 'wizard',
      username: undefined,
      password: generatePassword(),
      number: input.number,
      secondaryNumber: null,
      groupId: group.id,
      profileId: profile?.id ?? null,
      securityModel: DEFAULT_SECURITY_MODEL,
      obfuscation: true,
      obfuscationKey: DEFAULT_OBFUSCATION_KEY,
      keepAlive: false,
      enabled: false,
    });
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
