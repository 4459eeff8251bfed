import type { Database } from '@sipops/db/client';
import {
  type AccountRecord,
  findAccountById,
  findAccountsByName,
  findGroupByName,
  findProfileByName,
  type GroupRow,
  lockAccountRow,
  type ProfileRow,
} from '@sipops/db/queries';
import { AppError } from './errors.ts';
import { parseVirtualNumber } from './phone-number.ts';

export async function requireGroup(db: Database, name: string, field = 'group'): Promise<GroupRow> {
  const group = await findGroupByName(db, name);
  if (!group) throw new AppError('NOT_FOUND', `no group named "${name}"`, { field });
  return group;
}

export async function requireProfile(
  db: Database,
  name: string,
  field = 'profile',
): Promise<ProfileRow> {
  const profile = await findProfileByName(db, name);
  if (!profile)
    throw new AppError('NOT_FOUND', `no provisioning profile named "${name}"`, { field });
  return profile;
}

/** The spellings a person may use for an account: its username, or a number as typed. */
function candidateNames(name: string): string[] {
  const names = [name.trim()];
  try {
    names.push(parseVirtualNumber(name).value);
  } catch {
    // Not a number: only the username can match.
  }
  return names;
}

/** The account named by username or by either number; ambiguous names are refused, not guessed. */
export async function requireAccount(db: Database, name: string): Promise<AccountRecord> {
  const records = await findAccountsByName(db, candidateNames(name));
  const [record, other] = records;
  if (!record)
    throw new AppError('NOT_FOUND', `no account with username or number "${name}"`, {
      field: 'account',
    });
  if (other) {
    throw new AppError(
      'AMBIGUOUS',
      `"${name}" names ${records.length} accounts (${records.map((r) => r.account.username).join(', ')}); use the username`,
      { field: 'account' },
    );
  }
  return record;
}

/**
 * requireAccount for a change, inside its transaction: the row is locked and read again, so two
 * simultaneous changes (a double-clicked Disable) queue up instead of both acting on a stale read.
 */
export async function requireAccountForUpdate(tx: Database, name: string): Promise<AccountRecord> {
  const found = await requireAccount(tx, name);
  await lockAccountRow(tx, found.account.id);
  const current = await findAccountById(tx, found.account.id);
  if (!current) {
    throw new AppError('NOT_FOUND', `no account with username or number "${name}"`, {
      field: 'account',
    });
  }
  return current;
}
