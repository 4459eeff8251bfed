import type { AccountView } from './account-view.ts';
import { parseVirtualNumber } from './phone-number.ts';

/**
 * Whether an activation SMS can be offered for the account (SPEC: PGSM, an E.164 mobile number
 * and a provisioning profile, its own or its group's). The use case checks the rest when sent.
 */
export function canOfferActivationSms(
  account: Pick<AccountView, 'type' | 'number' | 'profile'>,
): boolean {
  if (account.type !== 'pgsm' || account.profile === null) return false;
  try {
    const parsed = parseVirtualNumber(account.number);
    return parsed.isE164 && parsed.isMobile;
  } catch {
    return false;
  }
}
