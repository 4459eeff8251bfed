import type { Database } from '@sipops/db/client';
import {
  findNumberHolders,
  findTakenUsernames,
  findUsernamesAmong,
  type GroupRow,
  type ProfileRow,
} from '@sipops/db/queries';
import { type AccountFieldColumns, defaultAccountFields } from './account-fields.ts';
import type { AccountType } from './account-schemas.ts';
import type { CreationWay } from './batch/csv-format.ts';
import { generatePassword } from './credentials.ts';

/**
 * The rules of a new account that every way in shares (the plain form, the wizard, a batch file):
 * what a wizard account is made of, and which numbers and usernames are free. Each way reports a
 * broken rule its own way (an error naming the field, or a line of the file), in the same words.
 */

/** A new account as every way in hands it to the writer (account-writer.ts). */
export type AccountToCreate = {
  way: CreationWay;
  type: AccountType;
  /** Undefined: none given, the writer draws one. */
  username: string | undefined;
  /** In clear (typed, opened from an exported `sealed_password`, or generated), for the HA1. */
  password: string;
  /** An exported ciphertext, stored as given so that a second export gives the same bytes. */
  sealedPassword: string | undefined;
  number: string;
  secondaryNumber: string | null;
  group: GroupRow;
  /** The account's own profile; null means its group's. */
  profile: ProfileRow | null;
  enabled: boolean;
  /** A wizard account waiting for its activation SMS. */
  isSmsCandidate: boolean;
} & AccountFieldColumns;

/** The PGSM settings of a new wizard account: the defaults of the form. */
export const WIZARD_SETTINGS: AccountFieldColumns = defaultAccountFields('pgsm');

/**
 * A new wizard account: a PGSM account with one number, the default settings and a generated
 * password, disabled until its user activates it (an exported one comes back as it was).
 */
export function wizardAccount(fields: {
  number: string;
  group: GroupRow;
  profile: ProfileRow | null;
  username?: string | undefined;
  password?: string | undefined;
  sealedPassword?: string | undefined;
  settings?: typeof WIZARD_SETTINGS | undefined;
  enabled?: boolean | undefined;
}): AccountToCreate {
  const enabled = fields.enabled ?? false;
  return {
    way: 'wizard',
    type: 'pgsm',
    username: fields.username,
    password: fields.password ?? generatePassword(),
    sealedPassword: fields.sealedPassword,
    number: fields.number,
    secondaryNumber: null,
    group: fields.group,
    profile: fields.profile,
    ...(fields.settings ?? WIZARD_SETTINGS),
    enabled,
    isSmsCandidate: !enabled,
  };
}

/** Why a wizard account cannot be made in this group with this profile, if it cannot. */
export function wizardProfileRefusal(
  group: Pick<GroupRow, 'name' | 'profileId'>,
  profile: ProfileRow | null,
): string | undefined {
  return !profile && !group.profileId
    ? `is required: group "${group.name}" has no profile of its own`
    : undefined;
}

/**
 * The numbers of these that no new account may have, each with why: another account holds it
 * (primary or secondary), or it is another account's username (usernames and numbers share one
 * namespace, so that `show 111` names one account).
 */
export async function findNumberClashes(
  db: Database,
  numbers: readonly string[],
): Promise<Map<string, string>> {
  const clashes = new Map<string, string>();
  if (numbers.length === 0) return clashes;
  const [holders, usernames] = await Promise.all([
    findNumberHolders(db, { numbers }),
    findUsernamesAmong(db, { values: numbers }),
  ]);
  for (const { number, username } of holders)
    clashes.set(number, `${number} is already used by account ${username}`);
  for (const username of usernames)
    if (!clashes.has(username))
      clashes.set(username, `${username} is the username of another account`);
  return clashes;
}

/** The usernames of these that are taken (as usernames or as numbers), each with why. */
export async function findUsernameClashes(
  db: Database,
  usernames: readonly string[],
): Promise<Map<string, string>> {
  const taken = await findTakenUsernames(db, { usernames });
  return new Map(
    [...taken].map((username) => [
      username,
      `${username} is already taken (a username or an account's number)`,
    ]),
  );
}
