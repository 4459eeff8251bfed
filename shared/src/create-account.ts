import type { Database } from '@sipops/db/client';
import { findAccountById, type GroupRow, type ProfileRow } from '@sipops/db/queries';
import {
  type AccountToCreate,
  findNumberClashes,
  findUsernameClashes,
} from './account-creation.ts';
import { type AccountView, toAccountView } from './account-view.ts';
import { AccountWriter } from './account-writer.ts';
import { type GroupScope, requireGroupInScope } from './authorize.ts';
import type { Actor, Deps } from './deps.ts';
import { AppError, assertNoIssues } from './errors.ts';
import { recordAccountChanges } from './record-change.ts';
import { requireGroup, requireProfile } from './resolve.ts';

/**
 * A single creation (the plain form, the wizard; Slack or the terminal): a batch of one, through
 * the same rules and the same writer as an import, refused with an error naming the field. Its
 * group and profile are found by name, the group must be in the person's scope, and `build`
 * makes the account of them.
 */
export async function createOneAccount(
  deps: Deps,
  actor: Actor,
  scope: GroupScope,
  names: { group: string; profile?: string | undefined },
  build: (group: GroupRow, profile: ProfileRow | null) => AccountToCreate,
): Promise<AccountView> {
  return deps.db.transaction(async (tx) => {
    const group = await requireGroup(tx, names.group);
    requireGroupInScope(scope, group.id, `group "${group.name}"`);
    const profile = names.profile ? await requireProfile(tx, names.profile) : null;
    const account = build(group, profile);
    await assertNamesFree(tx, account);
    const now = deps.clock.now();
    const own = [account.number, account.secondaryNumber, account.username];
    const writer = new AccountWriter(
      deps,
      tx,
      actor,
      now,
      {
        errorCount: 0,
        isNamed: (value) => own.includes(value),
        flushDatabaseChecks: async () => {},
      },
      { takenMeanwhile: takenMeanwhile(account.username) },
    );
    await writer.load();
    await writer.add(account);
    await writer.finish();
    const record = writer.lastId ? await findAccountById(tx, writer.lastId) : undefined;
    if (!record) throw new Error('account vanished after insert');
    const view = toAccountView(record);
    // Its audit row is the writer's; the channel is told here, one message an account.
    await recordAccountChanges(
      tx,
      [{ event: 'account.created', actor, at: now, before: null, after: view }],
      { isAudited: false },
    );
    return view;
  });
}

/** Refuses numbers and a username that other accounts hold, naming the fields. */
async function assertNamesFree(tx: Database, account: AccountToCreate): Promise<void> {
  const numbers = [{ number: account.number, field: 'number' }];
  if (account.secondaryNumber)
    numbers.push({ number: account.secondaryNumber, field: 'secondaryNumber' });
  const clashes = await findNumberClashes(
    tx,
    numbers.map((n) => n.number),
  );
  assertNoIssues(
    'DUPLICATE_NUMBER',
    numbers.flatMap(({ number, field }) => {
      const message = clashes.get(number);
      return message === undefined ? [] : [{ field, message }];
    }),
  );
  if (account.username === undefined) return;
  const taken = (await findUsernameClashes(tx, [account.username])).get(account.username);
  if (taken !== undefined) throw new AppError('DUPLICATE_USERNAME', taken, { field: 'username' });
}

/** The refusals of a key taken by another account between the checks and the insert. */
function takenMeanwhile(username: string | undefined): Record<string, AppError> {
  const name = username ?? 'the username';
  return {
    accounts_username_unique: new AppError('DUPLICATE_USERNAME', `${name} is already taken`, {
      field: 'username',
    }),
    accounts_username_not_a_number: new AppError(
      'DUPLICATE_USERNAME',
      `${name} is the number of another account`,
      { field: 'username' },
    ),
    virtual_numbers_pkey: new AppError(
      'DUPLICATE_NUMBER',
      'the number was taken by another account a moment ago',
      { field: 'number' },
    ),
    virtual_numbers_number_not_a_username: new AppError(
      'DUPLICATE_NUMBER',
      'the number is the username of another account',
      { field: 'number' },
    ),
  };
}
