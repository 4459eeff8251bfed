import { listAccountRecords } from '@sipops/db/queries';
import { z } from 'zod';
import { switchSchema } from '../account-fields.ts';
import { ACCOUNT_STATUSES } from '../account-lifecycle.ts';
import { nameSchema } from '../account-schemas.ts';
import { type AccountView, toAccountView } from '../account-view.ts';
import { type GroupScope, requireGroupInScope } from '../authorize.ts';
import type { Deps } from '../deps.ts';
import { requireGroup } from '../resolve.ts';

export const MAX_PAGE_SIZE = 1000;

export const listAccountsSchema = z.strictObject({
  group: nameSchema.optional(),
  status: z
    .enum(ACCOUNT_STATUSES, { error: `must be one of ${ACCOUNT_STATUSES.join(', ')}` })
    .optional(),
  enabled: switchSchema.optional(),
  /** Part of a username or of either number (find). */
  text: z.string().trim().min(1, 'must not be empty').optional(),
  limit: z
    .number()
    .int()
    .min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .default(50),
  offset: z.number().int().min(0, 'must be 0 or more').default(0),
});
export type ListAccountsInput = z.output<typeof listAccountsSchema>;

export type AccountPage = { accounts: AccountView[]; total: number; offset: number; limit: number };

/** List and find: by group, status, enabled, and part of a username or either number. */
export async function listAccounts(
  deps: Pick<Deps, 'db'>,
  input: ListAccountsInput,
  scope: GroupScope = null,
): Promise<AccountPage> {
  const group = input.group ? await requireGroup(deps.db, input.group) : undefined;
  if (group) requireGroupInScope(scope, group.id, `group "${group.name}"`);
  const { records, total } = await listAccountRecords(
    deps.db,
    {
      groupId: group?.id,
      groupIds: scope,
      status: input.status,
      enabled: input.enabled,
      text: input.text,
    },
    { limit: input.limit, offset: input.offset },
  );
  return { accounts: records.map(toAccountView), total, offset: input.offset, limit: input.limit };
}
