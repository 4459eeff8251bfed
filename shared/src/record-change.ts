import type { Database } from '@sipops/db/client';
import { insertAuditRows, insertOutboxRows } from '@sipops/db/queries';
import type { AccountView } from './account-view.ts';
import type { Actor } from './deps.ts';

export type AccountEvent =
  | 'account.created'
  | 'account.edited'
  | 'account.deleted'
  | 'account.disabled'
  | 'account.enabled'
  | 'account.keys_revoked'
  | 'account.status_changed';

/** What the audit log keeps of an account: the view, with the password only ever as a mask. */
type AccountSnapshot = Omit<AccountView, 'id'> & { password: string };
const PASSWORD_MASK = '********';

export function snapshot(
  view: AccountView | null,
  isPasswordChanged = false,
): AccountSnapshot | null {
  if (!view) return null;
  const { id: _id, ...rest } = view;
  return { ...rest, password: isPasswordChanged ? `${PASSWORD_MASK} (changed)` : PASSWORD_MASK };
}

export type AccountChange = {
  event: AccountEvent;
  actor: Actor;
  at: Date;
  before: AccountView | null;
  after: AccountView | null;
  isPasswordChanged?: boolean;
};

/**
 * Writes the audit row and the channel notification of one account change, in the caller's
 * transaction: the change, its audit and its notification commit together or not at all.
 */
export async function recordAccountChange(tx: Database, change: AccountChange): Promise<void> {
  await recordAccountChanges(tx, [change]);
}

/** Rows a statement: 8 audit columns each stay far below Postgres's 65,535 parameters. */
const CHANGES_PER_STATEMENT = 1000;

/** recordAccountChange for many changes at once (activation SMS of a batch), a statement a table. */
export async function recordAccountChanges(
  tx: Database,
  changes: readonly AccountChange[],
  /** isAudited false: the audit rows are written already (by the account writer). */
  options: { isNotified?: boolean; isAudited?: boolean } = {},
): Promise<void> {
  for (let start = 0; start < changes.length; start += CHANGES_PER_STATEMENT) {
    const some = changes.slice(start, start + CHANGES_PER_STATEMENT).map((change) => {
      const subject = change.after ?? change.before;
      if (!subject) throw new Error('an account change needs a before or an after');
      return { change, subject };
    });
    if (options.isAudited !== false)
      await insertAuditRows(
        tx,
        some.map(({ change, subject }) => ({
          at: change.at,
          actor: change.actor,
          action: change.event,
          subjectType: 'account' as const,
          subjectId: subject.id,
          subjectName: subject.username,
          before: snapshot(change.before),
          after: snapshot(change.after, change.isPasswordChanged),
        })),
      );
    // A batch's SMS notify once per group (recordActivationSmsQueued), not once an account.
    if (options.isNotified === false) continue;
    await insertOutboxRows(
      tx,
      some.map(({ change, subject }) => ({
        kind: 'notify' as const,
        orderKey: `account:${subject.id}`,
        payload: {
          event: change.event,
          actor: change.actor,
          at: change.at.toISOString(),
          account: subject,
          before: change.before,
          // The channel says a password changed, never what it is.
          ...(change.isPasswordChanged ? { isPasswordChanged: true } : {}),
        },
        createdAt: change.at,
        nextAttemptAt: change.at,
      })),
    );
  }
}

/** Audit of things that are not accounts (groups, profiles, roles). */
export async function recordAudit(
  tx: Database,
  entry: {
    action: string;
    actor: Actor;
    at: Date;
    subjectType: 'group' | 'profile' | 'role' | 'setting';
    subjectId: string;
    subjectName: string;
    before: unknown;
    after: unknown;
  },
): Promise<void> {
  await insertAuditRows(tx, [entry]);
}
