import { wizardAccount, wizardProfileRefusal } from '../account-creation.ts';
import type { WizardAccountInput } from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import type { GroupScope } from '../authorize.ts';
import { createOneAccount } from '../create-account.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError } from '../errors.ts';

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
  return createOneAccount(deps, actor, scope, input, (group, profile) => {
    const refusal = wizardProfileRefusal(group, profile);
    if (refusal) throw new AppError('VALIDATION', refusal, { field: 'profile' });
    return wizardAccount({ number: input.number, group, profile });
  });
}
