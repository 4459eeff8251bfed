import {
  DEFAULT_OBFUSCATION_KEY,
  KEEP_ALIVE_WARNING,
  OBFUSCATION_KEY_WARNING,
} from './account-fields.ts';
import type { AccountView } from './account-view.ts';
import { describeNumberWarning, parseVirtualNumber } from './phone-number.ts';

export type FieldWarning = { field: string; message: string };

// The warnings are the settings' help too (the Slack form's hints): defined with the settings.
export { KEEP_ALIVE_WARNING, OBFUSCATION_KEY_WARNING };

/** The SPEC's warnings for an account as it stands: shown where the field is, never blocking. */
export function describeAccountWarnings(
  account: Pick<AccountView, 'type' | 'number' | 'keepAlive' | 'obfuscationKey'>,
): FieldWarning[] {
  const warnings: FieldWarning[] = [];
  const numberWarning = describeNumberWarning(parseVirtualNumber(account.number), account.type);
  if (numberWarning) warnings.push({ field: 'number', message: numberWarning });
  if (account.keepAlive) warnings.push({ field: 'keepAlive', message: KEEP_ALIVE_WARNING });
  if (account.obfuscationKey !== null && account.obfuscationKey !== DEFAULT_OBFUSCATION_KEY) {
    warnings.push({ field: 'obfuscationKey', message: OBFUSCATION_KEY_WARNING });
  }
  return warnings;
}
