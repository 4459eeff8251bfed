import { slackRoles } from '@sipops/db/schema';
import { plainAccountSchema, wizardAccountSchema } from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import type { ActivationDeps } from '@sipops/shared/deps';
import { countRows, extension, mobileNumber } from '@sipops/shared/testing/test-fixture';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import { parseInput } from '@sipops/shared/validation';

export const PASSWORD = 'secret-123';

/** Accounts made through the use cases, as if created earlier. */
export function plainPgsm(
  deps: ActivationDeps,
  raw: Record<string, unknown> = {},
): Promise<AccountView> {
  return createPlainAccount(
    deps,
    'test:setup',
    parseInput(plainAccountSchema, {
      type: 'pgsm',
      group: 'acme',
      number: mobileNumber(),
      password: PASSWORD,
      ...raw,
    }),
  );
}

export function plainSnom(
  deps: ActivationDeps,
  raw: Record<string, unknown> = {},
): Promise<AccountView> {
  return createPlainAccount(
    deps,
    'test:setup',
    parseInput(plainAccountSchema, {
      type: 'snom',
      group: 'beta',
      number: extension(),
      password: PASSWORD,
      deny: '0.0.0.0/0.0.0.0',
      permit: '216.27.242.66/255.255.255.255',
      ...raw,
    }),
  );
}

export function wizard(
  deps: ActivationDeps,
  raw: Record<string, unknown> = {},
): Promise<AccountView> {
  return createWizardAccount(
    deps,
    'test:setup',
    parseInput(wizardAccountSchema, { group: 'acme', number: mobileNumber(), ...raw }),
  );
}

/** Rows of every table a Slack action may write, to show that a refusal wrote nothing. */
export async function snapshot(deps: ActivationDeps) {
  return { ...(await countRows(deps.db)), roles: await deps.db.$count(slackRoles) };
}
