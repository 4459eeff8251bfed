import { type AccessDecision, checkAddress } from '../access-rules.ts';
import type { Deps } from '../deps.ts';
import { requireAccount } from '../resolve.ts';

/** Would the SIP server let this address use the account? (deny/permit rules, SNOM only.) */
export async function checkAccountAddress(
  deps: Pick<Deps, 'db'>,
  name: string,
  address: string,
): Promise<AccessDecision> {
  const { account } = await requireAccount(deps.db, name);
  // PGSM accounts carry no rules, and with no rules every address is allowed.
  return checkAddress(address, { deny: account.deny, permit: account.permit });
}
