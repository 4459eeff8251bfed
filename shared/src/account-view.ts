import type { AccountRecord } from '@sipops/db/queries';
import { type AccountFieldViews, accountFieldViews } from './account-fields.ts';
import type { AccountStatus } from './account-lifecycle.ts';
import type { AccountType } from './account-schemas.ts';

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
} & AccountFieldViews & {
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
    // The settings, in the registry's order: JSON keeps its key order.
    ...accountFieldViews(account.type, account),
    createdVia: account.createdVia,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
