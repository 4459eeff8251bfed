import { DEFAULT_OBFUSCATION_KEY } from './account-schemas.ts';
import type { AccountView } from './account-view.ts';
import { describeNumberWarning, parseVirtualNumber } from './phone-number.ts';
import { DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS } from './settings.ts';

export type FieldWarning = { field: string; message: string };

export const KEEP_ALIVE_WARNING = `costs about 3.6 KB per keep-alive round trip (every ${DEFAULT_KEEP_ALIVE_INTERVAL_SECONDS} s by default) and battery on mobiles; clients older than 11.1 cannot answer it and will never show as online`;
export const OBFUSCATION_KEY_WARNING = 'must be the same on the client, or calls fail or go silent';

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
