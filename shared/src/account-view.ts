import type { AccountRecord } from '@sipops/db/queries';
import type { AccountStatus } from './account-lifecycle.ts';
import type { AccountType, SecurityModel } from './account-schemas.ts';

/** An account as every front end shows it: never the password, nor its hash. */
export type AccountView = {
  id: string;
  username: string;
  number: string;
  secondaryNumber: string | null;
  type: AccountType;
  group: string;
  profile: string | null;
  isProfileInherited: boolean;
  enabled: boolean;
  status: AccountStatus;
  statusChangedAt: string;
  securityModel: SecurityModel | null;
  obfuscation: boolean | null;
  obfuscationKey: number | null;
  keepAlive: boolean | null;
  deny: string[] | null;
  permit: string[] | null;
  createdVia: 'wizard' | 'plain';
  createdAt: string;
  updatedAt: string;
};

export function toAccountView({
  account,
  group,
  profile,
  isProfileInherited,
}: AccountRecord): AccountView {
  const isSnom = account.type === 'snom';
  return {
    id: account.id,
    username: account.username,
    number: account.number,
    secondaryNumber: account.secondaryNumber,
    type: account.type,
    group: group.name,
    profile: profile?.name ?? null,
    isProfileInherited,
    enabled: account.enabled,
    status: account.status,
    statusChangedAt: account.statusChangedAt.toISOString(),
    securityModel: account.securityModel,
    obfuscation: account.obfuscation,
    obfuscationKey: account.obfuscationKey,
    keepAlive: account.keepAlive,
    deny: isSnom ? account.deny : null,
    permit: isSnom ? account.permit : null,
    createdVia: account.createdVia,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
