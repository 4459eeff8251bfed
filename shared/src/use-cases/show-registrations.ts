import { findLastRegistrarRemoval } from '@sipops/db/queries';
import type { AccountView } from '../account-view.ts';
import type { Deps } from '../deps.ts';
import { type RegistrarReading, readRegistrations } from '../registrar/live-registrations.ts';

/** The last time sipops asked the registrar to drop the account's registrations, and how it went. */
export type RegistrarRemoval = {
  /** pending: not sent yet or being retried; done: the registrar confirmed; skipped: no RPC URL. */
  state: 'pending' | 'done' | 'failed' | 'skipped';
  requestedAt: string;
  /** When the registrar confirmed (done), or when sipops gave up or skipped it. */
  doneAt: string | null;
  attempts: number;
  lastError: string | null;
};

export type AccountRegistrations = {
  reading: RegistrarReading;
  removal: RegistrarRemoval | null;
};

/** Who is registered now under the account, for its card, and the last removal asked of the registrar. */
export async function showRegistrations(
  deps: Pick<Deps, 'db' | 'clock' | 'locationDb'>,
  account: Pick<AccountView, 'id' | 'username' | 'number' | 'secondaryNumber'>,
): Promise<AccountRegistrations> {
  const users = [account.username, account.number, account.secondaryNumber].filter(
    (user): user is string => !!user,
  );
  const [reading, row] = await Promise.all([
    readRegistrations(deps.locationDb ?? deps.db, deps.clock, users),
    findLastRegistrarRemoval(deps.db, { accountId: account.id }),
  ]);
  return {
    reading,
    removal: row
      ? {
          state: row.state === 'sending' ? 'pending' : row.state,
          requestedAt: row.createdAt.toISOString(),
          doneAt: row.doneAt?.toISOString() ?? null,
          attempts: row.attempts,
          lastError: row.lastError,
        }
      : null,
  };
}
