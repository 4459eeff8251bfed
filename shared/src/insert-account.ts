import type { Database } from '@sipops/db/client';
import {
  findAccountById,
  findTakenNumbers,
  findUsernamesAmong,
  isUsernameTaken,
} from '@sipops/db/queries';
import { accounts, virtualNumbers } from '@sipops/db/schema';
import { type AccountView, toAccountView } from './account-view.ts';
import { computeSipHa1, encryptSecret, generateUsername } from './credentials.ts';
import { rethrowUniqueViolation } from './database-errors.ts';
import type { Deps } from './deps.ts';
import { AppError, assertNoIssues } from './errors.ts';
import { readAccountRealm } from './sip-realm.ts';

export type NewAccount = Omit<
  typeof accounts.$inferInsert,
  | 'id'
  | 'username'
  | 'passwordEncrypted'
  | 'sipHa1'
  | 'sipHa1Realm'
  | 'status'
  | 'statusChangedAt'
  | 'createdAt'
  | 'updatedAt'
> & { username: string | undefined; password: string };

const MAX_USERNAME_DRAWS = 20;

/** Refuses numbers that another account holds as its primary or secondary number. */
export async function assertNumbersFree(
  tx: Database,
  numbers: { number: string; field: string }[],
): Promise<void> {
  const taken = await findTakenNumbers(
    tx,
    numbers.map((n) => n.number),
  );
  const issues = taken.map((t) => {
    const field = numbers.find((n) => n.number === t.number)?.field ?? 'number';
    return { field, message: `${t.number} is already used by account ${t.username}` };
  });
  // Usernames and numbers share one namespace: `show 111` must name one account.
  for (const { username } of await findUsernamesAmong(
    tx,
    numbers.map((n) => n.number),
  )) {
    const field = numbers.find((n) => n.number === username)?.field ?? 'number';
    issues.push({ field, message: `${username} is the username of another account` });
  }
  assertNoIssues('DUPLICATE_NUMBER', issues);
}

async function chooseUsername(tx: Database, wanted: string | undefined): Promise<string> {
  if (wanted !== undefined) {
    if (await isUsernameTaken(tx, wanted)) {
      throw new AppError(
        'DUPLICATE_USERNAME',
        `${wanted} is already taken (as a username or another account's number)`,
        { field: 'username' },
      );
    }
    return wanted;
  }
  for (let draw = 0; draw < MAX_USERNAME_DRAWS; draw++) {
    const candidate = generateUsername();
    if (!(await isUsernameTaken(tx, candidate))) return candidate;
  }
  throw new Error('could not draw a free username');
}

/** The one way an account enters the database, whichever way staff created it. */
export async function insertAccount(
  deps: Deps,
  tx: Database,
  input: NewAccount,
): Promise<AccountView> {
  const numbers = [{ number: input.number, field: 'number' }];
  if (input.secondaryNumber)
    numbers.push({ number: input.secondaryNumber, field: 'secondaryNumber' });
  await assertNumbersFree(tx, numbers);
  const username = await chooseUsername(tx, input.username);
  const realm = await readAccountRealm(tx, {
    profileId: input.profileId ?? null,
    groupId: input.groupId,
  });
  const now = deps.clock.now();
  const { password, ...fields } = input;
  const [row] = await tx
    .insert(accounts)
    .values({
      ...fields,
      username,
      passwordEncrypted: encryptSecret(deps.secretKey, password),
      sipHa1: computeSipHa1(username, realm, password),
      sipHa1Realm: realm,
      status: 'created',
      statusChangedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: accounts.id })
    .catch((error: unknown) =>
      rethrowUniqueViolation(error, {
        accounts_username_unique: new AppError(
          'DUPLICATE_USERNAME',
          `${username} is already taken`,
          { field: 'username' },
        ),
        accounts_username_not_a_number: new AppError(
          'DUPLICATE_USERNAME',
          `${username} is the number of another account`,
          { field: 'username' },
        ),
      }),
    );
  if (!row) throw new Error('insert returned no account');
  await tx
    .insert(virtualNumbers)
    .values(
      numbers.map((n) => ({
        number: n.number,
        accountId: row.id,
        kind: n.field === 'number' ? ('primary' as const) : ('secondary' as const),
      })),
    )
    .catch((error: unknown) =>
      rethrowUniqueViolation(error, {
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
      }),
    );
  const record = await findAccountById(tx, row.id);
  if (!record) throw new Error('account vanished after insert');
  return toAccountView(record);
}
